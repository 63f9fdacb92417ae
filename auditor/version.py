"""The release, in one place every layer may read (reports and the collector's User-Agent)."""

__version__ = "0.1.0"
