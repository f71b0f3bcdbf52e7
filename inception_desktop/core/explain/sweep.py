"""A framing sweep: how one photo's answer changes with the crop, the padding and small shifts.

The photo is framed many ways (the three modes on the whole photo; square crops at three scales
on a sliding window; shifted centre crops), all inputs are classified in one batch, and each
framing reports the score of the reference class (the top class under the person's framing) and
its own top class, so the crops that flip the answer stand out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from inception_desktop.core.models.inception import INPUT_SIZE
from inception_desktop.core.photo.framing import Box, Framing
from inception_desktop.core.photo.images import LoadedImage
from inception_desktop.core.photo.prepare import network_input

#: Square crops as a fraction of the photo's short side, each on a sliding window of positions.
SCALES = (1.0, 0.75, 0.5)
#: Window positions per axis (along the long side only for the full-height crop).
POSITIONS = 3
#: Centre crops of this fraction of the short side, shifted by :data:`SHIFT` of it each way.
SHIFT_SCALE, SHIFT = 0.85, 0.1


@dataclass(frozen=True)
class SweepEntry:
    """One framing: ``name`` for people, ``framing`` to reproduce it (box in original pixels),
    the reference class's score here, and this framing's own top class and score."""

    name: str
    framing: Framing
    reference_score: float
    top_index: int
    top_score: float
    #: Whether this framing's top class differs from the reference class.
    flips: bool


@dataclass(frozen=True)
class SweepResult:
    """The reference class (top under the person's framing), its score there, every framing."""

    reference_index: int
    reference_score: float
    entries: list[SweepEntry]

    @property
    def flipped(self) -> list[SweepEntry]:
        return [e for e in self.entries if e.flips]


def _positions(start: float, room: float, n: int) -> list[float]:
    if room <= 0 or n == 1:
        return [start + max(room, 0.0) / 2]
    return [start + room * i / (n - 1) for i in range(n)]


def sweep_framings(width: float, height: float) -> list[tuple[str, Framing]]:
    """The framings of a sweep over a photo of ``width`` x ``height`` original pixels."""
    out = [(f"whole photo, {mode}", Framing(mode)) for mode in ("squash", "crop", "pad")]
    short = min(width, height)
    for scale in SCALES:
        side = scale * short
        for y in _positions(0.0, height - side, POSITIONS if side < height else 1):
            for x in _positions(0.0, width - side, POSITIONS if side < width else 1):
                name = f"crop {scale:.0%} at {x:.0f},{y:.0f}"
                out.append((name, Framing("crop", Box(x, y, side, side))))
    side = SHIFT_SCALE * short
    cx, cy = (width - side) / 2, (height - side) / 2
    for dx, dy, where in ((-1, 0, "left"), (1, 0, "right"), (0, -1, "up"), (0, 1, "down")):
        x = min(max(cx + dx * SHIFT * short, 0.0), width - side)
        y = min(max(cy + dy * SHIFT * short, 0.0), height - side)
        out.append((f"centre crop shifted {where}", Framing("crop", Box(x, y, side, side))))
    out.append(("pad, centre crop 75%", Framing("pad", Box(*_centred(width, height, 0.75)))))
    return out


def _centred(width: float, height: float, scale: float) -> tuple[float, float, float, float]:
    w, h = width * scale, height * scale
    return ((width - w) / 2, (height - h) / 2, w, h)


def sweep(
    classifier: Any,
    loaded: LoadedImage,
    reference: Framing | None = None,
    size: int = INPUT_SIZE,
) -> SweepResult:
    """Classify ``loaded`` under every framing of :func:`sweep_framings` in one batch.

    ``reference`` is the person's framing (None: the default one); its top class is the one
    followed across the sweep.
    """
    reference = reference or Framing()
    width, height = loaded.original_size
    framings = sweep_framings(width, height)
    inputs = [network_input(loaded, reference, size).array]
    inputs += [network_input(loaded, framing, size).array for _, framing in framings]
    scores = np.asarray(classifier.predictor.predict_batch(np.stack(inputs)))
    reference_index = int(np.argmax(scores[0]))
    entries = []
    for (name, framing), row in zip(framings, scores[1:], strict=True):
        top = int(np.argmax(row))
        entries.append(
            SweepEntry(
                name,
                framing,
                float(row[reference_index]),
                top,
                float(row[top]),
                top != reference_index,
            )
        )
    return SweepResult(reference_index, float(scores[0][reference_index]), entries)
