"""Digit images read on the worker's thread: a dropped or pasted image, and a camera frame.

Both go through the one rule for digit images (:func:`~inception_desktop.core.digit.image.
read_digit`) and answer with the page as read, its steps and the model's scores; only a dropped
or pasted image is a digit a person asked about, so only its answer goes into the History
(:class:`DigitImageResult` has ``history``; a stream of camera frames is not a list of digits).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from inception_desktop.core.digit.normalize import DigitSteps
from inception_desktop.core.models.prediction import Prediction
from inception_desktop.gui.runtime.recordable import Kept, digit_entries
from inception_desktop.gui.runtime.requests import ModelKind, next_id


@dataclass(frozen=True)
class DigitReading:
    """An image read as a digit: ``picture`` is the page as read, grey uint8, ink dark on white
    (see :class:`~inception_desktop.core.digit.image.DigitImage`)."""

    request_id: int
    steps: DigitSteps | None
    prediction: Prediction | None
    picture: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class DigitImageResult(DigitReading):
    """A dropped or pasted image's answer, kept in the History."""

    def history(self, now: float) -> list[Kept]:
        pixels = self.steps.input if self.steps is not None else None
        return digit_entries(self.prediction, None, pixels, now)


def _read(request_id: int, model: Any, image: Any, kind: type[DigitReading]) -> Any:
    """``image`` (a file's path, or a uint8 grey, RGB or RGBA array) read and classified."""
    from inception_desktop.core.digit.image import read_digit, read_digit_file

    reading = read_digit_file(image) if isinstance(image, str) else read_digit(image)
    steps = reading.steps
    prediction = None if steps is None else model.classify(steps.input, k=10)
    return kind(request_id, steps, prediction, reading.picture)


@dataclass(frozen=True)
class DigitImageRequest:
    """Read an image as a digit: the file ``path`` (loaded safely) or ``array`` (uint8 grey,
    RGB or RGBA: a pasted bitmap; transparency is paper)."""

    kind: ClassVar[ModelKind] = ModelKind.DIGIT
    path: str | None = None
    array: np.ndarray | None = field(default=None, repr=False)
    source: str = "digit"  # latest wins with the drawing: one answer shown at a time
    id: int = field(default_factory=next_id)

    def serve(self, model: Any) -> DigitImageResult:
        image = self.path if self.path is not None else self.array
        if image is None:
            raise ValueError("no image to read")
        result: DigitImageResult = _read(self.id, model, image, DigitImageResult)
        return result


@dataclass(frozen=True)
class LiveDigitRequest:
    """Read a camera or video frame as a digit (not kept in the History)."""

    kind: ClassVar[ModelKind] = ModelKind.DIGIT
    image: np.ndarray = field(repr=False)
    source: str = "digit-live"
    id: int = field(default_factory=next_id)

    def serve(self, model: Any) -> DigitReading:
        reading: DigitReading = _read(self.id, model, self.image, DigitReading)
        return reading
