"""``inception-desktop train``: train an MNIST architecture with progress, checkpoints, resume."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from inception_desktop.commands.common import ProgressLine, err


def add_parser(sub: argparse._SubParsersAction) -> None:
    from inception_desktop.core.training.mnist.architectures import ARCHITECTURES

    p = sub.add_parser("train", help="train an MNIST model", description=__doc__)
    p.add_argument("--arch", default="default", choices=sorted(ARCHITECTURES))
    p.add_argument("--epochs", type=int, help="default: the architecture's own")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--learning-rate", type=float, help="peak learning rate")
    p.add_argument("--data", type=Path, help="directory with the four MNIST IDX files")
    p.add_argument("--out", type=Path, default=Path("mnist.keras"), help="model file to write")
    p.add_argument("--logdir", type=Path, help="write TensorBoard logs here")
    p.add_argument("--resume", type=Path, help="a .checkpoint.keras written by an earlier run")
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from inception_desktop.core.errors import InceptionDesktopError
    from inception_desktop.core.store.atomic import check_output_dir
    from inception_desktop.core.training.mnist import data, training

    config = training.TrainConfig(
        arch=args.arch,
        epochs=args.epochs,
        batch_size=args.batch_size,
        out=args.out,
        logdir=args.logdir,
        resume=args.resume,
        seed=args.seed,
        learning_rate=args.learning_rate,
        command="inception-desktop " + shlex.join(sys.argv[1:]),
    )
    try:  # before the data and the first epoch: a bad argument or --out must not cost a run
        training.check_config(config)
        training.check_outputs(args.out)
        if args.logdir is not None:
            check_output_dir(args.logdir)
    except InceptionDesktopError as exc:
        err(f"error: {exc}")
        return 1
    bar = ProgressLine("downloading MNIST", unit="B")
    batches = ProgressLine("  batches", min_interval=30.0)
    try:
        splits = data.load(args.data, progress=lambda done, total: bar.update(done, total))
        result = training.train(
            config,
            splits,
            report=err,
            batch_progress=lambda done, total, text: batches.update(done, total, text),
        )
    except InceptionDesktopError as exc:  # files already written are whole: an earlier model stays
        err(f"error: {exc}")
        return 1
    return 130 if result.interrupted else 0
