"""``inception-desktop classify PATH...``: photos with Inception v3, digit images with MNIST.

A bad input never stops the others: it becomes an error entry, and the exit status is 1. Inputs
are framed one by one and classified in batches, so a folder costs what the network costs.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inception_desktop.commands.common import ProgressLine, err

if TYPE_CHECKING:
    import numpy as np

    from inception_desktop.core.framing import Framing

#: The framing modes, spelled here so that ``--help`` needs neither numpy nor Pillow.
MODES = ("squash", "crop", "pad")

BATCH = 16


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
        help="'inception' (default), 'mnist' (the shipped digit model) or a .keras MNIST file",
    )
    p.add_argument("--framing", choices=MODES, default="pad", help="how a photo becomes square")
    p.add_argument("--box", help="X,Y,W,H: classify only this rectangle (original image pixels)")
    p.add_argument(
        "--pad-color", default="128,128,128", help="padding colour (name, #rrggbb, R,G,B)"
    )
    p.add_argument("--top", type=int, default=5, help="how many classes to show (5)")
    p.add_argument("--json", action="store_true", help="print one JSON array on stdout")
    p.add_argument("--weights", type=Path, help="Inception v3 weights file to use instead")
    p.add_argument("--save-input", type=Path, metavar="DIR", help="save each network input as PNG")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from inception_desktop.core.framing import Box, Framing, FramingError, parse_color

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
    is_photo = args.model == "inception"
    items = _expand(args.paths)
    classifier = _load_model(args)
    if classifier is None:
        return 1
    bar = ProgressLine("classifying", total=len(items)) if len(items) > 1 else None
    for start in range(0, len(items), BATCH):
        chunk = items[start : start + BATCH]
        for item in chunk:
            if item.error is None:
                _prepare(item, framing, is_photo)
        ready = [i for i in chunk if i.error is None and i.array is not None]
        for item, prediction in zip(
            ready, classifier.classify_batch([i.array for i in ready], k=args.top), strict=True
        ):
            item.result = prediction.as_dict()
        if bar:
            bar.update(start + len(chunk))
    if args.save_input:
        _save_inputs(items, args.save_input)
    _print(items, args.json)
    return 1 if any(i.error for i in items) else 0


def _usage(message: str) -> int:
    err(f"inception-desktop classify: error: {message}")
    return 2


def _expand(paths: list[Path]) -> list[Item]:
    from inception_desktop.core.images import list_images

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


def _load_model(args: argparse.Namespace) -> Any:
    try:
        if args.model == "inception":
            from inception_desktop.core import inception

            return inception.load_classifier(args.weights)
        from inception_desktop.core.mnist.classifier import load_classifier

        return load_classifier(args.model)
    except Exception as exc:
        err(f"error: {exc}")
        return None


def _prepare(item: Item, framing: Framing, is_photo: bool) -> None:
    from inception_desktop.core.digits import normalize_digit
    from inception_desktop.core.framing import Framing, FramingError, frame
    from inception_desktop.core.images import ImageLoadError, load_image

    try:
        if is_photo:
            loaded = load_image(item.path, draft_to=None if framing.box else 299)
            if framing.box is not None:
                framing = Framing(framing.mode, framing.box.scaled(loaded.scale), framing.pad_color)
            item.array = frame(loaded.image, 299, framing).array
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


def _save_inputs(items: list[Item], directory: Path) -> None:
    from PIL import Image

    directory.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    for item in items:
        if item.array is None:
            continue
        stem = f"{Path(item.path).stem}.{item.framing}"
        name, n = stem, 1
        while name in used:
            n += 1
            name = f"{stem}-{n}"
        used.add(name)
        Image.fromarray(item.array).save(directory / f"{name}.png")


def _print(items: list[Item], as_json: bool) -> None:
    if as_json:
        out = []
        for item in items:
            if item.result is None:
                out.append({"path": item.path, "error": item.error or "not classified"})
            else:
                out.append(
                    {
                        "path": item.path,
                        "model": item.result["model"],
                        "framing": item.framing,
                        "top": item.result["top"],
                        "ms": item.result["ms"],
                    }
                )
        json.dump(out, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    for item in items:
        if item.result is None:
            print(f"{item.path}: error: {item.error}")
            continue
        print(f"{item.path}  ({item.result['model']}, {item.framing}, {item.result['ms']:.0f} ms)")
        for entry in item.result["top"]:
            print(f"  {entry['score'] * 100:6.2f}%  {entry['label']}")
