"""What a worker answer says of itself for the history: results that are classifications.

A result type that is a classification (a photo, a digit, a batch's rows) has a ``history(now)``
method that returns its entries, each with what its content hash is made of (a file path, or the
network input for an image without a file). The history recorder keeps what it is given and
guesses nothing; a result without the method (a comparison, a heat map's extra maps, a sweep) is
not a classification of its own. The helpers below build the entries the same way for every
workspace.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from inception_desktop.core.batch.history import Entry
from inception_desktop.core.batch.records import Record

#: One history entry and what its content hash is made of: a file path, or pixels.
Kept = tuple[Entry, "str | np.ndarray"]


class Recordable(Protocol):
    def history(self, now: float) -> list[Kept]: ...


def photo_entries(
    prediction: Any, path: str | None, framing: Any, pixels: np.ndarray, now: float
) -> list[Kept]:
    """A photo classified with ``framing`` (its mode and crop box kept, to re-open it as it
    was); hashed by its file, or by the network input when it has none (a paste)."""
    box = framing.box if framing is not None else None
    record = Record.from_prediction(
        path or "",
        prediction.as_dict(),
        framing.mode if framing is not None else "",
        prediction.device,
        (box.x, box.y, box.w, box.h) if box is not None else None,
    )
    return [(Entry("photo", record, now, weights_hash=_weights(prediction)), path or pixels)]


def digit_entries(
    prediction: Any, path: str | None, pixels: np.ndarray | None, now: float
) -> list[Kept]:
    """A digit (drawn, or read from an image); none for an empty canvas."""
    if prediction is None or pixels is None:
        return []
    record = Record.from_prediction(path or "", prediction.as_dict(), "digit", prediction.device)
    return [(Entry("digit", record, now, weights_hash=_weights(prediction)), path or pixels)]


def batch_entries(records: tuple[Record, ...], weights: str, now: float) -> list[Kept]:
    """A batch's rows, each hashed by its file."""
    return [(Entry("batch", r, now, weights_hash=weights or None), r.path) for r in records]


def _weights(prediction: Any) -> str | None:
    return getattr(prediction, "weights", "") or None
