"""The inference worker: ids, latest wins, errors as signals, clean shutdown."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PIL import Image

from inception_desktop.core.framing import Framing
from inception_desktop.core.images import LoadedImage
from inception_desktop.gui.requests import DigitRequest, PhotoRequest
from inception_desktop.gui.worker import DIGIT, PHOTO, WorkerThread
from tests.fakes import FakeClassifier, Recorder, fake_factories


def _loaded(image: Image.Image) -> LoadedImage:
    return LoadedImage(image, "test", "PNG", image.size)


@pytest.fixture
def running(qtbot):
    photo = FakeClassifier("Fake Inception", (299, 299, 3), 1000)
    digit = FakeClassifier("Fake MNIST", (28, 28), 10)
    thread = WorkerThread(fake_factories(photo, digit))
    ready = Recorder(thread.worker.modelReady)
    thread.worker.load(PHOTO)
    thread.worker.load(DIGIT)
    qtbot.waitUntil(lambda: len(ready.calls) == 2, timeout=5000)
    assert ready.calls == [
        (PHOTO, "Fake Inception", "FakeDevice"),
        (DIGIT, "Fake MNIST", "FakeDevice"),
    ]
    yield thread, photo, digit
    assert thread.stop(5000)
    assert thread.thread.isFinished()


def _canvas(value: int = 0) -> np.ndarray:
    canvas = np.full((100, 100), 255, np.uint8)
    canvas[20:80, 45:55] = value
    return canvas


def test_results_carry_the_request_id(qtbot, running):
    thread, _, _ = running
    request = PhotoRequest(_loaded(Image.new("RGB", (400, 300), (10, 200, 30))), Framing("pad"))
    results = Recorder(thread.worker.photoResult)
    thread.worker.submit(request)
    qtbot.waitUntil(lambda: bool(results.calls), timeout=5000)
    result = results.calls[0][0]
    assert result.request_id == request.id
    assert result.framed.array.shape == (299, 299, 3)
    assert len(result.prediction.top) == 10


def test_latest_request_wins(qtbot, running):
    thread, _, digit = running
    digit.gate = threading.Event()  # hold the worker inside the first request
    results = Recorder(thread.worker.digitResult)
    requests = [DigitRequest(_canvas()) for _ in range(6)]
    thread.worker.submit(requests[0])
    qtbot.wait(200)  # the worker is now blocked inside request 0
    for request in requests[1:]:
        thread.worker.submit(request)
    digit.gate.set()
    qtbot.waitUntil(lambda: len(results.calls) >= 2, timeout=5000)
    qtbot.wait(200)
    ids = [r.request_id for r in results.first_args()]
    assert ids == [requests[0].id, requests[-1].id], "the four stale drawings were skipped"


def test_an_empty_canvas_answers_without_a_guess(qtbot, running):
    thread, _, digit = running
    results = Recorder(thread.worker.digitResult)
    thread.worker.submit(DigitRequest(np.full((50, 50), 255, np.uint8)))
    qtbot.waitUntil(lambda: bool(results.calls), timeout=5000)
    assert results.calls[0][0].prediction is None and results.calls[0][0].steps is None
    assert digit.seen == []


def test_a_failure_is_a_signal_and_the_worker_keeps_serving(qtbot, running):
    thread, photo, _ = running
    photo.fail_next = True
    bad = PhotoRequest(_loaded(Image.new("RGB", (10, 10))), Framing("crop"))
    failures = Recorder(thread.worker.failed)
    results = Recorder(thread.worker.photoResult)
    thread.worker.submit(bad)
    qtbot.waitUntil(lambda: bool(failures.calls), timeout=5000)
    failure = failures.calls[0][0]
    assert failure.request_id == bad.id and "refused" in failure.message
    good = PhotoRequest(_loaded(Image.new("RGB", (10, 10))), Framing("crop"))
    thread.worker.submit(good)
    qtbot.waitUntil(lambda: bool(results.calls), timeout=5000)
    assert results.calls[0][0].request_id == good.id


def test_a_model_that_cannot_load_is_reported(qtbot):
    def broken(path):
        raise RuntimeError("weights are missing")

    thread = WorkerThread({PHOTO: broken, DIGIT: broken})
    events = Recorder(thread.worker.loading, thread.worker.modelUnavailable)
    thread.worker.load(PHOTO)
    qtbot.waitUntil(lambda: len(events.calls) == 2, timeout=5000)
    assert events.calls == [(PHOTO, "Loading Inception v3…"), (PHOTO, "weights are missing")]
    assert thread.stop(5000)


def test_requests_before_the_model_is_ready_are_served_when_it_is(qtbot):
    digit = FakeClassifier("Fake MNIST", (28, 28), 10)
    thread = WorkerThread(fake_factories(digit=digit))
    results = Recorder(thread.worker.digitResult)
    request = DigitRequest(_canvas())
    thread.worker.submit(request)  # nothing loaded yet: it waits, it is not lost
    qtbot.wait(100)
    assert results.calls == []
    thread.worker.load(DIGIT)
    qtbot.waitUntil(lambda: bool(results.calls), timeout=5000)
    assert results.calls[0][0].request_id == request.id
    assert thread.stop(5000)


LOAD_BOTH = """
import sys, time
from PySide6.QtWidgets import QApplication
app = QApplication([])
from inception_desktop.gui.worker import WorkerThread
from tests.fakes import Recorder
thread = WorkerThread(runtime="tensorflow")
events = Recorder(thread.worker.modelReady, thread.worker.modelUnavailable)
thread.worker.load("digit")
end = time.monotonic() + 120
while len(events.calls) < 1 and time.monotonic() < end:
    app.processEvents(); time.sleep(0.01)
thread.worker.load("photo", sys.argv[1])
while len(events.calls) < 2 and time.monotonic() < end:
    app.processEvents(); time.sleep(0.01)
print(events.calls)
thread.stop()
"""


@pytest.mark.slow
def test_both_real_models_load_one_after_the_other_in_a_fresh_process(inception_weights):
    """Regression: TensorFlow first imported on the worker thread, the MNIST model loaded, then
    Inception v3: this segfaulted while Qt's own QThread.run gave each slot a new Python thread
    state. A fresh interpreter, because TensorFlow must not have been initialised elsewhere."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(root))
    result = subprocess.run(
        [sys.executable, "-c", LOAD_BOTH, str(inception_weights)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=root,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "('digit', 'MNIST default'" in result.stdout
    assert "('photo', 'Inception v3', 'CPU · TensorFlow')" in result.stdout
