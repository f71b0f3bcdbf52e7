"""``inception-desktop evaluate MODEL``: test accuracy, per-class accuracy and a picture report."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from inception_desktop.commands.common import ProgressLine, err


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
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from inception_desktop.commands.retrain import evaluate_retrained, wants_retrained_evaluation

    if wants_retrained_evaluation(args):
        return evaluate_retrained(args)
    return _run_mnist(args)


def _run_mnist(args: argparse.Namespace) -> int:
    from inception_desktop.core.errors import InceptionDesktopError
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
        if args.model == "mnist":
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
