"""What every classifier returns: the top classes, the exact input, how long it took and where."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Scored:
    index: int
    label: str
    score: float


@dataclass(frozen=True)
class Prediction:
    """One classified input.

    Attributes:
        model: the model's display name (``Inception v3``, ``MNIST default``…).
        top: the best classes, highest score first.
        input: uint8 array the network saw (H, W, 3) or (H, W), for display.
        ms: milliseconds spent in the network (not in loading or framing).
        device: ``CPU`` or the GPU's name.
        weights: which weights answered: the md5 of the file(s) the model was loaded from
            (``""`` when unknown), so a kept answer says which weights gave it.
    """

    model: str
    top: tuple[Scored, ...]
    input: np.ndarray = field(repr=False)
    ms: float
    device: str
    weights: str = ""

    @property
    def best(self) -> Scored:
        return self.top[0]

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "top": [{"index": s.index, "label": s.label, "score": s.score} for s in self.top],
            "ms": round(self.ms, 2),
        }


def top_k(scores: np.ndarray, labels: tuple[str, ...], k: int) -> tuple[Scored, ...]:
    """The ``k`` highest of ``scores`` with their labels, best first (stable for ties)."""
    scores = np.asarray(scores, dtype=np.float64).ravel()
    if len(scores) != len(labels):
        raise ValueError(f"{len(scores)} scores for {len(labels)} labels")
    k = max(1, min(k, len(scores)))
    order = np.argsort(-scores, kind="stable")[:k]
    return tuple(Scored(int(i), labels[i], float(scores[i])) for i in order)
