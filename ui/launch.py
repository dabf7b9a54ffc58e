"""The ``rootwarden`` entry point: commands go to ``app.cli``; no command opens the wizard.

Imports no Qt until the wizard is really opened, so command-line use stays fast.
"""
from __future__ import annotations

import sys
from typing import Sequence

from app import cli


def open_wizard(demo: bool) -> int:
    import os

    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                                                 or os.environ.get("QT_QPA_PLATFORM")):
        print("rootwarden: no display found; the wizard needs a desktop session. On a server, use "
              "`rootwarden verify` (see `rootwarden --help`).", file=sys.stderr)
        return cli.EXIT_CONNECT
    try:
        from ui.main import run_wizard
    except ImportError as error:
        print(f"rootwarden: the wizard needs the 'gui' extra ({error.name} is missing): "
              "pip install 'rootwarden[gui]'. `rootwarden verify` works meanwhile.", file=sys.stderr)
        return cli.EXIT_CONNECT
    return run_wizard(demo=demo)


def render_report(record, output, paper):  # type: ignore[no-untyped-def]
    """The PDF report of a verified record: an organization record gets the organization report."""
    try:
        from app.org.record import VerifiedOrgRecord

        if isinstance(record, VerifiedOrgRecord):
            from ui.org_report_pdf import render_report as render
        else:
            from ui.report_pdf import render_report as render
    except ImportError as error:
        from app.errors import RootwardenError

        raise RootwardenError(f"The PDF report needs the 'gui' extra ({error.name} is missing): pip install 'rootwarden[gui]'.") from None
    return render(record, output, paper)


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, open_wizard=open_wizard, render_report=render_report)


if __name__ == "__main__":
    sys.exit(main())
