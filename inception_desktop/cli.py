"""Command line: ``classify``, ``explain``, ``retrain``, ``train``, ``evaluate``, ``weights`` and
``gui`` (the default).

Each command lives in ``inception_desktop.commands`` and imports TensorFlow only when it runs, so
``--help`` and argument errors answer at once.

A reader that stops early (``classify ... | head -1``) ends the run quietly with status 141, what a
shell reports for a program stopped by SIGPIPE, instead of a BrokenPipeError traceback.

Exit statuses: 0 done; 1 a bad input or environment (a project error,
:class:`~inception_desktop.core.errors.InceptionDesktopError`: one line on stderr); 2 a usage
error; 70 a bug (any other exception: one line asking for a report, and the traceback with
``--verbose``); 130 interrupted; 141 the reader of stdout went away.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Sequence

from inception_desktop import __version__
from inception_desktop.commands import classify, evaluate, explain, gui, retrain, train, weights
from inception_desktop.core.errors import InceptionDesktopError, first_line

#: Exit status after the reader of stdout went away: 128 + SIGPIPE, as a shell reports it.
EXIT_BROKEN_PIPE = 141
#: Exit status after a bug (sysexits' EX_SOFTWARE), distinct from 1, a bad input.
EXIT_INTERNAL_ERROR = 70


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inception-desktop",
        description="Classify photos with Inception v3 and digits with an MNIST model.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (gui, classify, explain, train, evaluate, retrain, weights):
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not args.verbose:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    run = getattr(args, "run", None) or gui.run
    try:
        code = run(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler, not at exit
        return code
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except InceptionDesktopError as exc:  # a command that did not catch it: still one line
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug: said as one, never dressed up as a bad input
        print(
            f"internal error: {type(exc).__name__}: {first_line(exc)} (please report it"
            f"{'' if args.verbose else '; run again with --verbose for the details'})",
            file=sys.stderr,
        )
        if args.verbose:
            traceback.print_exc()
        return EXIT_INTERNAL_ERROR


def _silence_stdout() -> None:
    """Point stdout at devnull, so that flushing it again at exit raises nothing (the recipe of
    the Python documentation on SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout replaced (tests) or already closed
        pass
