"""What a person feels in the window, measured with the real app objects.

* launch → window shown: a fresh process, from before the interpreter starts to the first paint;
  baseline: the same for a bare QWidget.
* drop → bars: files opened as a drop opens them, until the top-10 bars show the answer;
  baseline: the network's own compiled call on the same input.
* worst GUI stall while inference runs: a 5 ms heartbeat timer's worst lateness while the crop
  rectangle is dragged (many requests); baseline: the same heartbeat with nothing running.
* stroke → bars in the Digit workspace: from a mouse move/release to the bars showing its answer;
  baseline: the MNIST network's compiled call.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/gui_latency.py``
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SHOW_SCRIPT = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
class Watch(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(time.time()); sys.stdout.flush(); app.quit()
        return False
if sys.argv[1] == "app":
    from inception_desktop.gui.shell.main_window import MainWindow, schedule_start
    window = MainWindow()
    schedule_start(window)
else:
    window = QWidget()
watch = Watch()
window.installEventFilter(watch)
window.show()
QTimer.singleShot(20000, app.quit)
app.exec()
if sys.argv[1] == "app":
    window.close()
"""


def launch_ms(kind: str, repeats: int = 3) -> float:
    samples = []
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        INCEPTION_DESKTOP_CACHE=tempfile.mkdtemp(),
        INCEPTION_DESKTOP_DATA=tempfile.mkdtemp(),  # its history, not the user's
        TF_CPP_MIN_LOG_LEVEL="3",
    )
    for _ in range(repeats):
        started = time.time()
        out = subprocess.run(
            [sys.executable, "-c", SHOW_SCRIPT, kind],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
        ).stdout.split()
        samples.append((float(out[0]) - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    bare, app_ms = launch_ms("bare"), launch_ms("app")
    print(
        f"launch → window shown     {app_ms:8.1f} ms  (bare QWidget {bare:.1f} ms, "
        f"x{app_ms / bare:.2f})"
    )

    from _common import inception_weights, shown_window, spin_until
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from inception_desktop.core.store import weights
    from inception_desktop.core.store.download import file_digest

    path, what = inception_weights()
    os.environ["INCEPTION_DESKTOP_CACHE"] = tempfile.mkdtemp()
    os.environ["INCEPTION_DESKTOP_DATA"] = tempfile.mkdtemp()  # its history, not the user's
    os.environ[weights.MD5_ENV] = file_digest(path)
    weights.import_file(path)
    from tests.gui_helpers import drag, polyline

    app = QApplication.instance() or QApplication([])

    from PySide6.QtCore import QEventLoop

    wake = QTimer()  # conditions change through events; this only bounds a missed one
    wake.start(20)

    window = shown_window()
    spin_until(lambda: window.photo.model.state.ready and window.digit.model.state.ready)

    # Heartbeat: worst lateness of a 5 ms timer, with and without inference running.
    lateness: list[float] = []
    clock = QElapsedTimer()
    beat = QTimer()
    beat.setInterval(5)

    def tick() -> None:
        lateness.append(clock.nsecsElapsed() / 1e6 - 5.0)
        clock.restart()

    beat.timeout.connect(tick)

    def heartbeat(during) -> float:
        lateness.clear()
        clock.start()
        beat.start()
        during()
        beat.stop()
        return max(lateness[1:] or [0.0])

    idle = heartbeat(lambda: spin_until(lambda: len(lateness) > 200))

    from PIL import Image

    folder = Path(tempfile.mkdtemp())
    picture = Image.effect_mandelbrot((1600, 1200), (-2, -1.2, 1, 1.2), 100).convert("RGB")
    drops = []
    for n in range(5):  # a new file each time: a photo already in the strip is only selected
        photo = folder / f"photo{n}.jpg"
        picture.save(photo)
        window.photo.result = None
        started = time.perf_counter()
        window.open_paths([str(photo)])
        spin_until(lambda: window.photo.result is not None)
        drops.append((time.perf_counter() - started) * 1000)
    network = statistics.median(
        [window.photo.result.prediction.ms]
        + [
            window.worker._models["photo"].classify(window.photo.result.framed.array).ms
            for _ in range(5)
        ]
    )
    drop_ms = statistics.median(drops)
    print(
        f"drop → bars               {drop_ms:8.1f} ms  (network alone {network:.1f} ms, "
        f"x{drop_ms / network:.2f}; {what})"
    )

    view = window.photo.view
    r = view.image_rect()

    def drag_crop() -> None:
        points = polyline(
            [(r.x() + 10, r.y() + 10), (r.x() + r.width() * 0.7, r.y() + r.height() * 0.7)], step=3
        )
        from PySide6.QtCore import QEvent, QPointF, Qt

        from tests.gui_helpers import _event  # one move per event-loop turn, like a real mouse

        left = Qt.MouseButton.LeftButton
        QApplication.sendEvent(
            view, _event(QEvent.Type.MouseButtonPress, view, QPointF(*points[0]), left)
        )
        for x, y in points[1:]:
            QApplication.sendEvent(view, _event(QEvent.Type.MouseMove, view, QPointF(x, y), left))
            deadline = time.perf_counter() + 0.016  # ~60 Hz mouse
            while time.perf_counter() < deadline:
                app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        QApplication.sendEvent(
            view,
            _event(
                QEvent.Type.MouseButtonRelease, view, QPointF(*points[-1]), Qt.MouseButton.NoButton
            ),
        )
        box = view.box()
        spin_until(lambda: window.photo.result.framed.framing.box == box)

    busy = heartbeat(drag_crop)
    print(
        f"worst GUI stall           {busy:8.1f} ms  (idle heartbeat worst {idle:.1f} ms) "
        f"while dragging a crop box over {what}"
    )

    window.tabs.setCurrentIndex(1)
    canvas = window.digit.canvas
    spin_until(lambda: True)
    t = canvas._target()
    digit_net = statistics.median(
        [
            window.worker._models["digit"].classify(__import__("numpy").zeros((28, 28), "uint8")).ms
            for _ in range(20)
        ]
    )
    latencies = []
    for _ in range(5):
        canvas.clear()
        stroke = polyline(
            [
                (t.x() + 0.5 * t.width(), t.y() + 0.15 * t.height()),
                (t.x() + 0.5 * t.width(), t.y() + 0.85 * t.height()),
            ]
        )
        drag(canvas, stroke)
        started = time.perf_counter()
        sent = window.digit._last_id
        spin_until(
            lambda s=sent: window.digit.result is not None and window.digit.result.request_id == s
        )
        latencies.append((time.perf_counter() - started) * 1000)
    stroke_ms = statistics.median(latencies)
    print(
        f"stroke release → bars     {stroke_ms:8.1f} ms  (MNIST network alone "
        f"{digit_net:.2f} ms, x{stroke_ms / digit_net:.1f})"
    )
    window.close()


if __name__ == "__main__":
    main()
