"""``inception-desktop audit DATA_DIR``: what a training folder's photos say about themselves.

Before retraining on DATA_DIR (one subfolder per class): the photos that look filed under the
wrong class (each photo scored by a classifier trained on the other photos), duplicates and
near-duplicates (in one class, across classes, across DATA_DIR and --validation-dir: leakage),
outliers (blank frames, photos unlike any other), the class balance, and a map of the photos.
It uses the features ``retrain`` caches: a second audit of the same photos computes nothing.
Nothing is moved or changed; the window's Audit step fixes what a person chooses.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from inception_desktop.commands.common import (
    FRAMING_HELP,
    StageProgress,
    add_runtime_argument,
    err,
    line,
    print_result,
)
from inception_desktop.core.training.retrain import DEFAULT_FRAMING

#: Findings of each kind printed in the table (--json has them all).
SHOWN = 15


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="find mislabelled, duplicate and odd photos in class folders",
                       description=__doc__)  # fmt: skip
    p.add_argument(
        "data_dirs",
        type=Path,
        nargs="+",
        metavar="DATA_DIR",
        help="one folder with a subfolder per class, or two or more class folders",
    )
    p.add_argument(
        "--validation-dir", type=Path, metavar="DIR", help="the validation tree, for leakage"
    )
    p.add_argument("--report", type=Path, metavar="DIR", help="write map.png and audit.html here")
    p.add_argument("--json", action="store_true", help="print the findings as one JSON object")
    p.add_argument("--framing", choices=("squash", "crop", "pad"), default=DEFAULT_FRAMING,
                   help=FRAMING_HELP)  # fmt: skip
    p.add_argument("--seed", type=int, default=0, help="seed of the folds and the map (0)")
    p.add_argument("--weights", type=Path, help="Inception v3 weights (default: the installed)")
    add_runtime_argument(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from inception_desktop.core.errors import InceptionDesktopError

    try:
        return _audit(args)
    except InceptionDesktopError as exc:
        err(f"error: {exc}")
        return 1


def _audit(args: argparse.Namespace) -> int:
    from inception_desktop.core.audit import report
    from inception_desktop.core.audit.run import audit, scan
    from inception_desktop.core.batch.records import display_path, json_path
    from inception_desktop.core.photo.framing import Framing
    from inception_desktop.core.store import atomic
    from inception_desktop.core.training.retrain.features import feature_model_for, resolve_weights

    if args.report is not None:
        atomic.check_output_dir(args.report)  # before minutes of work
    data, held = scan(args.data_dirs, args.validation_dir)
    weights_path, md5 = resolve_weights(args.weights)
    model = feature_model_for(weights_path, md5, args.runtime, stage=lambda t: err(f"{t}…"))
    result = audit(data, held, model, Framing(args.framing), args.seed, StageProgress().update)
    for stage in result.stages:
        err(
            f"{stage['stage']}: {stage['photos']} photos, {stage['cache_hits']} from the cache, "
            f"{stage['computed']} computed in {stage['seconds']:.1f} s"
        )
    if args.report is not None:
        report.write(result, args.report)
    if args.json:
        out = result.as_json()
        out["skipped"] = [{**json_path(e["path"]), "error": e["error"]} for e in result.skipped]
        print_result(out)
        return 0
    counts = ", ".join(f"{name} {n}" for name, n in result.counts().items())
    line(f"{len(result.paths)} photos; the training data's {len(result.classes)} classes: {counts}")
    line(f"suspected mislabels: {len(result.suspects)}")
    for s in result.suspects[:SHOWN]:
        line(f"  {display_path(s.path)}: filed as {s.given}, looks like {s.suggested} "
             f"({s.confidence:.0%})")  # fmt: skip
    line(f"duplicates: {len(result.duplicates)}")
    for d in result.duplicates[:SHOWN]:
        a, b = (display_path(p) for p in d.paths)
        line(f"  {d.kind}: {a} = {b} ({d.similarity:.3f})")
    line(f"outliers: {len(result.outliers)}")
    for o in result.outliers[:SHOWN]:
        line(f"  {display_path(o.path)}: {o.reason} ({o.score:.1f})")
    for entry in result.skipped:
        err(f"skipped {display_path(entry['path'])}: {entry['error']}")
    if result.report:
        line(f"report written to {display_path(result.report)}")
    return 0
