"""``inception-desktop retrain DATA_DIR --out MODEL.keras``: teach Inception v3 your own classes.

DATA_DIR holds one folder per class (the folder's name is the class's name); two or more
DATA_DIRs are class folders themselves. Inception v3's pooled features are computed once per
photo (cached: a second run is quick), a small head is trained on them, checked on a stratified
validation split, and saved with its class names. Ctrl-C while the head trains stops it after
the current epoch and keeps the best head so far (a second Ctrl-C aborts, writing nothing).
Classify with it: ``inception-desktop classify PHOTO --model MODEL.keras``.
A model already saved is exported as one self-contained LiteRT file with
``inception-desktop retrain --from MODEL.keras --export-tflite FILE`` (no DATA_DIR, no --out).

The window runs this very command for its Train and Export steps (``--events``: progress as
JSON lines on stdout, the summary last), so TensorFlow never loads into the window.
"""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inception_desktop.commands.common import (
    FRAMING_HELP,
    EventStream,
    StageProgress,
    add_precision_argument,
    add_runtime_argument,
    err,
    print_result,
)
from inception_desktop.core.batch.records import display_path, json_path
from inception_desktop.core.models.precision import resolve as resolve_precision
from inception_desktop.core.training.retrain import AUGMENTATIONS, DEFAULT_FRAMING

if TYPE_CHECKING:
    from inception_desktop.core.training.retrain.pipeline import Settings

