"""``inception-desktop gui`` (the default): open the window.

``inception-desktop PHOTO...`` is the same as ``inception-desktop gui PHOTO...`` (see cli.py).
"""

from __future__ import annotations

import argparse

from inception_desktop.commands.common import add_precision_argument, add_runtime_argument


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "gui",
        help="open the window (the default command)",
        description="Open the window, with the photos given. Without a command, "
        "inception-desktop PHOTO... does the same.",
    )
    p.add_argument(
        "files",
        nargs="*",
        metavar="PHOTO",
        help="photos, folders of photos or web addresses of images to open at start",
    )
    add_runtime_argument(p)
    add_precision_argument(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from inception_desktop.gui.app import run_app

    files = [str(f) for f in getattr(args, "files", []) or []]  # as given: a URL stays one
    return run_app(files, getattr(args, "runtime", None), getattr(args, "precision", None))
