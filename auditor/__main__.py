"""``python -m auditor``: the same command as the ``auditor`` script."""

from __future__ import annotations

import sys

from auditor.cli.main import main

sys.exit(main())
