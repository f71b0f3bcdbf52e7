"""How long the command line takes to start: importing the CLI and answering ``--help``.

Baseline in the same run: a bare ``python -c pass``. TensorFlow's own import is shown for scale:
the CLI must not pay it before a command needs a model.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def run_ms(args: list[str], repeats: int = 5) -> float:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    py = sys.executable
    base = run_ms([py, "-c", "pass"])
    rows = [
        ("python -c pass (baseline)", base),
        ("import inception_desktop.cli", run_ms([py, "-c", "import inception_desktop.cli"])),
        ("inception-desktop --help", run_ms([py, "-m", "inception_desktop", "--help"])),
        ("import tensorflow (for scale)", run_ms([py, "-c", "import tensorflow"], repeats=3)),
    ]
    for name, ms in rows:
        print(f"{name:32s} {ms:8.1f} ms   x{ms / base:6.2f} baseline   +{ms - base:7.1f} ms")


if __name__ == "__main__":
    main()
