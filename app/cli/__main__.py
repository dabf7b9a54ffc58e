"""``python -m app.cli``: the command line without the wizard (no Qt is ever imported)."""
from __future__ import annotations

import sys

from app.cli.main import main

sys.exit(main())
