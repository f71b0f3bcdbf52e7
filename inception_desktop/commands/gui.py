"""``inception-desktop gui`` (the default): open the window."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="open the window (the default command)")
    p.add_argument("files", nargs="*", type=Path, help="photos to open at start")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from inception_desktop.gui.app import run_app

    return run_app([str(f) for f in getattr(args, "files", []) or []])
