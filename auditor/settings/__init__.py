"""One audit's settings: the auditor.toml file, flags over it, and the defaults."""
