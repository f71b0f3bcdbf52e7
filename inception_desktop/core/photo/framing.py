"""Turning a photo into the exact square network input, four ways, for crop-and-pad experiments.

* ``squash`` — the whole region resized to the square, distorting its aspect ratio;
* ``crop`` — the largest centred square of the region, resized;
* ``pad`` — the region padded to a square with a colour, resized (no pixel lost, none distorted);
* a ``box`` (a rectangle in image pixels) first restricts the region, then one of the above applies.

The result carries its geometry so that a window can draw on the photo which pixels the network
sees and where the padding is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

from inception_desktop.core.errors import InceptionDesktopError
from inception_desktop.core.photo.framing_modes import DEFAULT_MODE as DEFAULT_MODE  # re-exported
from inception_desktop.core.photo.framing_modes import MODES as MODES  # re-exported

#: Mid grey becomes exactly 0 after Inception's [-1, 1] scaling: padding that says nothing.
DEFAULT_PAD_COLOR = (128, 128, 128)
RESAMPLE = Image.Resampling.LANCZOS
#: Shrink by an integer factor first (box filter) while the image stays at least this many times
#: the target, then Lanczos. Measured on a 1600x1200 photo to 299x299: 28 -> 9 ms, mean pixel
#: difference 0.07 of 255 (tests/test_framing.py holds it under 1).
REDUCING_GAP: float | None = 2.0

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1


class FramingError(InceptionDesktopError, ValueError):
    """A framing request that cannot be met (unknown mode, a box outside the image)."""


@dataclass(frozen=True)
class Box:
    """A rectangle in image pixels: left, top, width, height; every value a finite number.

    Checked here, where every box is made, because ``float()`` accepts ``nan`` and ``inf``: a
    NaN compares false with everything, so clipping let ``nan,0,100,100`` crop a strip and
    ``nan,nan,nan,nan`` frame the whole photo, recorded with a box it never had.
    """

    x: float
    y: float
    w: float
    h: float

    def __post_init__(self) -> None:
        values = (self.x, self.y, self.w, self.h)
        if not all(math.isfinite(v) for v in values):
            shown = ",".join(f"{v:g}" for v in values)
            raise FramingError(f"a box takes finite numbers of pixels, got {shown}")

    @classmethod
    def parse(cls, text: str) -> Box:
        """``"X,Y,W,H"`` → Box, with an error that repeats what was received."""
        parts = text.replace(" ", "").split(",")
        try:
            x, y, w, h = (float(p) for p in parts)
        except ValueError:
            raise FramingError(f"a box is X,Y,W,H in pixels, got {text!r}") from None
        if not all(math.isfinite(v) for v in (x, y, w, h)):
            raise FramingError(
                f"a box takes finite numbers of pixels (no nan or inf), got {text!r}"
            )
        return cls(x, y, w, h)

    def scaled(self, factor: float) -> Box:
        return Box(self.x * factor, self.y * factor, self.w * factor, self.h * factor)


@dataclass(frozen=True)
class Framing:
    """How to frame an image: a mode, an optional box, and the colour of any padding."""

    mode: str = DEFAULT_MODE
    box: Box | None = None
    pad_color: tuple[int, int, int] = DEFAULT_PAD_COLOR

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise FramingError(f"framing must be one of {', '.join(MODES)}, got {self.mode!r}")


@dataclass(frozen=True)
class FramedInput:
    """The network input and where it came from.

    Attributes:
        array: uint8 (size, size, 3), exactly the pixels the network receives.
        source_rect: the rectangle of the source image that the input shows (x0, y0, x1, y1);
            with ``pad`` it is the whole region, with ``crop`` the centred square.
        content_rect: where in ``array`` the image lies (the rest is padding), in input pixels.
    """

    array: np.ndarray
    framing: Framing
    source_rect: Rect
    content_rect: Rect


def region_of(size: tuple[int, int], box: Box | None) -> Rect:
    """The part of an image of ``size`` that ``box`` selects, clipped to the image."""
    width, height = size
    if box is None:
        return (0.0, 0.0, float(width), float(height))
    if box.w <= 0 or box.h <= 0:
        raise FramingError(f"box width and height must be positive, got {box.w:g}x{box.h:g}")
    x0, y0 = max(0.0, box.x), max(0.0, box.y)
    x1, y1 = min(float(width), box.x + box.w), min(float(height), box.y + box.h)
    if x1 - x0 < 1 or y1 - y0 < 1:
        raise FramingError(
            f"box {box.x:g},{box.y:g},{box.w:g},{box.h:g} lies outside the {width}x{height} image"
        )
    return (x0, y0, x1, y1)


def frame(image: Image.Image, size: int, framing: Framing = Framing()) -> FramedInput:
    """The exact ``size`` x ``size`` network input for ``image`` under ``framing``."""
    if image.mode != "RGB":
        image = image.convert("RGB")
    x0, y0, x1, y1 = region_of(image.size, framing.box)
    w, h = x1 - x0, y1 - y0
    full: Rect = (0.0, 0.0, float(size), float(size))
    if framing.mode == "squash":
        source = (x0, y0, x1, y1)
        out = image.resize((size, size), RESAMPLE, box=source, reducing_gap=REDUCING_GAP)
        return FramedInput(np.asarray(out), framing, source, full)
    if framing.mode == "crop":
        side = min(w, h)
        cx, cy = x0 + w / 2, y0 + h / 2
        source = (cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2)
        out = image.resize((size, size), RESAMPLE, box=source, reducing_gap=REDUCING_GAP)
        return FramedInput(np.asarray(out), framing, source, full)
    # pad
    side = max(w, h)
    content_w = max(1, round(w * size / side))
    content_h = max(1, round(h * size / side))
    content = image.resize(
        (content_w, content_h), RESAMPLE, box=(x0, y0, x1, y1), reducing_gap=REDUCING_GAP
    )
    canvas = Image.new("RGB", (size, size), tuple(framing.pad_color))
    left, top = (size - content_w) // 2, (size - content_h) // 2
    canvas.paste(content, (left, top))
    return FramedInput(
        np.asarray(canvas),
        framing,
        (x0, y0, x1, y1),
        (float(left), float(top), float(left + content_w), float(top + content_h)),
    )


def parse_color(text: str) -> tuple[int, int, int]:
    """A colour from a name (``black``, ``grey``…), ``#rrggbb`` or ``R,G,B``."""
    from PIL import ImageColor

    text = text.strip()
    if "," in text:
        parts = text.split(",")
        try:
            values = tuple(int(p) for p in parts)
        except ValueError:
            values = ()
        if len(values) == 3 and all(0 <= v <= 255 for v in values):
            return values
        raise FramingError(f"a colour as R,G,B takes three numbers 0-255, got {text!r}")
    try:
        rgb = ImageColor.getrgb(text)
    except ValueError:
        raise FramingError(f"unknown colour {text!r}; use a name, #rrggbb or R,G,B") from None
    return (rgb[0], rgb[1], rgb[2])
