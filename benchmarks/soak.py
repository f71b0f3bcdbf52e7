"""Soak: the real main window through thousands of interactions, watching what leaks.

PySide6 6.12.0 on CPython 3.11 over-releases ``None`` on every void Qt call and aborts the app
after a few hundred interactions (``Fatal Python error: none_dealloc``). This drives the real
``MainWindow`` the way a person does, with real mouse events, and prints:

* survival (the process is still here; a ``none_dealloc`` abort kills it);
* ``sys.getrefcount(None)`` before and after the steady state, and the drift per interaction
  (0 with a good binding; about -1 per void call with 6.12.0 on 3.11; Python 3.12+ makes ``None``
  immortal, so its count never moves there);
* RSS growth after warm-up (from ``/proc/self/statm``);
* the worst GUI-thread stall: the worst lateness of a 5 ms heartbeat timer.

Interactions: digits drawn on the canvas and cleared with a click on Clear; crop rectangles dragged
on the photo view; photos opened (as a drop opens them) and removed from the strip. The models are
the fakes from ``tests/fakes.py`` (no TensorFlow: this measures the window and the binding, not
inference).

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/soak.py [DIGITS DRAGS PHOTOS]``
(defaults 1000 500 200; target: survives, no ``None`` drift, < 10% RSS growth after warm-up).
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WARMUP = 20  # interactions of each kind before the steady state is measured


def rss_bytes() -> int:
    """Resident set size of this process, from /proc/self/statm (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class Heartbeat:
    """A timer on the GUI thread that records how late each of its ticks is."""

    def __init__(self, interval_ms: int = 5) -> None:
        from PySide6.QtCore import QElapsedTimer, Qt, QTimer

        self.interval = interval_ms
        self.worst = 0.0
        self.ticks = 0
        self._clock = QElapsedTimer()
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.worst, self.ticks = 0.0, 0
        self._clock.start()
        self._timer.start()

    def stop(self) -> float:
        self._timer.stop()
        return self.worst

    def _tick(self) -> None:
        late = self._clock.nsecsElapsed() / 1e6 - self.interval
        self._clock.restart()
        self.ticks += 1
        if self.ticks > 1:
            self.worst = max(self.worst, late)


def spin_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Run the event loop (blocking for events, as ``exec`` does) until ``condition`` holds."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    wake = QTimer()  # bounds the wait for a condition that changes without an event
    wake.start(5)
    end = time.monotonic() + timeout
    try:
        while not condition():
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 20)
            if time.monotonic() > end:
                raise TimeoutError("the window did not get there in time")
    finally:
        wake.stop()


class _Settler:
    """One short blocking turn of the event loop. A single QTimer made once: a temporary timer
    connected to a lambda (``QTimer.singleShot(ms > 0, lambda)``) leaks three ``None``
    references per call in PySide6 6.11, which would show up as drift here."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.fired = 0
        self.timer = QTimer()
        self.timer.setSingleShot(True)
        self.timer.setInterval(2)
        self.timer.timeout.connect(self._fire)

    def _fire(self) -> None:
        self.fired += 1

    def __call__(self) -> None:
        from PySide6.QtCore import QEventLoop
        from PySide6.QtWidgets import QApplication

        target = self.fired + 1
        self.timer.start()
        while self.fired < target:
            QApplication.instance().processEvents(
                QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 20
            )


_settler: _Settler | None = None


def settle() -> None:
    """Let queued events and results land (one short blocking turn of the loop)."""
    global _settler
    if _settler is None:
        _settler = _Settler()
    _settler()


def make_jpegs(folder: Path, count: int, size: tuple[int, int] = (640, 480)) -> list[Path]:
    """``count`` distinct JPEGs (a gradient with a moving square)."""
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    w, h = size
    base = np.zeros((h, w, 3), np.uint8)
    base[..., 0] = np.linspace(0, 255, w, dtype=np.uint8)[None, :]
    base[..., 1] = np.linspace(0, 255, h, dtype=np.uint8)[:, None]
    paths = []
    for i in range(count):
        array = base.copy()
        x, y = (i * 37) % (w - w // 4), (i * 23) % (h - h // 4)
        array[y : y + h // 4, x : x + w // 4] = (i * 7 % 256, 255 - i % 256, 128)
        path = folder / f"photo_{i:04d}.jpg"
        Image.fromarray(array).save(path, quality=85)
        paths.append(path)
    return paths


def window_with_fakes(settings_path: str):
    """The real MainWindow with fake models, shown and started as the app starts it."""
    from PySide6.QtCore import QSettings

    from inception_desktop.gui.shell.main_window import MainWindow
    from inception_desktop.gui.shell.settings import Settings
    from tests.fakes import fake_factories

    settings = Settings(QSettings(settings_path, QSettings.Format.IniFormat))
    window = MainWindow(settings, fake_factories())
    window.resize(1200, 720)
    window.show()
    window.start_models()
    window.worker.load("photo")  # as if the weights were installed
    spin_until(lambda: window.photo.model.state.ready and window.digit.model.state.ready)
    return window


# --- the interactions ----------------------------------------------------------------------------
# Mouse events come from QTest (made in C++, as the window system's are; moves carry the pressed
# button). A QMouseEvent made in Python and sent to a widget with a Python handler leaks one
# reference to ``None`` per event in PySide6 6.11 (harmless: an extra reference never frees
# ``None``), which would hide the drift this benchmark looks for.
def mouse_drag(widget, points) -> None:
    """Press at the first point, move through the others with the left button held, release."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    first, *rest = [QPoint(round(x), round(y)) for x, y in points]
    QTest.mousePress(widget, left, none, first)
    for point in rest:
        QTest.mouseMove(widget, point)
    QTest.mouseRelease(widget, left, none, rest[-1] if rest else first)


