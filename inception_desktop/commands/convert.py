"""``inception-desktop convert MODEL``: convert a model for LiteRT once, into the cache.

MODEL is ``inception`` (the installed Inception v3 weights), an Inception v3 weights ``.h5``, or
an MNIST ``.keras`` file. The conversion is what every command and the window would make on first
use; running it ahead saves that wait. The window runs this very command in a child process
(``--events``), so TensorFlow never loads into it. Prints the path of the ``.tflite``.
"""

from __future__ import annotations

import argparse

from inception_desktop.commands.common import (
    EventStream,
    add_precision_argument,
    err,
    print_result,
)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("convert", help="convert a model for LiteRT, once", description=__doc__)
    p.add_argument(
        "model",
        metavar="MODEL",
        help="'inception', an Inception v3 weights .h5, or an MNIST .keras",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument(
        "--events", action="store_true", help="progress as JSON lines on stdout, the result last"
    )
    add_precision_argument(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from inception_desktop.core.classifiers import convert
    from inception_desktop.core.errors import InceptionDesktopError
    from inception_desktop.core.models.precision import resolve as resolve_precision

    events = EventStream(args.events)
    try:
        tflite = convert(args.model, events.stage, resolve_precision(args.precision))
    except InceptionDesktopError as exc:
        err(f"error: {exc}")
        events.emit("error", message=str(exc))
        return 1
    result = {"model": args.model, "tflite": str(tflite)}
    events.emit("done", result=result)
    if args.json:
        print_result(result)
    elif not args.events:
        print(tflite)
    return 0
