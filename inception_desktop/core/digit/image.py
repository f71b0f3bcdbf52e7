"""A digit read from an image — a file, a paste, a camera frame — by one rule, for every front end.

A digit image is ink on paper, in any colours. Transparency is paper: where an image has any, its
alpha *is* the ink (:func:`.normalize.ink_of`), so a black digit and a white digit on a
transparent canvas read the same, and neither vanishes into a background chosen for the other.
Opaque images are read as drawn: the border's colour is the paper. The image is first brought to
at most :data:`READ_SIDE` pixels (ample for a 20x20 fit; a 24-megapixel scan would otherwise cost
seconds), then normalised as MNIST was made (:func:`.normalize.normalize_digit`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from inception_desktop.core.digit.normalize import DigitSteps, ink_of, normalize_digit
from inception_desktop.core.photo.images import load_image, to_rgb

#: Longest side a digit image is read at.
READ_SIDE = 512


@dataclass(frozen=True)
class DigitImage:
    """A digit image's reading: ``steps`` (None: no ink, the image looks blank) and ``picture``,
    the ink as dark on white, grey uint8 of at most :data:`READ_SIDE` (what the window shows)."""

    steps: DigitSteps | None
    picture: np.ndarray = field(repr=False)


def read_digit_file(path: str | Path) -> DigitImage:
    """Load ``path`` safely (see :func:`~inception_desktop.core.photo.images.load_image`), keeping
    its transparency, and read it as a digit."""
    return read_digit(load_image(path, draft_to=READ_SIDE, background=None).image)


def read_digit(image: Image.Image | np.ndarray) -> DigitImage:
    """Read a decoded image (PIL, or a uint8 grey, RGB or RGBA array) as a digit."""
    if isinstance(image, np.ndarray):
        image = Image.fromarray(np.ascontiguousarray(image))
    image = to_rgb(image, background=None)  # upright, 8-bit; RGBA where there is transparency
    image.thumbnail((READ_SIDE, READ_SIDE), Image.Resampling.LANCZOS)
    array = np.asarray(image)
    ink = ink_of(array)
    steps = normalize_digit(array)
    picture = np.round(255.0 - ink * 255.0).astype(np.uint8) if image.mode == "RGBA" else (
        np.asarray(image.convert("L"), dtype=np.uint8).copy()
    )  # fmt: skip
    return DigitImage(steps, picture)
