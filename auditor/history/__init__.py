"""The SQLite store of past audits, the changes between runs and the history listing."""
