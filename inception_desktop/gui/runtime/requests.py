"""The small immutable requests a view sends to the inference worker, and their results.

A request carries everything needed to serve it: ``kind`` (which model it needs), ``source``
(latest wins among pending requests of one source), an ``id`` (its answer carries it back), and
``serve(model)``, which the worker calls on its own thread with the loaded model of ``kind``. The
worker knows no request type: adding one is a class here (or beside its view) with these four.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, ClassVar, Protocol

import numpy as np

from inception_desktop.core.digit.normalize import DigitSteps
from inception_desktop.core.models.prediction import Prediction
from inception_desktop.core.photo.framing import FramedInput, Framing
from inception_desktop.core.photo.images import LoadedImage
from inception_desktop.gui.runtime.recordable import Kept, digit_entries, photo_entries

_ids = itertools.count(1)


def next_id() -> int:
    return next(_ids)


class ModelKind(StrEnum):
    """The models the worker loads; a request names the one that serves it."""

    PHOTO = "photo"  # Inception v3 (or a retrained head)
    DIGIT = "digit"  # an MNIST model


class Request(Protocol):
    """What the worker needs of a request (see the module docstring)."""

    kind: ClassVar[ModelKind]

    @property
    def source(self) -> str: ...  # latest wins among pending requests of one source

    @property
    def id(self) -> int: ...

    def serve(self, model: Any) -> Any: ...


@dataclass(frozen=True)
class PhotoResult:
    request_id: int
    framed: FramedInput
    prediction: Prediction
    # What was classified, for the history: the file, if any, and framing.
    path: str | None = None
    framing: Framing | None = None
    #: With Answer "Unknown": (unknown?, calibrated confidence); None otherwise.
    unknown: tuple[bool, float] | None = None

    def history(self, now: float) -> list[Kept]:
        return photo_entries(self.prediction, self.path, self.framing, self.framed.array, now)


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

    def history(self, now: float) -> list[Kept]:
        pixels = self.steps.input if self.steps is not None else None
        return digit_entries(self.prediction, None, pixels, now)


@dataclass(frozen=True)
class PhotoRequest:
    """Frame ``loaded`` (box in original pixels) and classify it with Inception v3; ``path`` is
    the photo's file, if any (its network decode is what the command line would classify)."""

    kind: ClassVar[ModelKind] = ModelKind.PHOTO
    loaded: LoadedImage = field(repr=False)
    framing: Framing
    source: str = "photo"
    id: int = field(default_factory=next_id)
    path: str | None = None
    #: Photo › Answer "Unknown": a retrained model's answer is judged by its calibrated
    #: confidence against its card's threshold (other models are not calibrated: no verdict).
    unknown: bool = False

    def serve(self, model: Any) -> PhotoResult:
        from inception_desktop.core.photo.prepare import network_input_for

        framed = network_input_for(self.loaded, self.path, self.framing, model.input_shape[0])
        rule = _unknown_rule(model) if self.unknown else None
        if rule is None:
            prediction = model.classify(framed.array, k=10)
            return PhotoResult(self.id, framed, prediction, self.path, self.framing)
        prediction = model.classify(framed.array, k=len(model.labels))  # all: to calibrate
        verdict = rule.decide_prediction(prediction, len(model.labels))
        prediction = replace(prediction, top=prediction.top[:10])
        return PhotoResult(self.id, framed, prediction, self.path, self.framing, verdict)


def _unknown_rule(model: Any) -> Any:
    """The model's own *unknown* rule, or None for a model that is not calibrated."""
    from inception_desktop.core.training.retrain import RetrainError
    from inception_desktop.core.training.retrain.calibration import UnknownRule

    try:
        return UnknownRule.for_classifier(model, "auto")
    except RetrainError:
        return None


@dataclass(frozen=True)
class CompareRequest:
    """Classify ``loaded`` under every framing mode in one batch (``path`` as for a photo)."""

    kind: ClassVar[ModelKind] = ModelKind.PHOTO
    loaded: LoadedImage = field(repr=False)
    framing: Framing
    source: str = "compare"
    id: int = field(default_factory=next_id)
    path: str | None = None

    def serve(self, model: Any) -> CompareResult:
        from inception_desktop.core.photo.framing import MODES
        from inception_desktop.core.photo.prepare import network_input_for

        side = model.input_shape[0]
        framed = [
            network_input_for(self.loaded, self.path, replace(self.framing, mode=mode), side)
            for mode in MODES
        ]
        predictions = model.classify_batch([f.array for f in framed], k=1000)
        return CompareResult(self.id, tuple(zip(framed, predictions, strict=True)))


@dataclass(frozen=True)
class DigitRequest:
    """Normalise a canvas (uint8 grey, dark ink on white) and classify it with the MNIST model."""

    kind: ClassVar[ModelKind] = ModelKind.DIGIT
    canvas: np.ndarray = field(repr=False)
    source: str = "digit"
    id: int = field(default_factory=next_id)

    def serve(self, model: Any) -> DigitResult:
        from inception_desktop.core.digit.normalize import normalize_digit

        steps = normalize_digit(self.canvas)
        if steps is None:
            return DigitResult(self.id, None, None)
        return DigitResult(self.id, steps, model.classify(steps.input, k=10))
