""""None of these": a retrained model's confidence made honest, and a threshold below which it
answers *unknown*.

A head trained to separate a few classes is over-confident: shown a photo of none of them, it
still gives one 90%. Temperature scaling (Guo et al., 2017) fixes the scale of its confidence
with one number fitted on the validation split: probabilities become ``softmax(log p / T)``,
the ranking unchanged. The threshold stored with the model is the calibrated confidence below
which :data:`KEEP` of the validation photos it answers *right* would still be answered, so that
"unknown" costs at most that share of its correct answers; ``classify --unknown P`` sets another.
The reliability diagram and the accuracy/coverage curve in the retrain report show the trade.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

#: The share of correct validation answers the automatic threshold keeps answered.
KEEP = 0.95
#: Bins of the reliability diagram.
BINS = 10


def calibrate(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """``softmax(log p / T)`` row by row: the same ranking, an honest confidence."""
    logits = np.log(np.clip(np.asarray(probabilities, np.float64), 1e-12, 1.0)) / temperature
    logits -= logits.max(axis=-1, keepdims=True)
    e = np.exp(logits)
    out: np.ndarray = e / e.sum(axis=-1, keepdims=True)
    return out


def fit_temperature(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """The temperature that minimises the negative log-likelihood of ``labels`` (a search over
    log T in [log 0.25, log 20]: one parameter, no optimiser needed). 1.0 without data, and
    when every validation answer is right: then the likelihood only grows as T shrinks, and a
    sharper model would be fitted to nothing but the luck of a small split."""
    labels = np.asarray(labels, np.int64)
    if len(labels) == 0 or (np.argmax(probabilities, axis=1) == labels).all():
        return 1.0

    def nll(t: float) -> float:
        p = calibrate(probabilities, t)[np.arange(len(labels)), labels]
        return float(-np.log(np.clip(p, 1e-12, 1.0)).mean())

    grid = np.exp(np.linspace(np.log(0.25), np.log(20.0), 200))
    best = float(grid[int(np.argmin([nll(t) for t in grid]))])
    lo, hi = best / 1.05, best * 1.05  # refine between the grid's neighbours
    for _ in range(40):
        a, b = lo + (hi - lo) / 3, hi - (hi - lo) / 3
        lo, hi = (lo, b) if nll(a) < nll(b) else (a, hi)
    return round((lo + hi) / 2, 6)


def unknown_threshold(calibrated: np.ndarray, labels: np.ndarray, keep: float = KEEP) -> float:
    """The calibrated confidence under which only ``1 - keep`` of the correct answers fall."""
    labels = np.asarray(labels, np.int64)
    right = np.argmax(calibrated, axis=1) == labels
    if not right.any():
        return 0.0
    return round(float(np.quantile(calibrated.max(axis=1)[right], 1.0 - keep)), 6)


def reliability(
    calibrated: np.ndarray, labels: np.ndarray, bins: int = BINS
) -> list[dict[str, Any]]:
    """Per confidence bin: its range, how many photos, their mean confidence and accuracy."""
    confidence = calibrated.max(axis=1)
    right = np.argmax(calibrated, axis=1) == np.asarray(labels, np.int64)
    out = []
    edges = np.linspace(0.0, 1.0, bins + 1)
    for low, high in itertools.pairwise(edges):
        inside = (confidence > low) & (confidence <= high) if low > 0 else confidence <= high
        n = int(inside.sum())
        out.append({
            "low": float(low), "high": float(high), "count": n,
            "confidence": float(confidence[inside].mean()) if n else None,
            "accuracy": float(right[inside].mean()) if n else None,
        })  # fmt: skip
    return out


def coverage(calibrated: np.ndarray, labels: np.ndarray) -> list[dict[str, float]]:
    """As the threshold rises: the share of photos still answered, and their accuracy."""
    confidence = calibrated.max(axis=1)
    right = np.argmax(calibrated, axis=1) == np.asarray(labels, np.int64)
    out = []
    for threshold in np.linspace(0.0, 1.0, 21):
        answered = confidence >= threshold
        n = int(answered.sum())
        out.append({
            "threshold": round(float(threshold), 3),
            "coverage": n / max(1, len(confidence)),
            "accuracy": float(right[answered].mean()) if n else 1.0,
        })  # fmt: skip
    return out


def describe(probabilities: np.ndarray, labels: np.ndarray) -> dict[str, Any]:
    """Everything the model card and the report say of calibration, from the validation
    split's (uncalibrated) scores and labels."""
    temperature = fit_temperature(probabilities, labels)
    calibrated = calibrate(probabilities, temperature)
    return {
        "temperature": temperature,
        "unknown_threshold": unknown_threshold(calibrated, labels),
        "reliability": reliability(calibrated, labels),
        "coverage": coverage(calibrated, labels),
    }


class UnknownRule:
    """Answers *unknown* for a retrained model when its calibrated confidence is below
    ``threshold`` (see the module docstring); built from the model's card."""

    def __init__(self, temperature: float, threshold: float) -> None:
        self.temperature, self.threshold = temperature, threshold

    @classmethod
    def from_card(cls, metadata: dict[str, Any], spec: str) -> UnknownRule:
        """``spec``: ``auto`` (the card's threshold) or a probability ``P`` in (0, 1)."""
        from inception_desktop.core.training.retrain import RetrainError

        temperature = float(metadata.get("temperature", 1.0))
        if spec == "auto":
            if "unknown_threshold" not in metadata:
                raise RetrainError(
                    "this model was trained before models were calibrated: retrain it, or give "
                    "--unknown a probability (0.6, say)"
                )
            return cls(temperature, float(metadata["unknown_threshold"]))
        try:
            threshold = float(spec)
        except ValueError:
            threshold = -1.0
        if not 0.0 < threshold < 1.0:
            raise RetrainError(f"--unknown takes 'auto' or a probability between 0 and 1: {spec!r}")
        return cls(temperature, threshold)

    @classmethod
    def for_classifier(cls, classifier: Any, spec: str) -> UnknownRule:
        """The rule of a retrained ``classifier`` (its card's temperature; ``spec`` as in
        :meth:`from_card`); :class:`RetrainError` for any other model (it is not calibrated)."""
        from inception_desktop.core.training.retrain import RetrainError

        model = getattr(getattr(classifier, "predictor", None), "model", None)
        metadata = getattr(model, "metadata", None)
        if not isinstance(metadata, dict):
            raise RetrainError("--unknown is for models made by 'retrain' (they are calibrated)")
        return cls.from_card(metadata, spec)

    def decide_prediction(self, prediction: Any, classes: int) -> tuple[bool, float]:
        """:meth:`decide` for a prediction that scored all ``classes`` (its ``top``)."""
        scores = np.zeros(classes)
        for scored in prediction.top:
            scores[scored.index] = scored.score
        return self.decide(scores)

    def decide(self, scores: np.ndarray) -> tuple[bool, float]:
        """(unknown?, the calibrated confidence of the best class) for one photo's full
        probability vector (every class)."""
        confidence = float(calibrate(np.asarray(scores)[None, :], self.temperature).max())
        return bool(confidence < self.threshold), confidence
