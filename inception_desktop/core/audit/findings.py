"""What an audit found, as plain data: the command line prints it, the window shows it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

SAME_CLASS = "same class"
DIFFERENT_CLASSES = "different classes"
LEAKAGE = "training and validation"


@dataclass(frozen=True)
class Suspect:
    """A photo the other photos say is labelled wrong: ``given`` is its folder's class, with the
    out-of-fold probability ``given_probability``; ``suggested`` the class they would give it,
    with probability ``confidence``."""

    path: str
    given: str
    suggested: str
    confidence: float
    given_probability: float


@dataclass(frozen=True)
class Duplicate:
    """Two photos that are one (``similarity`` 1.0: the same bytes) or nearly (re-encoded,
    resized, slightly cropped); ``kind`` is :data:`SAME_CLASS`, :data:`DIFFERENT_CLASSES` or
    :data:`LEAKAGE`."""

    paths: tuple[str, str]
    similarity: float
    kind: str


@dataclass(frozen=True)
class Outlier:
    """A photo unlike the others (``score``: how many robust standard deviations from a typical
    photo's distance to its neighbours; ``reason`` in words)."""

    path: str
    score: float
    reason: str


@dataclass
class Audit:
    """An audit's findings, and what the map and the window need: every photo's path, class,
    split ("train" or "validation") and place on the map."""

    classes: tuple[str, ...]
    paths: list[str]
    labels: np.ndarray
    splits: list[str]
    suspects: list[Suspect]
    duplicates: list[Duplicate]
    outliers: list[Outlier]
    points: np.ndarray  # (N, 2): the map
    probabilities: np.ndarray  # (N, classes): out of fold
    skipped: list[dict[str, str]] = field(default_factory=list)
    stages: list[dict[str, Any]] = field(default_factory=list)
    report: str | None = None

    def counts(self) -> dict[str, int]:
        """Photos per class in the training data (the validation tree's are not counted)."""
        training = self.labels[[split == "train" for split in self.splits]]
        n = np.bincount(training, minlength=len(self.classes))
        return {name: int(c) for name, c in zip(self.classes, n, strict=True)}

    def as_json(self) -> dict[str, Any]:
        """``audit --json``'s object (see the README)."""
        return {
            "classes": list(self.classes),
            "photos": len(self.paths),
            "suspects": [
                {"path": s.path, "given": s.given, "suggested": s.suggested,
                 "confidence": round(s.confidence, 4)}
                for s in self.suspects
            ],
            "duplicates": [
                {"paths": list(d.paths), "similarity": round(d.similarity, 4), "kind": d.kind}
                for d in self.duplicates
            ],
            "outliers": [
                {"path": o.path, "score": round(o.score, 2), "reason": o.reason}
                for o in self.outliers
            ],
            "counts": self.counts(),
            "skipped": self.skipped,
            "report": self.report,
        }  # fmt: skip
