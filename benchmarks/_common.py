"""Helpers shared by the benchmarks: timing statistics and a usable Inception weights file."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def median_ms(fn: Callable[[], object], repeats: int = 20, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def inception_weights() -> tuple[Path, str]:
    """The installed official weights, or weights with fixed random values (same cost)."""
    from inception_desktop.core.store import weights

    status = weights.status()
    if status.present:
        return status.path, "installed weights"
    from inception_desktop.core.models.inception import make_random_weights

    path = Path(tempfile.mkdtemp(prefix="bench-")) / "random.h5"
    return make_random_weights(path), "random test weights (same network, same cost)"
