"""Hostile tenant text, end to end: one real ``auditor audit`` run, every output checked."""
