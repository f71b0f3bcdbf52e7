"""``inception-desktop classify PATH...``: photos with Inception v3, digit images with MNIST.

A bad input never stops the others: it becomes an error entry, and the exit status is 1. Inputs
are framed one by one and classified in batches, so a folder costs what the network costs.
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from inception_desktop.commands.common import (
    FRAMING_HELP,
    ProgressLine,
    add_runtime_argument,
    err,
)
from inception_desktop.core.photo.framing_modes import DEFAULT_MODE, MODES

if TYPE_CHECKING:
    import numpy as np

    from inception_desktop.core.models.classifier import Classifier
    from inception_desktop.core.photo.framing import Framing

BATCH = 16
#: Threads that decode and frame photos while the network runs.
DECODE_THREADS = 2


@dataclass
class Item:
    path: str
    array: np.ndarray | None = None
    framing: str = ""
    error: str | None = None
    result: dict[str, Any] | None = None


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("classify", help="classify images or folders of images", description=__doc__)
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="image files or folders")
    p.add_argument(
        "--model",
        default="inception",
        help="'inception' (default), 'mnist' (the shipped digit model), a .keras MNIST file, "
        "or a model made by 'retrain' (its own class names)",
    )
    p.add_argument("--framing", choices=MODES, default=DEFAULT_MODE, help=FRAMING_HELP)
    p.add_argument(
        "--box",
        metavar="X,Y,W,H",
        help="classify only this rectangle, in the original image's pixels (before framing)",
    )
    p.add_argument(
        "--pad-color", default="128,128,128", help="padding colour (name, #rrggbb, R,G,B)"
    )
    p.add_argument("--top", type=int, default=5, metavar="N", help="how many classes to show")
    p.add_argument("--json", action="store_true", help="print one JSON array on stdout")
    p.add_argument(
        "--weights",
        type=Path,
        metavar="FILE.h5",
        help="Inception v3 weights file to use instead of the installed one",
    )
    p.add_argument(
        "--force", action="store_true", help="use a retrained model on other weights than its own"
    )
    add_runtime_argument(p)
    p.add_argument("--save-input", type=Path, metavar="DIR", help="save each network input as PNG")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from inception_desktop.core.photo.framing import Box, Framing, FramingError, parse_color

    try:
        framing = Framing(
            args.framing,
            Box.parse(args.box) if args.box else None,
            parse_color(args.pad_color),
        )
    except FramingError as exc:
        return _usage(str(exc))
    if args.top < 1:
        return _usage(f"--top must be at least 1, got {args.top}")
    is_photo = args.model == "inception" or _is_retrained(args.model)
    items = _expand(args.paths)
    classifier = _load_model(args)
    if classifier is None:
        return 1
    bar = ProgressLine("classifying", total=len(items)) if len(items) > 1 else None
    chunks = [items[start : start + BATCH] for start in range(0, len(items), BATCH)]
    # Decoding and framing the next batch on other threads (Pillow releases the GIL) while the
    # network computes this one: a folder goes at the network's rate. At most two batches of
    # inputs exist at a time, whatever the folder's size.
    with ThreadPoolExecutor(DECODE_THREADS, thread_name_prefix="decode") as pool:

        def submit(chunk: list[Item]) -> list[Future[None]]:
            return [pool.submit(_prepare, i, framing, is_photo) for i in chunk if i.error is None]

        pending = submit(chunks[0]) if chunks else []
        done = failed = 0
        for n, chunk in enumerate(chunks):
            for future in pending:
                future.result()
            pending = submit(chunks[n + 1]) if n + 1 < len(chunks) else []
            ready = [i for i in chunk if i.error is None and i.array is not None]
            arrays = [i.array for i in ready if i.array is not None]  # the same, narrowed
            predictions = classifier.classify_batch(arrays, k=args.top)
            for item, prediction in zip(ready, predictions, strict=True):
                item.result = prediction.as_dict()
            done += len(chunk)
            failed += sum(1 for item in chunk if item.error is not None)
            if bar:  # "5/5 done, 4 failed": a run that mostly failed never reads as 100%
                bar.update(done, failed=failed)
    saved = _save_inputs(items, args.save_input) if args.save_input else True
    _print(items, args.json)
    return 1 if not saved or any(i.error for i in items) else 0


def _usage(message: str) -> int:
    err(f"inception-desktop classify: error: {message}")
    return 2


def _expand(paths: list[Path]) -> list[Item]:
    from inception_desktop.core.photo.images import list_images

    items: list[Item] = []
    for path in paths:
        if path.is_dir():
            found = list_images(path)
            if not found:
                items.append(Item(str(path), error="no images in this folder"))
            items.extend(Item(str(p)) for p in found)
        else:
            items.append(Item(str(path)))
    return items


def _load_model(args: argparse.Namespace) -> Classifier | None:
    """The classifier ``--model`` names, or None after one line saying why it cannot be had
    (a project error: missing weights, a bad model file); anything else is a bug and propagates."""
    from inception_desktop.core.errors import InceptionDesktopError

    try:
        if _is_retrained(args.model):  # a model made by 'retrain': see commands/retrain.py
            from inception_desktop.commands.retrain import load_for_classify

            return load_for_classify(args)
        if args.model == "inception":
            from inception_desktop.core.models import inception

            return inception.load_classifier(
                args.weights, args.runtime, stage=lambda text: err(f"{text}…")
            )
        from inception_desktop.core.models.mnist import load_classifier

        return load_classifier(args.model, args.runtime)
    except InceptionDesktopError as exc:
        err(f"error: {exc}")
        return None


def _is_retrained(model: str) -> bool:
    from inception_desktop.commands.retrain import is_retrained_model

    return is_retrained_model(model)


def _prepare(item: Item, framing: Framing, is_photo: bool) -> None:
    from inception_desktop.core.digit.normalize import normalize_digit
    from inception_desktop.core.photo.framing import FramingError
    from inception_desktop.core.photo.images import ImageLoadError, load_image
    from inception_desktop.core.photo.prepare import photo_input

    try:
        if is_photo:
            item.array = photo_input(item.path, framing, 299).array
            item.framing = framing.mode
        else:
            loaded = load_image(item.path, background=(0, 0, 0))
            steps = normalize_digit(loaded.image)
            if steps is None:
                item.error = "no ink found: the image looks blank"
                return
            item.array = steps.input
            item.framing = "digit"
    except (ImageLoadError, FramingError) as exc:
        item.error = exc.reason if isinstance(exc, ImageLoadError) else str(exc)


def _save_inputs(items: list[Item], directory: Path) -> bool:
    """Save each network input as ``DIR/<stem>.<framing>.png``, atomically; False on a failure.

    A folder that cannot be written, a full disk or any other write error stops the saving with
    one line on stderr (how many were saved); the results are still printed by the caller. Names
    are made safe for any file system: control characters and bytes that are not UTF-8 become
    ``_``, and a stem is shortened to fit the file system's name limit.
    """
    from PIL import Image

    from inception_desktop.core.store.atomic import (
        WriteError,
        atomic_path,
        check_output_dir,
        name_max,
    )

    wanted = [item for item in items if item.array is not None]
    if not wanted:
        return True
    try:
        check_output_dir(directory)
    except WriteError as exc:
        err(f"error: no network inputs saved: {exc}")
        return False
    limit = name_max(directory)
    used: set[str] = set()
    for saved, item in enumerate(wanted):
        stem = _safe_stem(Path(item.path).stem, limit - len(item.framing) - 16)
        stem = f"{stem}.{item.framing}"
        name, n = stem, 1
        while name in used:
            n += 1
            name = f"{stem}-{n}"
        used.add(name)
        try:
            with atomic_path(directory / f"{name}.png") as tmp:
                Image.fromarray(cast("np.ndarray", item.array)).save(tmp)  # wanted: not None
        except WriteError as exc:
            err(f"error: {exc} ({saved} of {len(wanted)} network inputs saved)")
            return False
    return True


def _safe_stem(stem: str, max_bytes: int) -> str:
    """``stem`` as a portable file name part of at most ``max_bytes`` UTF-8 bytes."""
    clean = "".join(
        "_" if 0xDC80 <= ord(ch) <= 0xDCFF or not ch.isprintable() or ch in "/\\" else ch
        for ch in stem
    )
    encoded = clean.encode("utf-8", "replace")[: max(1, max_bytes)]
    return encoded.decode("utf-8", "ignore") or "_"


def display_path(text: str) -> str:
    """A path (or message) on one printable line, whatever bytes the name holds.

    Bytes that are not UTF-8 (Python keeps them as surrogates ``\\udc80``-``\\udcff``) show as
    ``\\xNN``, the byte itself; newlines, tabs and other control characters as ``\\n``, ``\\t``,
    ``\\xNN`` (or ``\\uNNNN``). Everything else is shown as it is.
    """
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch.isprintable():
            out.append(ch)
        else:
            named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch)
            out.append(named or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"))
    return "".join(out)


def json_path(text: str) -> dict[str, str]:
    """The JSON fields naming a path: ``path`` is always valid Unicode (any byte that is not
    UTF-8 replaced by U+FFFD); when the name is not valid UTF-8, ``path_base64`` adds its exact
    bytes, base64-encoded, so a program can still open the file."""
    import base64
    import os

    raw = os.fsencode(text)
    fields = {"path": raw.decode("utf-8", "replace")}
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        fields["path_base64"] = base64.b64encode(raw).decode("ascii")
    return fields


def _unicode(text: str) -> str:
    """``text`` with stray surrogates (undecodable bytes) replaced, for JSON."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _line(text: str) -> None:
    """Print one line that stdout's encoding can always carry (unknown characters escaped)."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    print(text.encode(encoding, "backslashreplace").decode(encoding))


def _print(items: list[Item], as_json: bool) -> None:
    """The results on stdout: a table (one line per input, then its classes), or JSON.

    Paths are rendered with :func:`display_path` in the table and :func:`json_path` in JSON, so
    any file name prints, on one line, and the JSON is plain ASCII (valid UTF-8 everywhere).
    """
    if as_json:
        out = []
        for item in items:
            if item.result is None:
                error = _unicode(item.error or "not classified")
                out.append({**json_path(item.path), "error": error})
            else:
                out.append(
                    {
                        **json_path(item.path),
                        "model": item.result["model"],
                        "framing": item.framing,
                        "top": item.result["top"],
                        "ms": item.result["ms"],
                    }
                )
        json.dump(out, sys.stdout, indent=2, ensure_ascii=True)
        sys.stdout.write("\n")
        return
    for item in items:
        path = display_path(item.path)
        if item.result is None:
            _line(f"{path}: error: {display_path(item.error or 'not classified')}")
            continue
        _line(f"{path}  ({item.result['model']}, {item.framing}, {item.result['ms']:.0f} ms)")
        for entry in item.result["top"]:
            _line(f"  {entry['score'] * 100:6.2f}%  {entry['label']}")
