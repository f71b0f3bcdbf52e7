"""An audit of 20,000 photos (issue 26): the analysis's time and memory, and the window's map.

The features and thumbnails are made up (20,000 x 2048 float32 in 10 clustered classes, 16x16
thumbnails with 200 planted copies): computing real features of 20,000 photos takes this machine
about 20 minutes, and is a cached, batched, cancellable stage measured by benchmarks/retrain.py.
What is measured here is what comes after: the out-of-fold regression, the duplicate search in
blocks, the outlier distances, the map; the process's peak memory against the features' own
size; and how long the window's map takes to paint all 20,000 dots (offscreen).

Run: ``nice .venv/bin/python benchmarks/audit_scale.py [--photos 20000]``
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=20000)
    args = parser.parse_args()
    from inception_desktop.core.audit import mislabels, outliers, projection, similar
    from inception_desktop.core.audit.signatures import spread, unit_vectors

    n, classes = args.photos, 10
    rng = np.random.default_rng(0)
    labels = rng.integers(0, classes, n)
    centres = rng.normal(0, 1, (classes, 2048)).astype(np.float32)
    x = (centres[labels] + rng.normal(0, 2.0, (n, 2048))).astype(np.float32)
    thumbs = rng.integers(0, 255, (n, 16, 16, 3), dtype=np.uint8)
    thumbs[n - 200 :] = thumbs[:200]  # planted copies
    paths = [f"/photos/{labels[i]}/{i:05d}.jpg" for i in range(n)]
    sha = [f"{i:064x}" for i in range(n)]
    splits = ["train"] * n
    base = peak_mb()
    print(f"{n} photos: features {x.nbytes / 1e6:.0f} MB; peak RSS before the analysis "
          f"{base:.0f} MB")  # fmt: skip
    timings = {}
    started = time.perf_counter()
    probabilities = mislabels.out_of_fold(x, labels, classes)
    timings["out-of-fold regression"] = time.perf_counter() - started
    started = time.perf_counter()
    pairs = similar.find(unit_vectors(thumbs), sha, labels, splits, paths)
    timings["duplicates (blocks)"] = time.perf_counter() - started
    started = time.perf_counter()
    reduced = projection.reduce(x)
    found = outliers.find(reduced, spread(thumbs), paths)
    timings["PCA + outliers"] = time.perf_counter() - started
    started = time.perf_counter()
    points = projection.map_2d(reduced)
    timings["map"] = time.perf_counter() - started
    suspects = mislabels.suspects(probabilities, labels, [str(c) for c in range(classes)], paths)
    for stage, seconds in timings.items():
        print(f"  {stage}: {seconds:.1f} s")
    print(f"found {len(suspects)} suspects, {len(pairs)} duplicate pairs (200 planted), "
          f"{len(found)} outliers")  # fmt: skip
    print(f"peak RSS after the analysis {peak_mb():.0f} MB (+{peak_mb() - base:.0f} MB over "
          f"{x.nbytes / 1e6:.0f} MB of features)")  # fmt: skip

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from inception_desktop.gui.retrain.audit_map import AuditMap

    app = QApplication.instance() or QApplication([])
    view = AuditMap()
    view.resize(900, 700)
    view.show_points(points, labels, paths, tuple(str(c) for c in range(classes)),
                     {s.path for s in suspects[:500]}, {o.path for o in found})  # fmt: skip
    view.show()
    app.processEvents()
    paints = []
    for _ in range(5):
        started = time.perf_counter()
        view.viewport().grab()
        paints.append(time.perf_counter() - started)
    print(f"the window's map: {n} dots painted in {min(paints) * 1000:.0f} ms "
          f"(median of 5: {sorted(paints)[2] * 1000:.0f} ms; a frame is 16 ms)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