def draw_digit(window, i: int) -> None:
    """A stroke drawn with the mouse, then a click on Clear."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QPushButton

    from tests.gui_helpers import polyline

    canvas = window.digit.canvas
    t = canvas._target()
    dx = (i % 5) * 0.04
    points = [
        (t.x() + (0.3 + dx) * t.width(), t.y() + 0.2 * t.height()),
        (t.x() + (0.6 + dx) * t.width(), t.y() + 0.2 * t.height()),
        (t.x() + (0.4 + dx) * t.width(), t.y() + 0.8 * t.height()),
    ]
    mouse_drag(canvas, polyline(points, step=12))
    settle()
    clear = next(b for b in window.digit.findChildren(QPushButton) if b.text() == "Clear")
    QTest.mouseClick(clear, Qt.MouseButton.LeftButton)


def drag_crop(window, i: int) -> None:
    """Draw a crop rectangle on the photo view with the mouse."""
    from tests.gui_helpers import polyline

    view = window.photo.view
    r = view.image_rect()
    f = 0.05 + (i % 7) * 0.03
    start = (r.x() + r.width() * f, r.y() + r.height() * f)
    end = (r.x() + r.width() * (0.6 + f), r.y() + r.height() * (0.6 + f))
    mouse_drag(view, polyline([start, end], step=20))


def open_and_close_photo(window, path: Path) -> None:
    """Open a photo as a drop does, wait for it to be shown, then remove it from the strip."""
    ws = window.photo
    window.open_paths([str(path)])
    spin_until(lambda: ws.current_photo() is not None)
    ws.remove_all()


@dataclass
class Phase:
    name: str
    count: int
    refs_before: int
    refs_after: int
    rss_before: int
    rss_after: int
    worst_stall_ms: float
    seconds: float

    @property
    def none_drift(self) -> int:
        return self.refs_after - self.refs_before

    @property
    def rss_growth(self) -> float:
        return (self.rss_after - self.rss_before) / self.rss_before


def forget_fake_inputs(window) -> None:
    """The fakes keep every input they saw (for tests): not memory the window holds."""
    for model in window.worker._models.values():
        seen = getattr(model, "seen", None)
        if seen is not None:
            seen.clear()


def quiet(window=None) -> None:
    """Events delivered, every request sent answered (nothing in flight holds references), and
    garbage collected: the state two measurements of ``None``'s count are compared between."""
    from PySide6.QtCore import QThreadPool

    settle()
    if window is not None:
        views = (window.photo, window.digit)
        spin_until(lambda: all(view.channel.waiting() == 0 for view in views))
        # Background jobs too (a network-input preview, a caption read from its file): one in
        # flight holds references that it lets go of later, and reads as drift.
        spin_until(lambda: QThreadPool.globalInstance().activeThreadCount() == 0)
        settle()
    gc.collect()


