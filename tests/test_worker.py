"""The inference worker: ids, latest wins (and its notice), errors as signals, clean shutdown."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PIL import Image

from inception_desktop.core.photo.framing import Framing
from inception_desktop.core.photo.images import LoadedImage
from inception_desktop.gui.runtime.channel import Channel
from inception_desktop.gui.runtime.requests import DigitRequest, PhotoRequest
from inception_desktop.gui.runtime.worker import DIGIT, PHOTO, WorkerThread
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
    answers = Recorder(thread.worker.finished)
    with qtbot.waitSignal(answers.recorded, timeout=5000):
        thread.worker.submit(request)
    request_id, result = answers.calls[0]
    assert request_id == result.request_id == request.id
    assert result.framed.array.shape == (299, 299, 3)
    assert len(result.prediction.top) == 10


def test_latest_request_wins_and_the_replaced_ones_are_announced(qtbot, running):
    thread, _, digit = running
    digit.gate = threading.Event()  # hold the worker inside the first request
    finished = Recorder(thread.worker.finished)
    superseded = Recorder(thread.worker.superseded)
    requests = [DigitRequest(_canvas()) for _ in range(6)]
    thread.worker.submit(requests[0])
    assert digit.entered.wait(5), "the worker never started the first request"
    for request in requests[1:]:
        thread.worker.submit(request)
    digit.gate.set()
    qtbot.waitUntil(lambda: len(finished.calls) == 2, timeout=5000)
    assert finished.first_args() == [requests[0].id, requests[-1].id]
    # Every request ended once: the four stale drawings were announced, not served.
    assert superseded.first_args() == [r.id for r in requests[1:5]]


def test_an_empty_canvas_answers_without_a_guess(qtbot, running):
    thread, _, digit = running
    answers = Recorder(thread.worker.finished)
    with qtbot.waitSignal(answers.recorded, timeout=5000):
        thread.worker.submit(DigitRequest(np.full((50, 50), 255, np.uint8)))
    result = answers.calls[0][1]
    assert result.prediction is None and result.steps is None
    assert digit.seen == []


def test_a_failure_is_a_signal_and_the_worker_keeps_serving(qtbot, running):
    thread, photo, _ = running
    photo.fail_next = True
    bad = PhotoRequest(_loaded(Image.new("RGB", (10, 10))), Framing("crop"))
    failures, answers = Recorder(thread.worker.failed), Recorder(thread.worker.finished)
    with qtbot.waitSignal(failures.recorded, timeout=5000):
        thread.worker.submit(bad)
    assert failures.calls[0][0] == bad.id and "refused" in failures.calls[0][1]
    good = PhotoRequest(_loaded(Image.new("RGB", (10, 10))), Framing("crop"))
    with qtbot.waitSignal(answers.recorded, timeout=5000):
        thread.worker.submit(good)
    assert answers.first_args() == [good.id]


def test_a_view_hears_only_its_own_answers_and_forgets_each(qtbot, running):
    """Two channels on one worker: each callback gets its own request's answer; superseded and
    answered requests are forgotten (nothing waits forever)."""
    thread, _, digit = running
    mine, theirs = Channel(thread.worker), Channel(thread.worker)
    got: dict[str, list] = {"mine": [], "theirs": [], "dropped": []}
    digit.gate = threading.Event()
    first = DigitRequest(_canvas(), source="mine")
    mine.send(first, got["mine"].append)
    assert digit.entered.wait(5)
    stale = DigitRequest(_canvas(), source="mine")
    latest = DigitRequest(_canvas(), source="mine")
    mine.send(stale, got["mine"].append, on_dropped=lambda: got["dropped"].append(stale.id))
    mine.send(latest, got["mine"].append)
    theirs.send(DigitRequest(_canvas(), source="theirs"), got["theirs"].append)
    assert got["dropped"] == [stale.id] and mine.waiting() == 2
    digit.gate.set()
    qtbot.waitUntil(lambda: mine.waiting() == 0 and theirs.waiting() == 0, timeout=5000)
    assert [r.request_id for r in got["mine"]] == [first.id, latest.id]
    assert len(got["theirs"]) == 1 and got["theirs"][0].request_id not in (first.id, latest.id)


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
    events = Recorder(thread.worker.modelReady, thread.worker.finished)
    request = DigitRequest(_canvas())
    thread.worker.submit(request)  # nothing loaded yet: it waits, it is not lost
    thread.worker.load(DIGIT)
    qtbot.waitUntil(lambda: len(events.calls) == 2, timeout=5000)
    assert events.calls[0] == (DIGIT, "Fake MNIST", "FakeDevice")  # the model first, then
    assert events.calls[1][0] == request.id  # the answer to the request that waited for it
    assert thread.stop(5000)


LOAD_BOTH = """
import sys, time
from PySide6.QtWidgets import QApplication
app = QApplication([])
from inception_desktop.gui.runtime.worker import WorkerThread
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


@pytest.mark.parametrize("runtime", ["litert", "tensorflow"])
def test_the_window_s_models_are_prepared_before_they_are_announced(qtbot, runtime, monkeypatch):
    """The real factories size a model for one input as they load it (LiteRT packs its weights
    then), so the first answer's time, shown as the network's, is not the packing's."""
    from inception_desktop.core.models.classifier import Classifier
    from inception_desktop.gui.runtime.worker import InferenceWorker, default_factories

    prepared: list[int] = []
    prepare = Classifier.prepare

    def spy(self, batch):
        prepared.append(batch)
        prepare(self, batch)

    monkeypatch.setattr(Classifier, "prepare", spy)
    model = default_factories(InferenceWorker(fake_factories(), runtime))[DIGIT](None)
    assert prepared == [1]
    if runtime == "litert":  # allocated for one digit, before any digit came
        shape = model.predictor._interpreter.get_input_details()[0]["shape"]
        assert tuple(shape) == (1, 28, 28)
