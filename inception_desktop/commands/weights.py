"""``inception-desktop weights status|download|import FILE [--trust]|path``."""

from __future__ import annotations

import argparse
from pathlib import Path

from inception_desktop.commands.common import ProgressLine, err


def add_parser(sub: argparse._SubParsersAction) -> None:
    from inception_desktop.core.store.download import DEFAULT_DEADLINE, DEFAULT_TIMEOUT  # light

    p = sub.add_parser("weights", help="manage the Inception v3 ImageNet weights")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("status", help="say whether the weights are installed, and where")
    actions.add_parser("path", help="print where the weights file lives")
    dl = actions.add_parser("download", help="download the official file (92 MB) once")
    dl.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help="seconds without data (%(default)g)",
    )
    dl.add_argument(
        "--deadline",
        type=float,
        default=DEFAULT_DEADLINE,
        help="seconds the whole download may take (%(default)g)",
    )
    imp = actions.add_parser("import", help="install a weights file you already have")
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--trust",
        action="store_true",
        help="accept a file that is not the official one (it must still load into Inception v3)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from inception_desktop.core.errors import InceptionDesktopError
    from inception_desktop.core.store import weights

    if args.action == "path":
        print(weights.weights_path())
        return 0
    if args.action == "status":
        current = weights.status()
        print(current.describe())
        if current.present and current.md5:
            from inception_desktop.core.models.inception import tflite_path

            converted = tflite_path(current.md5)
            print(
                f"LiteRT conversion: {converted}"
                if converted.is_file()
                else "LiteRT conversion: not made yet (made at the next start, about a minute)"
            )
        return 0 if current.present else 1
    try:
        if args.action == "download":
            current = weights.status()
            if current.present:
                print(f"already installed: {weights.weights_path()}")
                return 0
            if current.problem:
                err(f"repairing: {current.problem}")
            err(f"downloading {weights.download_url()}")
            bar = ProgressLine("Inception v3 weights", unit="B")
            path = weights.download(
                progress=lambda done, total: bar.update(done, total),
                timeout=args.timeout,
                deadline=args.deadline,
            )
        else:
            from inception_desktop.core.models.inception import import_weights

            path = import_weights(args.file, trust=args.trust)
    except InceptionDesktopError as exc:  # WeightsError with advice; RuntimeChoiceError...
        err(f"error: {exc}")
        return 1
    print(f"installed: {path}")
    return _convert(path, weights.status().md5)


def _convert(path: Path, md5: str) -> int:
    """Convert freshly installed weights for LiteRT now, so the next start takes a second."""
    from inception_desktop.core.errors import InceptionDesktopError
    from inception_desktop.core.models import inception

    try:
        converted = inception.ensure_tflite(path, md5 or None, stage=lambda text: err(f"{text}…"))
    except InceptionDesktopError as exc:  # the weights are installed; the next start tries again
        err(f"error: could not convert the weights for LiteRT ({exc}); the next start retries")
        return 1
    print(f"converted for LiteRT: {converted}")
    return 0
