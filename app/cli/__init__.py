"""The ``rootwarden`` command line (SPEC §8): the parser and dispatch in ``main``, one module
per command group (``verify``, ``record``, ``profile``, ``schedule``), each imported only when
its command runs so the command line starts fast. ``python -m app.cli`` runs it without the UI.
"""
from __future__ import annotations

from app.cli.main import EXIT_CONNECT, EXIT_PIPE_CLOSED, build_parser, main

__all__ = ["EXIT_CONNECT", "EXIT_PIPE_CLOSED", "build_parser", "main"]
