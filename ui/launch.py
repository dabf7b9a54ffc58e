"""The ``rootwarden`` entry point: commands go to ``app.cli``; no command opens the wizard.

Imports no Qt until the wizard is really opened, so command-line use stays fast.
"""
from __future__ import annotations

import sys
from typing import Sequence

from app import cli


def open_wizard(demo: bool) -> int:
    try:
        from ui.main import run_wizard
    except ImportError as error:
        print(f"rootwarden: the wizard needs the 'gui' extra ({error.name} is missing): "
              "pip install 'rootwarden[gui]'. `rootwarden verify` works meanwhile.", file=sys.stderr)
        return cli.EXIT_CONNECT
    return run_wizard(demo=demo)


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, open_wizard=open_wizard)


if __name__ == "__main__":
    sys.exit(main())
