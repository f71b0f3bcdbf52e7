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


def spin_until(condition: Callable[[], bool], timeout: float = 120.0) -> None:
    """Block in Qt's event loop like ``exec`` does until ``condition()`` (no busy polling: a
    Python loop spinning next to TensorFlow's tracing thread is itself a hazard on Python 3.11,
    see the README). The caller keeps a short repeating QTimer running, which bounds a missed
    wake-up."""
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    end = time.monotonic() + timeout
    while not condition():
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        if time.monotonic() > end:
            raise TimeoutError


def shown_window(size: tuple[int, int] = (1280, 760)):
    """The app's main window on throw-away settings, shown at ``size``, its models started."""
    from PySide6.QtCore import QSettings

    from inception_desktop.gui.shell.main_window import MainWindow
    from inception_desktop.gui.shell.settings import Settings

    settings = Settings(QSettings(tempfile.mktemp(suffix=".ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings)
    window.resize(*size)
    window.show()
    window.start_models()
    return window
