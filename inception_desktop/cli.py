"""Command line: ``classify``, ``explain``, ``retrain``, ``train``, ``evaluate``, ``weights`` and
``gui`` (the default).

``inception-desktop PHOTO...`` (files or folders without a command) opens them in the window, as
any desktop application does with the files it is given (and a file manager's "Open with");
``inception-desktop`` alone opens the window. A first word that is neither a command nor an
existing path is a usage error that names the nearest command.

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
from inception_desktop.commands import (
    audit,
    classify,
    convert,
    evaluate,
    explain,
    gui,
    precision,
    retrain,
    train,
    weights,
)
from inception_desktop.commands.common import HelpFormatter, Parser
from inception_desktop.core.errors import InceptionDesktopError, first_line

#: Exit status after the reader of stdout went away: 128 + SIGPIPE, as a shell reports it.
EXIT_BROKEN_PIPE = 141
#: Exit status after a bug (sysexits' EX_SOFTWARE), distinct from 1, a bad input.
EXIT_INTERNAL_ERROR = 70


COMMANDS = (gui, classify, explain, train, evaluate, retrain, audit, weights, convert, precision)
#: Options of the top-level parser, which come before a command.
_TOP_FLAGS = ("-v", "--verbose")
_TOP_EXITS = ("-h", "--help", "--version")

DESCRIPTION = """\
Classify photos with Inception v3 and hand-drawn digits with an MNIST model.

Without a command, opens the window, with the photos and folders given (inception-desktop
PHOTO...). Each command has its own help: inception-desktop COMMAND --help.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inception-desktop",
        usage="%(prog)s [-h] [--version] [-v] [COMMAND ... | PHOTO ...]",
        description=DESCRIPTION,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=Parser, prog="inception-desktop"
    )
    for module in COMMANDS:
        module.add_parser(sub)
    return parser


def command_names(parser: argparse.ArgumentParser) -> list[str]:
    """The names of the commands ``parser`` knows, in the order ``--help`` lists them."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []


def with_command(argv: list[str], parser: argparse.ArgumentParser) -> list[str]:
    """``argv`` with ``gui`` inserted where no command is named but files are given.

    ``inception-desktop a.jpg b/`` and ``inception-desktop --runtime litert a.jpg`` mean ``gui``;
    a first word that is a command, ``--help``, ``--version``, or nothing at all is left alone; a
    first word that is neither a command nor an existing path (nor a web address) is left alone
    too, for :func:`unknown_command` to explain.
    """
    commands = command_names(parser)
    for index, word in enumerate(argv):
        if word in _TOP_FLAGS:
            continue
        if word in _TOP_EXITS or word in commands or word == "--":
            return argv
        if word.startswith("-") or os.path.lexists(word) or _is_url(word):
            return [*argv[:index], "gui", *argv[index:]]
        return argv
    return argv


def _is_url(word: str) -> bool:
    return word.lower().startswith(("http://", "https://", "file://"))


def unknown_command(argv: list[str], parser: argparse.ArgumentParser) -> str | None:
    """The usage error for a first word that is no command and no file, or None."""
    import difflib

    commands = command_names(parser)
    word = next((w for w in argv if w not in _TOP_FLAGS), None)
    if word is None or word.startswith("-") or word in commands:
        return None
    near = difflib.get_close_matches(word, commands, n=1, cutoff=0.6)
    hint = f"did you mean '{near[0]}'? " if near else ""
    return (
        f"'{word}' is neither a command nor an existing file or folder; {hint}"
        f"commands: {', '.join(commands)} (see inception-desktop --help)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    words = with_command(words, parser)
    problem = unknown_command(words, parser)
    if problem is not None:
        parser.error(problem)  # exits with status 2, the usage line first
    args = parser.parse_args(words)
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
