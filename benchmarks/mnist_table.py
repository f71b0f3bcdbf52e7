"""Train every MNIST architecture with our own CLI and write ``benchmarks/mnist_table.md``.

Usage: python benchmarks/mnist_table.py --data ../shared/data/mnist [--epochs nielsen=3 ...]

Each row is a real ``inception-desktop train`` run (its command is in the table); the test
accuracy is the one the training run recorded in the model file, measured once on the test split
after choosing the best epoch on validation. On a two-core CPU the seeds' long trainings do not
fit in a session, so they run for fewer epochs than the seeds did: the table says how many. The
``default`` row is the shipped model, read from its file rather than trained again.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inception_desktop.core.models.mnist_file import read_metadata  # noqa: E402
from inception_desktop.core.training.mnist.architectures import ARCHITECTURES  # noqa: E402

DEFAULT_EPOCHS = {"nielsen": 3, "inception_modules": 2, "vgg32": 1}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--epochs", nargs="*", default=[], help="ARCH=N overrides")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "mnist_table.md")
    parser.add_argument("--work", type=Path, help="keep models here; reuse NAME.keras found there")
    args = parser.parse_args()
    epochs = dict(DEFAULT_EPOCHS)
    for item in args.epochs:
        name, _, n = item.partition("=")
        epochs[name] = int(n)
    work = args.work or Path(tempfile.mkdtemp(prefix="mnist-table-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, arch in ARCHITECTURES.items():
        out = (
            ROOT / "resources" / "models" / "mnist.keras"
            if name == "default"
            else work / f"{name}.keras"
        )
        if not out.is_file():  # the shipped model is read, the others trained (or reused)
            command = [
                sys.executable,
                "-m",
                "inception_desktop",
                "train",
                "--arch",
                name,
                "--epochs",
                str(epochs[name]),
                "--data",
                str(args.data),
                "--out",
                str(out),
            ]
            print("running:", " ".join(command[2:]), flush=True)
            subprocess.run(command, check=True, cwd=ROOT)
        meta = read_metadata(out)
        rows.append((name, arch, meta, meta["command"].replace(str(work), "OUT")))
        write(args.out, rows)
    print(args.out.read_text())
    return 0


def write(path: Path, rows: list) -> None:
    lines = [
        "# MNIST architectures trained by our CLI",
        "",
        "Written by `benchmarks/mnist_table.py` on a 2-core CPU machine. Test accuracy is measured",
        "once, on the 10,000 test images, for the epoch with the best validation accuracy (the",
        "last 5,000 training images). Minutes are the time spent in training epochs. The seeds'",
        "networks got only the epochs that fit a session here (a VGG epoch takes ~10 min on two",
        "cores), far fewer than a full training: compare their rows with that in mind.",
        "",
        "| architecture | test accuracy | seed reported | epochs here | training minutes "
        "| parameters | command |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, arch, meta, command in rows:
        seed = f"{arch.seed_accuracy:.2%}" if arch.seed_accuracy else "—"
        lines.append(
            f"| `{name}` | {meta['test_accuracy']:.2%} | {seed} | {meta['epochs']} "
            f"| {meta['training_seconds'] / 60:.1f} | {meta['parameters']:,} | `{command}` |"
        )
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
