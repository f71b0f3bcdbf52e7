"""The small immutable messages between the views and the inference worker.

Each request carries an id; each result carries the id of the request it answers, so a view can
ignore a result for anything but the request it sent last.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from inception_desktop.core.digits import DigitSteps
from inception_desktop.core.framing import FramedInput, Framing
from inception_desktop.core.images import LoadedImage
from inception_desktop.core.prediction import Prediction

_ids = itertools.count(1)


def next_id() -> int:
    return next(_ids)


@dataclass(frozen=True)
class PhotoRequest:
    """Frame ``loaded`` (box in original pixels) and classify it with Inception v3."""

    loaded: LoadedImage = field(repr=False)
    framing: Framing
    source: str = "photo"
    id: int = field(default_factory=next_id)


@dataclass(frozen=True)
class CompareRequest:
    """Classify ``loaded`` under every framing mode in one batch."""

    loaded: LoadedImage = field(repr=False)
    framing: Framing
    source: str = "compare"
    id: int = field(default_factory=next_id)


@dataclass(frozen=True)
class DigitRequest:
    """Normalise a canvas (uint8 grey, dark ink on white) and classify it with the MNIST model."""

    canvas: np.ndarray = field(repr=False)
    source: str = "digit"
    id: int = field(default_factory=next_id)


@dataclass(frozen=True)
class PhotoResult:
    request_id: int
    framed: FramedInput
    prediction: Prediction


@dataclass(frozen=True)
class CompareResult:
    request_id: int
    results: tuple[tuple[FramedInput, Prediction], ...]


@dataclass(frozen=True)
class DigitResult:
    """``steps`` and ``prediction`` are None for an empty canvas."""

    request_id: int
    steps: DigitSteps | None
    prediction: Prediction | None


@dataclass(frozen=True)
class Failure:
    request_id: int
    source: str
    message: str
    detail: Any = None
