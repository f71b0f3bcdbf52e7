"""Batches: the window's Many Photos workspace against the network alone, and classify's jsonl.

* **window**: N photos (640x480 JPEGs) classified by the Many Photos workspace of the real
  window. Reports the throughput (photos/s, from the drop to the last row) against the pure
  network rate measured in the same run (``classify_batch`` on ready inputs, chunks of 16; target
  >= 0.9x), the window's RSS growth over its idle size (target <= 150 MB), and the worst GUI
  stall (the worst lateness of a 5 ms heartbeat timer on the GUI thread; target <= 50 ms).
  The model is ``--model fake`` (tests/fakes.py with ``--delay`` ms per photo, sleeping as a
  network releases the GIL: what the pipeline adds is measured, on any machine) or
  ``--model inception`` (the real network on ``--runtime``; slow on a small CPU).
* **jsonl**: ``classify --model mnist --format jsonl`` on 1,000 and on 10,000 small digit images,
  in a subprocess each: peak RSS of each (constant memory: the two should be about equal).

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/batch.py [--n 1000]
[--jsonl 1000,10000] [--model fake|inception] [--delay 5] [--skip-window] [--skip-jsonl]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from soak import Heartbeat, make_jpegs, rss_bytes, settle, spin_until  # noqa: E402

MB = 1e6


class SleepingNetwork:
    """A stand-in for a network on an accelerator: ``delay`` seconds a photo, asleep (the GIL
    free, as TensorFlow and LiteRT leave it while they compute), and scores read from a few
    pixels; it keeps nothing of its inputs (tests/fakes.py keeps them all, for tests)."""

    name = "Sleeping network"
    device = "bench"
    input_shape = (299, 299, 3)
    labels = tuple(f"class {i}" for i in range(1000))

    def __init__(self, delay: float) -> None:
        self.delay = delay

    def classify_batch(self, arrays, k: int = 5):
        import numpy as np

        from inception_desktop.core.models.prediction import Prediction, top_k

        started = time.perf_counter()
        time.sleep(self.delay * len(arrays))
        out = []
        for array in arrays:
            scores = np.resize(array[::30, ::30, 0].astype(np.float64).ravel(), 1000) + 1.0
            ms = (time.perf_counter() - started) * 1000 / len(arrays)
            out.append(Prediction(self.name, top_k(scores / scores.sum(), self.labels, k),
                                  array, ms, self.device))  # fmt: skip
        return out

    def classify(self, array, k: int = 10):
        return self.classify_batch([array], k)[0]


def network_rate(model, paths: list[Path], chunk: int = 16, limit: int = 160) -> float:
    """Photos per second through ``classify_batch`` alone, on inputs framed beforehand."""
    from inception_desktop.core.photo.framing import Framing
    from inception_desktop.core.photo.prepare import photo_input

    arrays = [photo_input(p, Framing("pad"), 299).array for p in paths[:limit]]
    model.classify_batch(arrays[:chunk], k=5)  # warm-up
    started = time.perf_counter()
    for start in range(0, len(arrays), chunk):
        model.classify_batch(arrays[start : start + chunk], k=5)
    return len(arrays) / (time.perf_counter() - started)


def make_model(args: argparse.Namespace):
    if args.model == "fake":
        return SleepingNetwork(args.delay / 1000)
    from _common import inception_weights

    from inception_desktop.core.models import inception

    path, _what = inception_weights()
    return inception.load_classifier(path, args.runtime)


def bench_window(args: argparse.Namespace, folder: Path) -> dict:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from inception_desktop.gui.runtime.mime import Inputs
    from inception_desktop.gui.shell.main_window import MainWindow
    from inception_desktop.gui.shell.settings import Settings

    app = QApplication.instance() or QApplication([])
    from inception_desktop.gui.runtime.garbage_collector import GarbageCollector

    collector = GarbageCollector(app)  # as the app runs: collections on the GUI thread's timer
    paths = make_jpegs(folder, args.n)
    model = make_model(args)
    rate = network_rate(model, paths)
    settings = Settings(QSettings(str(folder.parent / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings, {"photo": lambda _p: model, "digit": lambda _p: model})
    window.resize(1200, 720)
    window.show()
    window.worker.load("photo")
    spin_until(lambda: window.photo.model.state.ready, 120)
    window.tabs.setCurrentWidget(window.batch)
    for _ in range(20):
        settle()
    idle = rss_bytes()
    beat = Heartbeat(5)
    beat.start()  # the baseline: the same heartbeat with nothing running
    _spin_for(2.0)
    baseline = beat.stop()
    peak = idle
    beat.start()
    started = time.perf_counter()
    # Dropped on the Many Photos tab (open_paths always opens photos in the Photo workspace).
    window.open_inputs(Inputs(paths=[str(folder)]), here=True)

    def done() -> bool:
        nonlocal peak
        peak = max(peak, rss_bytes())
        return window.batch.run is not None and not window.batch.run.running

    spin_until(done, timeout=3600)
    took = time.perf_counter() - started
    stall = beat.stop()
    for _ in range(5):
        settle()
    rows = window.batch.results.rowCount()
    window.history.flush()
    after = rss_bytes()
    window.close()
    collector.stop()
    app.processEvents()
    return {
        "photos": rows,
        "seconds": round(took, 2),
        "throughput": round(rows / took, 1),
        "network_rate": round(rate, 1),
        "ratio": round(rows / took / rate, 3),
        "rss_idle_mb": round(idle / MB, 1),
        "rss_growth_peak_mb": round((peak - idle) / MB, 1),
        "rss_growth_after_mb": round((after - idle) / MB, 1),
        "worst_stall_ms": round(stall, 1),
        "baseline_stall_ms": round(baseline, 1),
    }


def _spin_for(seconds: float) -> None:
    end = time.monotonic() + seconds
    spin_until(lambda: time.monotonic() >= end, timeout=seconds + 5)


def digits(folder: Path, count: int) -> Path:
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    image = np.zeros((28, 28), np.uint8)
    for i in range(count):
        image[:] = 0
        image[4 + i % 6 : 24, 12 + i % 4 : 15 + i % 4] = 255
        Image.fromarray(image).save(folder / f"{i:06d}.png")
    return folder


_PEAK = (
    "import resource, subprocess, sys; "
    "r = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL); "
    "lines = r.stdout.count(b'\\n'); "
    "print(lines, r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def bench_jsonl(counts: list[int], base: Path) -> list[dict]:
    out = []
    for count in counts:
        folder = digits(base / f"digits-{count}", count)
        command = [sys.executable, "-m", "inception_desktop", "classify", str(folder)]
        command += ["--model", "mnist", "--format", "jsonl"]
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-c", _PEAK, *command],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
            check=True,
        )
        lines, code, peak_kb = (int(v) for v in result.stdout.split())
        out.append(
            {
                "images": count,
                "lines": lines,
                "exit": code,
                "seconds": round(time.perf_counter() - started, 1),
                "peak_rss_mb": round(peak_kb * 1024 / MB, 1),
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="photos in the window's batch")
    parser.add_argument("--jsonl", default="1000,10000", help="image counts for classify jsonl")
    parser.add_argument("--model", choices=("fake", "inception"), default="fake")
    parser.add_argument("--delay", type=float, default=5.0, help="fake network ms per photo")
    parser.add_argument("--runtime", default=None, help="inception's runtime")
    parser.add_argument("--skip-window", action="store_true")
    parser.add_argument("--skip-jsonl", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        base = Path(tmp)
        os.environ["INCEPTION_DESKTOP_DATA"] = str(base / "data")  # never the user's history
        if not args.skip_window:
            results["window"] = bench_window(args, base / "photos")
            print(json.dumps({"window": results["window"]}), flush=True)
        if not args.skip_jsonl:
            counts = [int(c) for c in args.jsonl.split(",") if c]
            results["jsonl"] = bench_jsonl(counts, base)
            print(json.dumps({"jsonl": results["jsonl"]}), flush=True)


if __name__ == "__main__":
    main()
