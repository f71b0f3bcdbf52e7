"""``inception-desktop gui`` (the default): open the window."""

from __future__ import annotations

import argparse
from pathlib import Path

from inception_desktop.commands.common import add_runtime_argument


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="open the window (the default command)")
    p.add_argument("files", nargs="*", type=Path, help="photos to open at start")
    add_runtime_argument(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from inception_desktop.gui.app import run_app

    files = [str(f) for f in getattr(args, "files", []) or []]
    return run_app(files, getattr(args, "runtime", None))
