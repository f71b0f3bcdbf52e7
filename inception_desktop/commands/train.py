"""Train an MNIST network with progress, checkpoints and resume (inception-desktop train).

Each architecture trains with a recipe: "ours" (the default) or "source", the optimiser, batch
size, epochs and augmentation of the text the architecture comes from. Options given on the
command line (--epochs, --batch-size, --learning-rate, --flip) override the recipe's.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from inception_desktop.commands.common import ProgressLine, err


def _epilog() -> str:
    """Every architecture with what it is and its recipes: the choices the options name."""
    from inception_desktop.core.training.mnist import architectures, recipes

    lines = ["architectures (--arch) and their recipes (--recipe):"]
    for name, arch in architectures.ARCHITECTURES.items():
        reported = f", {arch.seed_accuracy:.2%} reported" if arch.seed_accuracy else ""
        lines.append(f"  {name}: {arch.description}{reported}")
        for recipe_name in recipes.RECIPES:
            if recipe_name == recipes.SOURCE and not recipes.has_source(name):
                continue
            recipe = recipes.get(name, recipe_name)
            lines.append(f"      {recipe_name}: {recipe.describe()}")
    lines += [
        "",
        "strategies (--strategy): default trains on one device; mirrored keeps a replica on",
        "every local GPU (the CPU when there is none) and splits each batch between them;",
        "multiworker does the same across machines: run the same command on each, with a",
        "TF_CONFIG environment variable naming the cluster and this machine's task, e.g.",
        '  TF_CONFIG=\'{"cluster": {"worker": ["a:2222", "b:2222"]}, '
        '"task": {"type": "worker", "index": 0}}\'',
        "worker 0 (or the chief) writes --out; without TF_CONFIG, multiworker refuses to start.",
    ]
    return "\n".join(lines)


def add_parser(sub: argparse._SubParsersAction) -> None:
    from inception_desktop.core.training.mnist import recipes
    from inception_desktop.core.training.mnist.architectures import ARCHITECTURES
    from inception_desktop.core.training.mnist.distribute import STRATEGIES

    p = sub.add_parser(
        "train",
        help="train an MNIST model",
        description=__doc__,
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--arch",
        default="default",
        choices=list(ARCHITECTURES),
        help="the network to train, described below (default: %(default)s)",
    )
    p.add_argument(
        "--recipe",
        default=recipes.OURS,
        choices=recipes.RECIPES,
        help="how to train it: as its source text did, or our way (default: %(default)s)",
    )
    p.add_argument("--epochs", type=int, help="default: the recipe's")
    p.add_argument("--batch-size", type=int, help="default: the recipe's")
    p.add_argument("--learning-rate", type=float, help="peak learning rate (default: the recipe's)")
    p.add_argument(
        "--flip",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="mirror a random half of the training images left-right, as Chu's Inception v3 "
        "pipeline did (it teaches 2/6 and 5/2 confusions); default: the recipe's (only "
        "inception_v3's source recipe flips)",
    )
    p.add_argument(
        "--strategy",
        default="default",
        choices=STRATEGIES,
        help="tf.distribute strategy, described below (default: %(default)s)",
    )
    p.add_argument("--data", type=Path, help="directory with the four MNIST IDX files")
    p.add_argument(
        "--out",
        type=Path,
        default=Path("mnist.keras"),
        help="model file to write (default: %(default)s)",
    )
    p.add_argument("--logdir", type=Path, help="write TensorBoard logs here")
    p.add_argument("--resume", type=Path, help="a .checkpoint.keras written by an earlier run")
    p.add_argument("--seed", type=int, default=1, help="default: %(default)s")
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
        recipe=args.recipe,
        flip=args.flip,
        strategy=args.strategy,
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