MODES = ("squash", "crop", "pad")
#: --augment's names, in the order their features are computed.
AUGMENTATION_NAMES = AUGMENTATIONS


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("retrain", help="teach Inception v3 your own classes", description=__doc__)
    p.add_argument(
        "data_dirs",
        type=Path,
        nargs="*",
        metavar="DATA_DIR",
        help="one folder with a subfolder per class, or two or more class folders",
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
    p.add_argument("--framing", choices=MODES, default=DEFAULT_FRAMING, help=FRAMING_HELP)
    p.add_argument("--validation", type=float, default=0.2, help="fraction held out (0.2)")
    p.add_argument(
        "--validation-dir",
        type=Path,
        metavar="DIR",
        help="a separate class-folder tree to validate on, instead of a split",
    )
    p.add_argument("--epochs", type=int, default=100, help="at most this many (early stopping)")
    p.add_argument("--hidden", type=int, default=0, help="units of a hidden layer (0: none)")
    p.add_argument(
        "--dropout", type=float, default=0.3, help="dropout after the hidden layer (0.3)"
    )
    p.add_argument(
        "--patience",
        type=int,
        default=5,
        help="stop when the validation loss has not improved for this many epochs; 0 never "
        "stops early (5)",
    )
    p.add_argument(
        "--class-weights",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="weigh each class the same in the loss, however many photos it has (default: on)",
    )
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
        "--events",
        action="store_true",
        help="progress as JSON lines on stdout (stage, progress, epoch), the summary last: "
        "for programs that run this command (the window does)",
    )
    p.add_argument(
        "--export-tflite",
        type=Path,
        metavar="FILE",
        help="also write backbone + head as one .tflite, its labels in FILE's stem + .labels.json",
    )
    add_runtime_argument(p)
    add_precision_argument(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from inception_desktop.core.errors import InceptionDesktopError

    events = EventStream(args.events)
    try:
        return _retrain(args, events)
    except InceptionDesktopError as exc:
        err(f"error: {exc}")
        events.emit("error", message=str(exc))
        return 1


def _usage(message: str) -> int:
    err(f"inception-desktop retrain: error: {message}")
    return 2


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


def settings_from(args: argparse.Namespace) -> Settings:
    """The run's :class:`Settings` from the command line (the window writes the same options)."""
    from inception_desktop.core.photo.framing import Framing
    from inception_desktop.core.training.retrain.pipeline import Settings

    return Settings(
        framing=Framing(args.framing),
        validation=args.validation,
        seed=args.seed,
        augment=tuple(args.augment),
        hidden=args.hidden,
        dropout=args.dropout,
        epochs=args.epochs,
        patience=args.patience,
        balance=args.class_weights,
    )


def _export_existing(args: argparse.Namespace, events: EventStream) -> int:
    """``retrain --from MODEL.keras --export-tflite FILE``: no training, only the export."""
    from inception_desktop.core.training.retrain.export import export_file

    if args.export_tflite is None or args.data_dirs or args.out is not None:
        return _usage("--from MODEL.keras takes --export-tflite FILE, and no DATA_DIR or --out")
    tflite, labels = export_file(
        args.source, args.weights, args.export_tflite, args.force, events.stage, err,
        resolve_precision(args.precision),
    )
    out = {"model": str(args.source), "tflite": str(tflite), "labels": str(labels)}
    events.emit("done", result=out)
    if args.json:
        print_result(out)
    elif not args.events:
        print(f"LiteRT model written to {display_path(str(tflite))} (labels: {labels})")
    return 0


def _retrain(args: argparse.Namespace, events: EventStream) -> int:
    from inception_desktop.core.store import atomic
    from inception_desktop.core.training.retrain import dataset, pipeline, report
    from inception_desktop.core.training.retrain.export import labels_path
    from inception_desktop.core.training.retrain.features import feature_model_for, resolve_weights
    from inception_desktop.core.training.retrain.model_file import save

    if args.source is not None:
        return _export_existing(args, events)
    if not args.data_dirs or args.out is None:
        return _usage("DATA_DIR and --out MODEL.keras are required (or --from MODEL.keras)")
    if not 0.0 < args.validation < 1.0:
        return _usage(f"--validation must be between 0 and 1, got {args.validation}")
    if args.epochs < 1 or args.hidden < 0 or args.patience < 0:
        return _usage("--epochs must be at least 1, --hidden and --patience at least 0")
    if not 0.0 <= args.dropout < 1.0:
        return _usage(f"--dropout must be at least 0 and below 1, got {args.dropout}")
    settings = settings_from(args)
    atomic.check_output_file(args.out)  # every output is checked before minutes of work
    if args.report is not None:
        atomic.check_output_dir(args.report)
    if args.export_tflite is not None:
        atomic.check_output_file(args.export_tflite)
        atomic.check_output_file(labels_path(args.export_tflite))
    if len(args.data_dirs) == 1:
        data = dataset.scan(args.data_dirs[0])
    else:
        data = dataset.scan_folders(args.data_dirs)
    held = dataset.scan(args.validation_dir, data.classes) if args.validation_dir else None
    warnings = data.warnings()
    for line in warnings:
        err(f"warning: {line}")
    weights_path, md5 = resolve_weights(args.weights)
    model = feature_model_for(
        weights_path, md5, args.runtime, stage=events.stage, precision=args.precision
    )
    bars = StageProgress(events)
    features = pipeline.compute_features(data, held, model, settings, bars.update)
    for stage in features.stages:
        err(
            f"{stage['stage']}: {stage['photos']} photos, {stage['cache_hits']} from the cache, "
            f"{stage['computed']} computed in {stage['seconds']:.1f} s"
        )
    skipped = data.skipped + (held.skipped if held is not None else []) + features.skipped
    for entry in skipped:
        err(f"skipped {display_path(entry['path'])}: {entry['error']}")
    with _EpochStop(events) as stop:
        events.emit("training")  # from here on SIGINT stops after an epoch and keeps the head
        trained = pipeline.train(
            features,
            data,
            settings,
            on_logs=lambda epoch, logs: events.emit("epoch", epoch=epoch, logs=logs),
            on_epoch=err,
            stop=stop.is_set,
        )
    card = trained.card
    if card.get("stopped_by_hand"):
        err(f"stopped by hand after {card['epochs']} epochs; the best head so far is kept")
    err(f"trained in {trained.seconds:.1f} s; best epoch {card['best_epoch']}")
    save(trained.keras_model, args.out, card)
    summary = trained.summary
    if args.report is not None:
        summary = report.write(summary, data.classes, args.report)
    out: dict[str, Any] = {
        "classes": list(data.classes),
        "train": card["train"],
        "validation": card["validation"],
        "val_accuracy": summary["accuracy"],
        "per_class": summary["per_class"],
        "skipped": [{**json_path(e["path"]), "error": e["error"]} for e in skipped],
        "model": str(args.out),
        "warnings": warnings,
        "cache_hits": features.cache_hits,
        "computed": features.computed,
    }
    if args.export_tflite is not None:
        from inception_desktop.core.training.retrain.export import export

        exported = export(  # a failure says that the model itself was written
            trained.keras_model,
            weights_path,
            args.export_tflite,
            card,
            events.stage,
            written=args.out,
            precision=resolve_precision(args.precision),
        )
        out["tflite"], out["labels"] = (str(p) for p in exported)
    if args.report is not None and "report_error" not in summary:
        out["report"] = str(args.report)
    if args.events:  # what the window shows of the run: its curve, matrix and mistakes
        events.emit(
            "done",
            result={**out, "card": card, "summary": summary, "history": trained.history,
                    "seconds": features.seconds},
        )  # fmt: skip
    else:
        _print(out, args.json)
    return _report_failed(summary)


class _EpochStop:
    """While the head trains, the first SIGINT (Ctrl-C; the window's Stop) asks training to end
    after this epoch; the second aborts as usual. Outside it, SIGINT is left as it was."""

    def __init__(self, events: EventStream) -> None:
        self.events = events
        self.stop = threading.Event()
        self._previous: Any = None

    def __enter__(self) -> threading.Event:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._asked)
        return self.stop

    def _asked(self, signum: int, frame: Any) -> None:
        if self.stop.is_set():
            signal.signal(signal.SIGINT, signal.default_int_handler)
            raise KeyboardInterrupt
        self.stop.set()
        err("stopping after this epoch (Ctrl-C again to abort without saving)")
        self.events.emit("stopping")

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


def _report_failed(summary: dict[str, Any]) -> int:
    if "report_error" not in summary:
        return 0
    err(f"error: the report was not written: {summary['report_error']}")
    return 1


def _print(out: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_result(out)
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
