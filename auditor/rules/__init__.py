"""The audit rules, one module each, named by the rule id; see :func:`_base.discover`."""