def phase(
    name: str, count: int, step: Callable[[int], None], beat: Heartbeat, window=None
) -> Phase:
    """``WARMUP`` steps, then ``count`` measured ones between two quiet, collected states."""
    for i in range(WARMUP):
        step(i)
    if window is not None:
        forget_fake_inputs(window)
    quiet(window)
    refs, rss = sys.getrefcount(None), rss_bytes()
    beat.start()
    started = time.perf_counter()
    for i in range(count):
        step(WARMUP + i)
        settle()
        if window is not None:
            forget_fake_inputs(window)
    seconds = time.perf_counter() - started
    worst = beat.stop()
    quiet(window)
    return Phase(name, count, refs, sys.getrefcount(None), rss, rss_bytes(), worst, seconds)


def soak(window, digits: int, drags: int, photos: list[Path], progress=None) -> list[Phase]:
    """Every kind of interaction in turn; one :class:`Phase` each."""
    beat = Heartbeat()
    results = []
    window.tabs.setCurrentIndex(1)
    settle()
    results.append(
        phase("digits drawn and cleared", digits, lambda i: draw_digit(window, i), beat, window)
    )
    if progress:
        progress(results[-1])
    window.tabs.setCurrentIndex(0)
    open_and_close_photo(window, photos[0])
    window.open_paths([str(photos[0])])
    spin_until(lambda: window.photo.current_photo() is not None)
    results.append(phase("crop boxes dragged", drags, lambda i: drag_crop(window, i), beat, window))
    if progress:
        progress(results[-1])
    window.photo.remove_all()
    count = len(photos) - WARMUP
    results.append(
        phase(
            "photos opened and removed",
            count,
            lambda i: open_and_close_photo(window, photos[i % len(photos)]),
            beat,
            window,
        )
    )
    if progress:
        progress(results[-1])
    return results


def report(p: Phase) -> None:
    print(
        f"{p.name:28s} {p.count:5d} in {p.seconds:6.1f} s | None refs {p.refs_before} → "
        f"{p.refs_after} (drift {p.none_drift:+d}, {p.none_drift / p.count:+.3f}/interaction) | "
        f"RSS {p.rss_before / 2**20:.1f} → {p.rss_after / 2**20:.1f} MiB "
        f"({p.rss_growth:+.1%}) | worst GUI stall {p.worst_stall_ms:.1f} ms",
        flush=True,
    )


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["INCEPTION_DESKTOP_CACHE"] = tempfile.mkdtemp(prefix="soak-cache-")
    os.environ["INCEPTION_DESKTOP_DATA"] = tempfile.mkdtemp(prefix="soak-data-")
    digits, drags, photos = (int(a) for a in (sys.argv[1:4] or (1000, 500, 200)))
    import PySide6
    from PySide6.QtWidgets import QApplication

    from inception_desktop.gui.runtime.garbage_collector import GarbageCollector

    app = QApplication.instance() or QApplication([])
    collector = GarbageCollector(app)  # as the app runs
    print(
        f"PySide6 {PySide6.__version__}, Python {sys.version.split()[0]}; "
        f"fake models (tests/fakes.py); {digits} digits, {drags} drags, {photos} photos",
        flush=True,
    )
    folder = Path(tempfile.mkdtemp(prefix="soak-photos-"))
    paths = make_jpegs(folder, photos + WARMUP)
    window = window_with_fakes(str(folder / "settings.ini"))
    first_refs, first_rss = sys.getrefcount(None), rss_bytes()
    results = soak(window, digits, drags, paths, progress=report)
    window.close()
    collector.stop()
    worst = max(p.worst_stall_ms for p in results)
    drift = sum(p.none_drift for p in results)
    print(
        f"survived: yes | None drift over the steady states {drift:+d} "
        f"(whole run {sys.getrefcount(None) - first_refs:+d}) | RSS from start "
        f"{first_rss / 2**20:.1f} → {rss_bytes() / 2**20:.1f} MiB | worst GUI stall {worst:.1f} ms"
    )


if __name__ == "__main__":
    main()
