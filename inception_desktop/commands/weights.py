"""``inception-desktop weights status|download|import FILE [--trust]|path``.

Sizes are SI units (1 MB = 10^6 bytes), as everywhere in the app: the official file is 96.1 MB.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from inception_desktop.commands.common import ProgressLine, err


def add_parser(sub: argparse._SubParsersAction) -> None:
    from inception_desktop.core.store.download import DEFAULT_DEADLINE, DEFAULT_TIMEOUT  # light
    from inception_desktop.core.store.weights import SIZE_TEXT

    p = sub.add_parser(
        "weights",
        help="manage the Inception v3 ImageNet weights",
        description="Install, check or locate the Inception v3 ImageNet weights the photo "
        f"classifier needs: the official Keras file ({SIZE_TEXT}), downloaded once into your "
        "cache folder, or a copy you already have.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=type(p))
    actions.add_parser("status", help="say whether the weights are installed, and where")
    actions.add_parser("path", help="print where the weights file lives")
    dl = actions.add_parser(
        "download",
        help=f"download the official file ({SIZE_TEXT}) once",
        description=f"Download the official Inception v3 weights ({SIZE_TEXT}) into your cache "
        "folder, check their md5, and convert them for LiteRT. Progress shows the speed and the "
        "time left.",
    )
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
    imp = actions.add_parser(
        "import",
        help="install a weights file you already have",
        description="Install a copy of the weights you already have. The official file (by "
        "md5) is always accepted; any other only with --trust.",
    )
    imp.add_argument("file", type=Path, metavar="FILE.h5", help="the weights file to install")
    imp.add_argument(
        "--trust",
        action="store_true",
        help="accept a file that is not the official one: loading an .h5 file from an "
        "untrusted source is a risk; the file must still load into Inception v3",
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
    except weights.UnofficialWeightsError as exc:
        err(f"error: {exc}")
        err(
            "If you trust where it came from, import it with --trust "
            "(it is then checked to load into Inception v3)."
        )
        return 1
    except InceptionDesktopError as exc:  # WeightsError with advice; RuntimeChoiceError...
        err(f"error: {exc}")
        if args.action == "download" and "import" in str(exc):
            err("To install a copy you have: inception-desktop weights import FILE")
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
