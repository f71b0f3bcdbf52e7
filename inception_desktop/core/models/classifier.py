"""A loaded model with its labels: the one object the worker thread and the CLI call."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from inception_desktop.core.models.prediction import Prediction, top_k


class Predictor(Protocol):
    """What a runtime offers: TensorFlow's :class:`~.compiled.CompiledModel` or
    :class:`~.litert.LiteRTModel`. Inputs are uint8 pixels; preprocessing is in the graph.

    ``input_shape`` and ``runtime`` are only read (properties here, so a plain attribute or a
    property of a narrower type, such as ``tuple[int, int, int]``, satisfies them).
    """

    @property
    def input_shape(self) -> tuple[int, ...]: ...

    @property
    def runtime(self) -> str: ...

    def predict(self, array: np.ndarray) -> np.ndarray: ...

    def predict_batch(self, arrays: np.ndarray, batch_size: int = ...) -> np.ndarray: ...

    def prepare(self, batch: int) -> None: ...


class Classifier:
    """Classifies network inputs (uint8 arrays of ``input_shape``) into ``labels``.

    Not thread-safe by design: one worker thread owns each instance. ``device`` says where it
    computes, for people ("CPU · LiteRT · 2 threads"); ``weights`` names the weights (see
    :attr:`Prediction.weights`) and is carried by every prediction.
    """

    def __init__(
        self,
        name: str,
        predictor: Predictor,
        labels: Sequence[str],
        device: str,
        weights: str = "",
    ) -> None:
        self.name = name
        self.predictor = predictor
        self.labels = tuple(labels)
        self.device = device
        self.weights = weights

    @property
    def input_shape(self) -> tuple[int, ...]:
        return self.predictor.input_shape

    def prepare(self, batch: int) -> None:
        """Make the runtime ready for batches of ``batch`` inputs without computing any (LiteRT
        allocates and packs its weights, TensorFlow traces), so that one-off cost is part of
        loading and not of the first inputs classified."""
        self.predictor.prepare(batch)

    def scores(self, array: np.ndarray) -> np.ndarray:
        return self.predictor.predict(array)

    def classify(self, array: np.ndarray, k: int = 10) -> Prediction:
        """The top ``k`` classes for one input, timed around the network call only."""
        started = time.perf_counter()
        scores = self.predictor.predict(array)
        ms = (time.perf_counter() - started) * 1000
        return Prediction(
            self.name,
            top_k(scores, self.labels, k),
            np.asarray(array),
            ms,
            self.device,
            self.weights,
        )

    def classify_batch(self, arrays: Sequence[np.ndarray], k: int = 10) -> list[Prediction]:
        """Several inputs in one batched call; ``ms`` is the per-input share of the call."""
        if not arrays:
            return []
        stack = np.stack([np.asarray(a) for a in arrays])
        started = time.perf_counter()
        scores = self.predictor.predict_batch(stack)
        ms = (time.perf_counter() - started) * 1000 / len(arrays)
        return [
            Prediction(self.name, top_k(s, self.labels, k), a, ms, self.device, self.weights)
            for s, a in zip(scores, stack, strict=True)
        ]
