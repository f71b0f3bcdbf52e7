"""``inception-desktop precision PATHS… [--model M] [--json]``: what int8 costs on your photos.

Runs MODEL's float32 model and its int8 twin (both on LiteRT) over the same photos and prints
the top-1 agreement, the top-5 overlap, the largest score difference, the speed-up measured in
this run, both files' sizes, and every photo whose top class changed, with both answers. The
window's Photo › Precision Check calls the same core function over the photos in its strip.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from inception_desktop.commands.common import (
    ProgressLine,
    add_framing_arguments,
    err,
    print_result,
)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "precision",
        help="compare a model's float32 and int8 answers on your photos",
        description=__doc__,
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="photos, or folders of photos")
    p.add_argument(
        "--recursive", "-r", action="store_true", help="also the photos in sub-folders"
    )
    p.add_argument(
        "--model",
        default="inception",
        help="'inception' (default), a model made by 'retrain', 'mnist' or an MNIST .keras",
    )
    p.add_argument("--weights", type=Path, help="Inception v3 weights (default: the installed)")
    add_framing_arguments(p, "compare")
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from inception_desktop.core.errors import InceptionDesktopError
    from inception_desktop.core.photo.framing import Box, Framing, parse_color
    from inception_desktop.core.precision_check import check

    bar = ProgressLine("reading photos")
    try:
        box = Box.parse(args.box) if args.box else None
        framing = Framing(args.framing, box, parse_color(args.pad_color))
        report = check(
            args.paths,
            args.model,
            weights=args.weights,
            framing=framing,
            recursive=args.recursive,
            stage=lambda text: err(f"{text}…"),
            progress=lambda done, total: bar.update(done, total),
        )
    except InceptionDesktopError as exc:
        bar.close()
        err(f"error: {exc}")
        return 1
    bar.close()
    for entry in report.skipped:
        err(f"skipped {entry['path']}: {entry['error']}")
    if args.json:
        print_result(report.as_dict())
        return 0
    sizes = report.sizes
    print(f"{report.photos} photos, float32 against int8 ({args.model})")
    print(f"  top-1 agreement   {report.top1_agreement:.1%}")
    print(f"  top-5 overlap     {report.top5_overlap:.1%}")
    print(f"  largest score difference  {report.max_score_diff:.4f}")
    print(
        f"  speed-up          {report.speedup:.2f}x ({report.ms['fp32']:.2f} ms against "
        f"{report.ms['int8']:.2f} ms a photo)"
    )
    print(f"  file size         {sizes['fp32'] / 1e6:.1f} MB against {sizes['int8'] / 1e6:.1f} MB")
    for changed in report.changed:
        print(f"  changed: {changed.path}: {changed.fp32} → {changed.int8}")
    return 0
