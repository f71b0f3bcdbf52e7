"""``inception-desktop explain IMAGES... --out DIR``: why the network said what it said.

For each input it writes ``<stem>.input.png`` (the exact network input), ``<stem>.heatmap.png``
(8-bit grey at the input's size, 255 = hottest) and ``<stem>.overlay.png`` (the heat, in colour,
over the original image at its original size; parts the network did not see stay uncoloured).
Grad-CAM runs on the chosen runtime (LiteRT by default, without TensorFlow: Inception v3 and a
retrained model in closed form at ``mixed10``, a digit model through its head in numpy); what
LiteRT cannot explain (another layer, a head with other operators) falls back to TensorFlow.
Occlusion runs on the chosen runtime.
A retrained model (``--model FILE`` made by ``retrain``) is explained through Inception v3 and its
head together: Grad-CAM at ``mixed10`` of the head's class, or occlusion of its scores.
A bad input never stops the others: it becomes an error entry, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inception_desktop.commands.common import (
    UniqueNames,
    add_framing_arguments,
    add_precision_argument,
    add_runtime_argument,
    err,
    line,
    safe_stem,
)
from inception_desktop.core.errors import InceptionDesktopError

METHODS = ("gradcam", "occlusion")


@dataclass
class Entry:
    path: str
    error: str | None = None
    result: dict[str, Any] = field(default_factory=dict)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "explain", help="heat maps: which pixels made the answer", description=__doc__
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="IMAGE", help="image files")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="where to write PNGs")
    p.add_argument(
        "--model",
        default="inception",
        help="'inception' (default), 'mnist' (the shipped digit model), a .keras MNIST file or "
        "a retrained model file (explained through Inception v3 and its head)",
    )
    p.add_argument(
        "--class",
        dest="class_",
        metavar="INDEX|LABEL",
        help="the class to explain (default: each input's top class)",
    )
    p.add_argument(
        "--method",
        choices=METHODS,
        default="gradcam",
        help="gradcam = the gradients of the class at a convolution layer (on LiteRT without "
        "TensorFlow; a fraction of a second); occlusion = grey out each cell of a grid and "
        "measure how the score drops (any runtime; one network run per cell)",
    )
    add_framing_arguments(p, "explain")
    p.add_argument("--layer", help="Grad-CAM layer (default: mixed10 / the last conv map)")
    p.add_argument("--grid", type=int, default=8, metavar="N", help="occlusion cells per side")
    p.add_argument(
        "--sweep",
        action="store_true",
        help="also classify the photo under many crops, pads and shifts, and list the flips",
    )
    p.add_argument("--json", action="store_true", help="print one JSON array on stdout")
    p.add_argument("--weights", type=Path, help="Inception v3 weights file to use instead")
    add_runtime_argument(p)
    add_precision_argument(p)
    p.set_defaults(run=run)


def _usage(message: str) -> int:
    err(f"inception-desktop explain: error: {message}")
    return 2


def run(args: argparse.Namespace) -> int:
    from inception_desktop.core.photo.framing import Box, Framing, FramingError, parse_color
    from inception_desktop.core.store.atomic import WriteError, check_output_dir

    try:
        framing = Framing(
            args.framing, Box.parse(args.box) if args.box else None, parse_color(args.pad_color)
        )
    except FramingError as exc:
        return _usage(str(exc))
    from inception_desktop.core.classifiers import is_photo_model

    is_photo = is_photo_model(args.model)
    if args.sweep and not is_photo:
        return _usage("--sweep is for photos (--model inception)")
    if not 2 <= args.grid <= 64:
        return _usage(f"--grid must be 2-64, got {args.grid}")
    try:
        check_output_dir(args.out)
    except WriteError as exc:
        err(f"error: {exc}")
        return 1
    explainer = _load(args)
    if explainer is None:
        return 1
    try:
        class_index = _class_index(args.class_, explainer.classifier.labels)
    except ValueError as exc:
        return _usage(str(exc))
    entries: list[Entry] = []
    names = UniqueNames()
    for path in args.paths:
        entry = Entry(str(path))
        entries.append(entry)
        try:
            _explain_one(entry, path, explainer, framing, class_index, is_photo, args, names)
        except WriteError as exc:
            entry.error = str(exc)
        except InceptionDesktopError as exc:  # a bad input: reported, the others go on
            entry.error = exc.reason
    _print(entries, args.json)
    return 1 if any(e.error for e in entries) else 0


def _load(args: argparse.Namespace) -> Any:
    """The explainer of ``--model`` on the chosen runtime (LiteRT unless asked): occlusion of
    its scores, or Grad-CAM — on LiteRT without TensorFlow for Inception v3 (at ``mixed10``), a
    retrained model (at ``mixed10``) and a digit model whose head it can follow
    (:mod:`~inception_desktop.core.explain.litert_gradcam`); on TensorFlow through Keras (a
    retrained model as one Keras model of Inception v3 and its head, whose ``mixed10`` sits
    inside the nested backbone). Grad-CAM that LiteRT cannot give (another ``--layer``, a head
    with other operators) falls back to TensorFlow, saying so, unless ``--runtime`` was given."""
    from inception_desktop.core.errors import InceptionDesktopError, first_line
    from inception_desktop.core.explain import ExplainError

    try:
        try:
            return _explainer(args, args.runtime)
        except ExplainError as exc:
            if args.method != "gradcam" or args.runtime is not None:
                raise ExplainError(
                    f"{first_line(exc)} (--runtime tensorflow or --method occlusion can explain "
                    "it)"
                ) from None
            err(f"Grad-CAM on LiteRT: {first_line(exc)}; using TensorFlow instead")
            return _explainer(args, "tensorflow")
    except Exception as exc:
        if not isinstance(exc, (InceptionDesktopError, OSError, ValueError)):
            raise
        err(f"error: {first_line(exc)}")
        return None


def _explainer(args: argparse.Namespace, runtime: str | None) -> Any:
    from inception_desktop.core.classifiers import is_retrained_model, load_classifier
    from inception_desktop.core.explain.explainer import Explainer

    classifier = load_classifier(
        args.model,
        args.weights,
        runtime,
        stage=lambda text: err(f"{text}…"),
        warn=err,
        precision=args.precision,
    )
    if args.method == "occlusion":
        return Explainer(classifier, "occlusion", None, args.grid)
    if is_retrained_model(args.model):
        from inception_desktop.core.explain.gradcam import retrained_for_gradcam

        classifier = retrained_for_gradcam(classifier) or classifier  # TensorFlow's own
    return Explainer(classifier, "gradcam", args.layer, args.grid)


def _class_index(spec: str | None, labels: tuple[str, ...]) -> int | None:
    """``--class``: an index, or a label (exact, then case-insensitive, then a unique prefix)."""
    if spec is None:
        return None
    if spec.strip().isdigit():
        index = int(spec)
        if index >= len(labels):
            raise ValueError(f"--class {index} is not in 0-{len(labels) - 1}")
        return index
    wanted = spec.strip().lower()
    exact = [i for i, label in enumerate(labels) if label.lower() == wanted]
    found = exact or [i for i, label in enumerate(labels) if label.lower().startswith(wanted)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise ValueError(f"no class called {spec!r}")
    names = ", ".join(labels[i] for i in found[:5])
    raise ValueError(f"--class {spec!r} matches several classes ({names}…): be more precise")


def _explain_one(
    entry: Entry,
    path: Path,
    explainer: Any,
    framing: Any,
    class_index: int | None,
    is_photo: bool,
    args: argparse.Namespace,
    names: UniqueNames,
) -> None:
    import numpy as np
    from PIL import Image

    from inception_desktop.core.explain.colormap import overlay, to_uint8

    if is_photo:
        from inception_desktop.core.photo.prepare import load_photo, network_input

        loaded = load_photo(path)
        framed = network_input(loaded, framing, explainer.classifier.input_shape[0])
        explanation = explainer.explain(
            framed.array, class_index, framed.source_rect, framed.content_rect
        )
    else:
        from inception_desktop.core.digit.image import READ_SIDE, read_digit
        from inception_desktop.core.explain.mapping import digit_rects
        from inception_desktop.core.photo.images import load_image

        loaded = load_image(path, draft_to=READ_SIDE, background=None)
        reading = read_digit(loaded.image)
        steps = reading.steps
        if steps is None:
            entry.error = "no ink found: the image looks blank"
            return
        source, content, field = digit_rects(steps)
        explanation = explainer.explain(steps.input, class_index, source, content, field)
    original = loaded.original_size
    shown = loaded.image if is_photo else Image.fromarray(reading.picture)  # ink dark on white
    background = shown.convert("RGB")
    if background.size != original:
        background = background.resize(original, Image.Resampling.LANCZOS)
    on_photo = explanation.on_photo(original, loaded.scale)
    files = {
        "input": Image.fromarray(explanation.input),
        "heatmap": Image.fromarray(to_uint8(explanation.heat)),
        "overlay": Image.fromarray(overlay(np.asarray(background), on_photo)),
    }
    stem = names.new(safe_stem(path.stem, 200))
    written = {
        kind: str(_save(image, args.out / f"{stem}.{kind}.png")) for kind, image in files.items()
    }
    labels = explainer.classifier.labels
    entry.result = {
        "model": explainer.classifier.name,
        "method": explanation.method,
        "layer": explanation.layer,
        "class": {
            "index": explanation.class_index,
            "label": labels[explanation.class_index],
            "score": round(explanation.score, 6),
        },
        "files": written,
    }
    if args.sweep:
        entry.result["sweep"] = _sweep(explainer.classifier, loaded, framing)


def _sweep(classifier: Any, loaded: Any, framing: Any) -> dict[str, Any]:
    from inception_desktop.core.explain.sweep import sweep

    result = sweep(classifier, loaded, framing, classifier.input_shape[0])
    labels = classifier.labels
    return {
        "class": {"index": result.reference_index, "label": labels[result.reference_index]},
        "score": round(result.reference_score, 6),
        "framings": [
            {
                "name": e.name,
                "framing": e.framing.mode,
                "box": None if e.framing.box is None else _box(e.framing.box),
                "score": round(e.reference_score, 6),
                "top": {
                    "index": e.top_index,
                    "label": labels[e.top_index],
                    "score": round(e.top_score, 6),
                },
                "flips": e.flips,
            }
            for e in result.entries
        ],
    }


def _box(box: Any) -> list[float]:
    return [round(v, 1) for v in (box.x, box.y, box.w, box.h)]


def _save(image: Any, target: Path) -> Path:
    from inception_desktop.core.store.atomic import atomic_path

    with atomic_path(target) as tmp:
        image.save(tmp)
    return target


def _json_result(result: dict[str, Any]) -> dict[str, Any]:
    """``result`` as valid Unicode for JSON: the written ``files`` whose names are not UTF-8 (an
    --out folder with such a name) become U+FFFD in ``files``, with their exact bytes in
    ``files_base64``, as ``path`` and ``path_base64`` do; ``ensure_ascii`` alone would print
    lone surrogates, which no JSON reader can decode into a name."""
    from inception_desktop.core.batch.records import json_path, unicode_text

    out = {k: unicode_text(v) if isinstance(v, str) else v for k, v in result.items()}
    named = {kind: json_path(path) for kind, path in result["files"].items()}
    out["files"] = {kind: fields["path"] for kind, fields in named.items()}
    exact = {kind: f["path_base64"] for kind, f in named.items() if "path_base64" in f}
    if exact:
        out["files_base64"] = exact
    return out


def _print(entries: list[Entry], as_json: bool) -> None:
    from inception_desktop.core.batch.records import display_path, json_path, unicode_text

    if as_json:
        out = []
        for entry in entries:
            if entry.error is not None or not entry.result:
                error = unicode_text(entry.error or "failed")
                out.append({**json_path(entry.path), "error": error})
            else:
                out.append({**json_path(entry.path), **_json_result(entry.result)})
        json.dump(out, sys.stdout, indent=2, ensure_ascii=True)
        sys.stdout.write("\n")
        return
    for entry in entries:
        path = display_path(entry.path)
        if entry.error is not None or not entry.result:
            line(f"{path}: error: {display_path(entry.error or 'failed')}")
            continue
        r = entry.result
        where = f" at {r['layer']}" if r["layer"] else ""
        line(
            f"{path}: {r['class']['label']} {r['class']['score'] * 100:.2f}% "
            f"({r['method']}{where}) -> {display_path(r['files']['overlay'])}"
        )
        sweep = r.get("sweep")
        if sweep:
            flips = [f for f in sweep["framings"] if f["flips"]]
            line(f"  sweep: {len(flips)} of {len(sweep['framings'])} framings change the answer")
            for f in sweep["framings"]:
                mark = "  *" if f["flips"] else "   "
                line(
                    f"{mark} {f['name']:<28} {sweep['class']['label']} {f['score'] * 100:6.2f}%"
                    f"  top: {f['top']['label']} {f['top']['score'] * 100:.2f}%"
                )
