"""``inception-desktop evaluate MODEL``: test accuracy, per-class accuracy and a picture report."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from inception_desktop.commands.common import ProgressLine, add_precision_argument, err


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "evaluate",
        help="evaluate an MNIST model on the test split, or a retrained one on class folders",
        description=__doc__,
    )
    p.add_argument("model", help="'mnist' (the shipped model) or a .keras file")
    p.add_argument(
        "--data",
        type=Path,
        help="directory with the four MNIST IDX files; for a retrained model, one folder per class",
    )
    p.add_argument(
        "--report",
        type=Path,
        metavar="DIR",
        help="write confusion_matrix.png, misclassified.png and summary.json here",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    # A retrained model (made by 'retrain') is evaluated on --data DIR, one folder per class:
    p.add_argument("--weights", type=Path, help="retrained models: Inception v3 weights to use")
    p.add_argument("--force", action="store_true", help="retrained models: allow other weights")
    add_precision_argument(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if wants_retrained_evaluation(args):
        return evaluate_retrained(args)
    return _run_mnist(args)


def wants_retrained_evaluation(args: argparse.Namespace) -> bool:
    """``evaluate MODEL --data DIR`` is for a retrained model when MODEL says it is one, or when
    DIR holds class folders rather than MNIST's files (then a model that is not a retrained one
    is refused with one clear line)."""
    from inception_desktop.core.classifiers import is_retrained_model

    if is_retrained_model(str(args.model)):
        return True
    data = args.data
    if data is None or not Path(data).is_dir():
        return False
    entries = list(Path(data).iterdir())
    mnist = any("idx" in p.name for p in entries if p.is_file())
    return not mnist and any(p.is_dir() and not p.name.startswith(".") for p in entries)


def evaluate_retrained(args: argparse.Namespace) -> int:
    """``evaluate MODEL.keras --data LABELLED_DIR``: a retrained model on labelled photos."""
    from inception_desktop.core.errors import InceptionDesktopError

    try:
        return _evaluate_retrained(args)
    except InceptionDesktopError as exc:
        err(f"error: {exc}")
        return 1


def _evaluate_retrained(args: argparse.Namespace) -> int:
    from inception_desktop.commands.common import StageProgress, print_result
    from inception_desktop.core.batch.records import display_path, json_path
    from inception_desktop.core.store import atomic
    from inception_desktop.core.training.retrain import RetrainError, dataset, pipeline, report
    from inception_desktop.core.training.retrain.card import same_data_note
    from inception_desktop.core.training.retrain.classifier import check_weights
    from inception_desktop.core.training.retrain.features import feature_model_for, resolve_weights
    from inception_desktop.core.training.retrain.model_file import load

    if args.report is not None:
        atomic.check_output_dir(args.report)
    model = load(args.model)
    if args.data is None:
        raise RetrainError("a retrained model is evaluated on labelled photos: --data DIR")
    data = dataset.scan(args.data, model.classes)
    weights_path, md5 = resolve_weights(args.weights)
    note = check_weights(model, md5, args.force)
    if note:
        err(note)
    features = feature_model_for(
        weights_path, md5, None, stage=lambda t: err(f"{t}…"), precision=args.precision
    )
    result = pipeline.evaluate(model, data, features, StageProgress().update)
    for stage in result.stages:
        err(
            f"{stage['stage']}: {stage['photos']} photos, {stage['cache_hits']} from the cache, "
            f"{stage['computed']} computed in {stage['seconds']:.1f} s"
        )
    for entry in result.skipped:
        err(f"skipped {display_path(entry['path'])}: {entry['error']}")
    summary = {"model": str(args.model), "classes": list(model.classes), **result.summary}
    summary["same_data_as_training"] = result.same_data
    if result.same_data:
        err(same_data_note(display_path(str(args.model))))
    summary["skipped"] = [{**json_path(e["path"]), "error": e["error"]} for e in result.skipped]
    if args.report is not None:
        summary = report.write(summary, model.classes, args.report)
    if args.json:
        print_result(summary)
    else:
        print(
            f"{display_path(str(args.model))}: accuracy {summary['accuracy']:.2%} "
            f"({len(summary['misclassified'])} errors in {summary['size']})"
        )
        for name, acc in summary["per_class"].items():
            print(f"  {display_path(name)}: {'-' if acc is None else f'{acc:.2%}'}")
        if args.report is not None and "report_error" not in summary:
            print(f"report written to {display_path(str(args.report))}")
    return 1 if _report_failed(summary) else 0


def _run_mnist(args: argparse.Namespace) -> int:
    from inception_desktop.core.errors import InceptionDesktopError
    from inception_desktop.core.models import mnist
    from inception_desktop.core.models import precision as precisions
    from inception_desktop.core.models.mnist_file import load_model
    from inception_desktop.core.store.atomic import check_output_dir
    from inception_desktop.core.store.resources import MNIST_MODEL, resource_path
    from inception_desktop.core.training.mnist import data
    from inception_desktop.core.training.mnist.evaluation import evaluate

    if args.report is not None:
        try:  # before any work: a report that cannot be written is known at once
            check_output_dir(args.report)
        except InceptionDesktopError as exc:
            err(f"error: {exc}")
            return 1
    bar = ProgressLine("downloading MNIST", unit="B")
    try:
        splits = data.load(args.data, progress=lambda done, total: bar.update(done, total))
        model: Any
        if precisions.resolve(args.precision) == precisions.INT8:  # its int8 twin, on LiteRT
            model = mnist.load_classifier(args.model, precision=precisions.INT8).predictor
        elif args.model == "mnist":
            with resource_path(MNIST_MODEL) as shipped:
                model = load_model(shipped)
        else:
            model = load_model(args.model)
    except InceptionDesktopError as exc:  # missing data, a bad model file, no network
        err(f"error: {exc}")
        return 1
    summary = evaluate(model, splits.x_test, splits.y_test, args.report, model_name=args.model)
    failed = _report_failed(summary)
    if args.json:
        print(json.dumps(summary, indent=2))
        return 1 if failed else 0
    print(
        f"{args.model}: test accuracy {summary['accuracy']:.2%} "
        f"({summary['errors']} errors in {summary['test_size']})"
    )
    for digit, acc in summary["per_class_accuracy"].items():
        print(f"  {digit}: {acc:.2%}")
    flips = summary["flip_lookalikes"]
    pairs = ", ".join(f"{name}: {count}" for name, count in flips.items() if name != "total")
    print(f"flipped-lookalike confusions (what horizontal flips teach): {pairs}")
    if args.report and not failed:
        print(f"report written to {args.report}")
    return 1 if failed else 0


def _report_failed(summary: dict) -> bool:
    """Say on stderr, in one line, why the report was not written; the numbers still print."""
    if "report_error" not in summary:
        return False
    err(f"error: the report was not written: {summary['report_error']}")
    return True
