"""``inception-desktop retrain DATA_DIR --out MODEL.keras``: teach Inception v3 your own classes.

DATA_DIR holds one folder per class (the folder's name is the class's name). Inception v3's
pooled features are computed once per photo (cached: a second run is quick), a small head is
trained on them, checked on a stratified validation split, and saved with its class names.
Classify with it: ``inception-desktop classify PHOTO --model MODEL.keras``.
A model already saved is exported as one self-contained LiteRT file with
``inception-desktop retrain --from MODEL.keras --export-tflite FILE`` (no DATA_DIR, no --out).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from inception_desktop.commands.classify import display_path, json_path
from inception_desktop.commands.common import (
    FRAMING_HELP,
    ProgressLine,
    add_runtime_argument,
    err,
)

MODES = ("squash", "crop", "pad")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("retrain", help="teach Inception v3 your own classes", description=__doc__)
    p.add_argument(
        "data_dir", type=Path, nargs="?", metavar="DATA_DIR", help="one subfolder per class"
    )
    p.add_argument(
        "--out", type=Path, metavar="MODEL.keras", help="model to write (required to train)"
    )
    p.add_argument(
        "--from",
        dest="source",
        type=Path,
        metavar="MODEL.keras",
        help="export this retrained model (with --export-tflite) instead of training one",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="with --from: export even on other weights than the model was trained on",
    )
    p.add_argument("--weights", type=Path, help="Inception v3 weights (default: the installed)")
    p.add_argument("--framing", choices=MODES, default="pad", help=FRAMING_HELP)
    p.add_argument("--validation", type=float, default=0.2, help="fraction held out (0.2)")
    p.add_argument(
        "--validation-dir",
        type=Path,
        metavar="DIR",
        help="a separate class-folder tree to validate on, instead of a split",
    )
    p.add_argument("--epochs", type=int, default=100, help="at most this many (early stopping)")
    p.add_argument("--hidden", type=int, default=0, help="units of a hidden layer (0: none)")
    p.add_argument("--seed", type=int, default=0, help="seed of the split and the training (0)")
    p.add_argument(
        "--augment",
        nargs="?",
        const="flip",
        default="",
        type=augmentations,
        metavar="flip,crop",
        help="also train on variants of the training photos: flip (mirrored left-right, what "
        "--augment alone means), crop (a crop keeping 70-90%% of each side); slower: their "
        "features are computed too, once each",
    )
    p.add_argument("--report", type=Path, metavar="DIR", help="write the report pictures here")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.add_argument(
        "--export-tflite",
        type=Path,
        metavar="FILE",
        help="also write backbone + head as one .tflite, its labels in FILE's stem + .labels.json",
    )
    add_runtime_argument(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from inception_desktop.core.errors import InceptionDesktopError

    try:
        return _retrain(args)
    except InceptionDesktopError as exc:
        err(f"error: {exc}")
        return 1


def _usage(message: str) -> int:
    err(f"inception-desktop retrain: error: {message}")
    return 2


def _export_existing(args: argparse.Namespace) -> int:
    """``retrain --from MODEL.keras --export-tflite FILE``: no training, only the export."""
    from inception_desktop.core.training.retrain.export import export_file

    if args.export_tflite is None or args.data_dir is not None or args.out is not None:
        return _usage("--from MODEL.keras takes --export-tflite FILE, and no DATA_DIR or --out")
    tflite, labels = export_file(
        args.source, args.weights, args.export_tflite, args.force, lambda t: err(f"{t}…"), err
    )
    out = {"model": str(args.source), "tflite": str(tflite), "labels": str(labels)}
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=True))
    else:
        print(f"LiteRT model written to {display_path(str(tflite))} (labels: {labels})")
    return 0


def _retrain(args: argparse.Namespace) -> int:
    from inception_desktop.core.photo.framing import Framing
    from inception_desktop.core.store import atomic
    from inception_desktop.core.training.retrain import dataset, report
    from inception_desktop.core.training.retrain.card import check_trainable, model_card
    from inception_desktop.core.training.retrain.export import labels_path
    from inception_desktop.core.training.retrain.features import feature_model_for, resolve_weights
    from inception_desktop.core.training.retrain.model_file import save

    if args.source is not None:
        return _export_existing(args)
    if args.data_dir is None or args.out is None:
        return _usage("DATA_DIR and --out MODEL.keras are required (or --from MODEL.keras)")
    if not 0.0 < args.validation < 1.0:
        return _usage(f"--validation must be between 0 and 1, got {args.validation}")
    if args.epochs < 1 or args.hidden < 0:
        return _usage("--epochs must be at least 1 and --hidden at least 0")
    framing = Framing(args.framing)
    atomic.check_output_file(args.out)  # every output is checked before minutes of work
    if args.report is not None:
        atomic.check_output_dir(args.report)
    if args.export_tflite is not None:
        atomic.check_output_file(args.export_tflite)
        atomic.check_output_file(labels_path(args.export_tflite))
    data = dataset.scan(args.data_dir)
    held = dataset.scan(args.validation_dir, data.classes) if args.validation_dir else None
    warnings = data.warnings()
    for line in warnings:
        err(f"warning: {line}")
    weights_path, md5 = resolve_weights(args.weights)
    model = feature_model_for(weights_path, md5, args.runtime, stage=lambda t: err(f"{t}…"))
    counts = {"cache_hits": 0, "computed": 0}
    x, y, paths, skipped = features_of(data, model, framing, "features", counts)
    skipped = data.skipped + skipped
    if held is None:
        check_trainable(data.classes, y, minimum=2)
        train, val = dataset.split(y, args.validation, args.seed)
        x_train, y_train, x_val, y_val = x[train], y[train], x[val], y[val]
        val_paths = [paths[i] for i in val]
        train_paths = [paths[i] for i in train]
    else:
        x_val, y_val, val_paths, held_skipped = features_of(
            held, model, framing, "validation", counts
        )
        skipped += held.skipped + held_skipped
        check_trainable(data.classes, y, minimum=1)
        x_train, y_train = x, y
        train_paths = paths
    for variant in args.augment:
        import numpy as np

        x_more, y_more, _, more_skipped = features_of(
            dataset.augmented(data, train_paths, (variant,)),
            model,
            framing,
            AUGMENTATION_NAMES[variant],
            counts,
        )
        x_train, y_train = np.concatenate([x_train, x_more]), np.concatenate([y_train, y_more])
        skipped += [e for e in more_skipped if e["path"] not in {s["path"] for s in skipped}]
    for entry in skipped:
        err(f"skipped {display_path(entry['path'])}: {entry['error']}")
    from inception_desktop.core.training.retrain.head import HeadWeights
    from inception_desktop.core.training.retrain.head import train as train_head

    started = time.perf_counter()
    result = train_head(
        x_train,
        y_train,
        x_val,
        y_val,
        len(data.classes),
        epochs=args.epochs,
        seed=args.seed,
        hidden=args.hidden,
        on_epoch=err,
    )
    err(f"trained in {time.perf_counter() - started:.1f} s; best epoch {result.best_epoch}")
    scores = HeadWeights.from_model(result.model).scores(x_val)  # what classify will compute
    summary = report.summarise(scores, y_val, data.classes, val_paths)
    card = model_card(
        data,
        framing,
        md5,
        summary,
        train=len(train_paths),  # photos; their variants are named in "augmented"
        hidden=args.hidden,
        epochs=result.epochs_run,
        best_epoch=result.best_epoch,
        seed=args.seed,
        augmented=list(args.augment),
    )
    save(result.model, args.out, card)
    if args.report is not None:
        summary = report.write(summary, data.classes, args.report)
    exported = None
    if args.export_tflite is not None:
        from inception_desktop.core.training.retrain.export import export

        exported = export(
            result.model, weights_path, args.export_tflite, card, lambda t: err(f"{t}…")
        )
    out = {
        "classes": list(data.classes),
        "train": card["train"],
        "validation": card["validation"],
        "val_accuracy": summary["accuracy"],
        "per_class": summary["per_class"],
        "skipped": [{**json_path(e["path"]), "error": e["error"]} for e in skipped],
        "model": str(args.out),
        "warnings": warnings,
        **counts,
    }
    if exported:
        out["tflite"], out["labels"] = (str(p) for p in exported)
    if args.report is not None:
        out["report"] = str(args.report)
    _print(out, args.json)
    return _report_failed(summary)


#: How progress lines name each augmentation's photos.
AUGMENTATION_NAMES = {"flip": "mirrored", "crop": "cropped"}


def augmentations(text: str) -> tuple[str, ...]:
    """``--augment``'s value: augmentations by name, comma-separated, each once, in the order
    of :data:`AUGMENTATION_NAMES`."""
    names = {part.strip() for part in text.split(",") if part.strip()}
    unknown = sorted(names - AUGMENTATION_NAMES.keys())
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown augmentation {unknown[0]!r}: choose from {', '.join(AUGMENTATION_NAMES)}"
        )
    return tuple(name for name in AUGMENTATION_NAMES if name in names)


def features_of(
    data: Any, model: Any, framing: Any, label: str, counts: dict[str, int]
) -> tuple[Any, Any, list[str], list[dict[str, str]]]:
    """Features, labels and paths of the readable photos of ``data``, and the skipped ones;
    progress with the time left on stderr; ``counts`` gains the cache hits and computations."""
    from inception_desktop.core.training.retrain.features import extract

    bar = ProgressLine(label, total=len(data.samples))
    started = time.monotonic()
    first: list[int] = []

    def progress(done: int, total: int) -> None:
        if not first:
            first.append(done)  # the photos found in the cache: not part of the rate
        rate = (done - first[0]) / max(1e-6, time.monotonic() - started)
        left = f"about {(total - done) / rate:.0f} s left" if rate > 0 and done < total else ""
        bar.update(done, total, left)

    result = extract(data.samples, model, framing, progress)
    counts["cache_hits"] += result.cache_hits
    counts["computed"] += result.computed
    err(
        f"{label}: {len(data.samples)} photos, {result.cache_hits} from the cache, "
        f"{result.computed} computed in {result.seconds:.1f} s"
    )
    labels = data.labels()[result.rows]
    paths = [str(data.samples[i].path) for i in result.rows]
    return result.features, labels, paths, result.skipped


def _report_failed(summary: dict[str, Any]) -> int:
    if "report_error" not in summary:
        return 0
    err(f"error: the report was not written: {summary['report_error']}")
    return 1


def _print(out: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(out, indent=2, ensure_ascii=True))
        return
    print(
        f"{len(out['classes'])} classes, {out['train']} photos to train, "
        f"{out['validation']} to validate: validation accuracy {out['val_accuracy']:.2%}"
    )
    for name, acc in out["per_class"].items():
        print(f"  {display_path(name)}: {'-' if acc is None else f'{acc:.2%}'}")
    print(f"model written to {display_path(out['model'])}")
    if "tflite" in out:
        print(f"LiteRT model written to {display_path(out['tflite'])} (labels: {out['labels']})")
    if "report" in out:
        print(f"report written to {display_path(out['report'])}")


def evaluate_retrained(args: argparse.Namespace) -> int:
    """``evaluate MODEL.keras --data LABELLED_DIR``: a retrained model on labelled photos."""
    from inception_desktop.core.errors import InceptionDesktopError

    try:
        return _evaluate(args)
    except InceptionDesktopError as exc:
        err(f"error: {exc}")
        return 1


def _evaluate(args: argparse.Namespace) -> int:
    from inception_desktop.core.store import atomic
    from inception_desktop.core.training.retrain import RetrainError, dataset, report
    from inception_desktop.core.training.retrain.card import same_data, same_data_note
    from inception_desktop.core.training.retrain.classifier import check_weights
    from inception_desktop.core.training.retrain.features import feature_model_for, resolve_weights
    from inception_desktop.core.training.retrain.model_file import load

    if args.report is not None:
        atomic.check_output_dir(args.report)
    model = load(args.model)
    if args.data is None:
        raise RetrainError("a retrained model is evaluated on labelled photos: --data DIR")
    data = dataset.scan(args.data, model.classes)
    weights_path, md5 = resolve_weights(getattr(args, "weights", None))
    note = check_weights(model, md5, getattr(args, "force", False))
    if note:
        err(note)
    features = feature_model_for(
        weights_path, md5, getattr(args, "runtime", None), stage=lambda t: err(f"{t}…")
    )
    counts = {"cache_hits": 0, "computed": 0}
    x, y, paths, skipped = features_of(data, features, model.framing, "evaluating", counts)
    skipped = data.skipped + skipped
    for entry in skipped:
        err(f"skipped {display_path(entry['path'])}: {entry['error']}")
    summary = report.summarise(model.head.scores(x), y, model.classes, paths)
    summary = {"model": str(args.model), "classes": list(model.classes), **summary}
    summary["same_data_as_training"] = same_data(model, data)
    if summary["same_data_as_training"]:
        err(same_data_note(display_path(str(args.model))))
    summary["skipped"] = [{**json_path(e["path"]), "error": e["error"]} for e in skipped]
    if args.report is not None:
        summary = report.write(summary, model.classes, args.report)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=True))
    else:
        print(
            f"{display_path(str(args.model))}: accuracy {summary['accuracy']:.2%} "
            f"({len(summary['misclassified'])} errors in {summary['size']})"
        )
        for name, acc in summary["per_class"].items():
            print(f"  {display_path(name)}: {'-' if acc is None else f'{acc:.2%}'}")
        if args.report is not None and "report_error" not in summary:
            print(f"report written to {display_path(str(args.report))}")
    return _report_failed(summary)


# ------------------------------------------------ the branches of 'classify' and 'evaluate'


def is_retrained_model(name: str) -> bool:
    """Whether ``classify --model NAME`` names a model made by ``retrain`` (read from its card)."""
    if name in ("inception", "mnist"):
        return False
    from inception_desktop.core.training.retrain.model_file import is_retrained

    return is_retrained(name)


def load_for_classify(args: argparse.Namespace) -> Any:
    """The classifier of ``classify --model MODEL.keras`` for a retrained model: Inception's
    features on the chosen runtime, then the head in numpy. Says so when ``--framing`` differs
    from the framing the model was trained with."""
    from inception_desktop.core.training.retrain.classifier import load_classifier

    classifier = load_classifier(
        args.model,
        args.weights,
        args.runtime,
        force=getattr(args, "force", False),
        stage=lambda text: err(f"{text}…"),
        warn=err,
    )
    trained = classifier.predictor.model.framing.mode
    if trained != args.framing:
        err(
            f"note: {display_path(str(args.model))} was trained on '{trained}' framing; "
            f"classifying with '{args.framing}' (--framing {trained} matches its training)"
        )
    return classifier


def wants_retrained_evaluation(args: argparse.Namespace) -> bool:
    """``evaluate MODEL --data DIR`` is for a retrained model when MODEL says it is one, or when
    DIR holds class folders rather than MNIST's files (then a model that is not a retrained one
    is refused with one clear line)."""
    if is_retrained_model(str(args.model)):
        return True
    data = args.data
    if data is None or not Path(data).is_dir():
        return False
    entries = list(Path(data).iterdir())
    mnist = any("idx" in p.name for p in entries if p.is_file())
    return not mnist and any(p.is_dir() and not p.name.startswith(".") for p in entries)
