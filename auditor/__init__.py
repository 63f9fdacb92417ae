"""seat-auditor: find the 8x8 X Series seats you pay for and nobody uses.

The library first, the command line second: ``load`` a snapshot folder, ``run`` the rules
into a report, ``write_reports`` in any of the formats, from a notebook as from the CLI.
"""

from __future__ import annotations

__version__ = "0.1.0"
