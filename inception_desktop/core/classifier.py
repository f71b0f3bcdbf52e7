"""A loaded model with its labels: the one object the worker thread and the CLI call."""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from inception_desktop.core.compiled import CompiledModel
from inception_desktop.core.prediction import Prediction, top_k


class Classifier:
    """Classifies network inputs (uint8 arrays of ``input_shape``) into ``labels``.

    Not thread-safe by design: one worker thread owns each instance.
    """

    def __init__(
        self, name: str, compiled: CompiledModel, labels: Sequence[str], device: str
    ) -> None:
        self.name = name
        self.compiled = compiled
        self.labels = tuple(labels)
        self.device = device

    @property
    def input_shape(self) -> tuple[int, ...]:
        return self.compiled.input_shape

    def scores(self, array: np.ndarray) -> np.ndarray:
        return self.compiled.predict(array)

    def classify(self, array: np.ndarray, k: int = 10) -> Prediction:
        """The top ``k`` classes for one input, timed around the network call only."""
        started = time.perf_counter()
        scores = self.compiled.predict(array)
        ms = (time.perf_counter() - started) * 1000
        return Prediction(
            self.name, top_k(scores, self.labels, k), np.asarray(array), ms, self.device
        )

    def classify_batch(self, arrays: Sequence[np.ndarray], k: int = 10) -> list[Prediction]:
        """Several inputs in one batched call; ``ms`` is the per-input share of the call."""
        if not arrays:
            return []
        stack = np.stack([np.asarray(a) for a in arrays])
        started = time.perf_counter()
        scores = self.compiled.predict_batch(stack)
        ms = (time.perf_counter() - started) * 1000 / len(arrays)
        return [
            Prediction(self.name, top_k(s, self.labels, k), a, ms, self.device)
            for s, a in zip(scores, stack, strict=True)
        ]
