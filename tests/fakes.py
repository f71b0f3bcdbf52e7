"""A fake classifier with the real Classifier's interface: fast, no TensorFlow, and honest enough
that its scores change with the input (so tests can see a crop or a framing change matter)."""

from __future__ import annotations

import threading
import time

import numpy as np

from inception_desktop.core.models.prediction import Prediction, top_k


class FakeClassifier:
    def __init__(
        self, name: str, input_shape: tuple[int, ...], classes: int, delay: float = 0.0
    ) -> None:
        self.name = name
        self.input_shape = input_shape
        self.labels = tuple(f"class {i}" for i in range(classes))
        self.device = "FakeDevice"
        self.weights = f"md5-of-{name.lower().replace(' ', '-')}"
        self.delay = delay
        self.seen: list[np.ndarray] = []
        self.fail_next = False
        self.gate: threading.Event | None = None
        #: Set when a classification starts (a test holding ``gate`` knows the worker is inside).
        self.entered = threading.Event()

    def scores(self, array: np.ndarray) -> np.ndarray:
        array = np.asarray(array, np.float64)
        if array.shape != self.input_shape:
            raise ValueError(f"input shape {array.shape}, expected {self.input_shape}")
        # Class i scores the mean brightness of the i-th horizontal band: depends on content.
        bands = np.array_split(array.reshape(array.shape[0], -1).mean(axis=1), len(self.labels))
        logits = np.array([b.mean() if len(b) else 0.0 for b in bands]) / 16.0
        e = np.exp(logits - logits.max())
        return e / e.sum()

    def classify(self, array: np.ndarray, k: int = 10) -> Prediction:
        self.entered.set()
        if self.gate is not None:
            self.gate.wait(10)
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("the fake model refused this input")
        time.sleep(self.delay)
        self.seen.append(np.asarray(array))
        return Prediction(
            self.name,
            top_k(self.scores(array), self.labels, k),
            np.asarray(array),
            1.5,
            self.device,
            self.weights,
        )

    def classify_batch(self, arrays, k: int = 10) -> list[Prediction]:
        return [self.classify(a, k) for a in arrays]


def fake_factories(photo: FakeClassifier | None = None, digit: FakeClassifier | None = None):
    photo = photo or FakeClassifier("Fake Inception", (299, 299, 3), 1000)
    digit = digit or FakeClassifier("Fake MNIST", (28, 28), 10)
    return {"photo": lambda path: photo, "digit": lambda path: digit}


from PySide6.QtCore import QObject, Signal, Slot  # noqa: E402


class Recorder(QObject):
    """Records signals from any thread on the GUI thread (a QObject slot makes them queued), and
    says so with ``recorded``: a GUI-thread signal that ``qtbot.waitSignal`` can wait for (pytest-qt
    waiting on a worker's own signal stops its timer from the worker thread: a Qt warning)."""

    recorded = Signal()

    def __init__(self, *signals) -> None:
        super().__init__()
        self.calls: list[tuple] = []
        for signal in signals:
            signal.connect(self.record)

    @Slot(int)
    @Slot(int, object)
    @Slot(int, str)
    @Slot(str, str)
    @Slot(str, str, str)
    def record(self, *args) -> None:
        self.calls.append(args)
        self.recorded.emit()

    def first_args(self) -> list:
        return [c[0] for c in self.calls]
