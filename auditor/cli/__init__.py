"""The ``auditor`` command: click wiring and the mapping of errors to exit codes, nothing else."""
