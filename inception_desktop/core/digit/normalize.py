"""Turning a drawing into what an MNIST digit looks like, the way MNIST itself was made.

Shrinking a whole canvas to 28x28 fails as soon as a person draws small, large or off-centre.
MNIST's own recipe does not: take the ink's bounding box, scale it to fit a 20x20 box keeping its
aspect ratio (with an anti-aliasing filter), and place it in a 28x28 field so that its centre of
mass sits at the centre. Each step is returned, so the window can show why a digit was (or was
not) recognised.

One step is added to MNIST's: ink written with a pen much thicker than MNIST's for the digit's
size is first thinned, or its loops fill in at 20x20 and a 3 reads as an 8; ink much thinner
(a fine pen, scanned) is thickened (:func:`.strokes.restroke`). Ordinary handwriting (MNIST's
1st to 99th percentile of stroke width) is left as it is: on MNIST validation 2% of the digits
are re-stroked, for 99.72% read instead of 99.74%, while a fine pen's scans go from 78% to 97%
(``benchmarks/digit_pens.py --distort``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from inception_desktop.core.digit import contract, strokes

FIELD = contract.SIDE
FIT = 20
#: Centre of mass of MNIST's training digits, in pixel-index coordinates (measured: 14.00, 14.01).
CENTRE = (14.0, 14.0)
#: Ink below this fraction of the strongest ink does not count towards the bounding box.
INK_THRESHOLD = 0.1
#: A canvas whose strongest ink is below this (of full contrast) is empty.
EMPTY_THRESHOLD = 0.08


@dataclass(frozen=True)
class DigitSteps:
    """The preprocessing of one drawing.

    Attributes:
        ink: float32 (H, W) ink intensity in [0, 1] (1 = full ink), same size as the input.
        box: the ink's bounding box in input pixels (x0, y0, x1, y1), exclusive end.
        fitted: float32 (h, w) the ink scaled into the 20x20 box (one side is exactly 20).
        offset: where ``fitted``'s top-left landed in the 28x28 field (x, y), after the shift.
        shift: the centre-of-mass correction applied, in field pixels (dx, dy).
        input: uint8 (28, 28): the network input, ink bright on black like MNIST.
        stroke: the ink's stroke width / its box's longer side, as fitted (after any thinning).
        restroked_from: the stroke ratio before the ink was thinned or thickened, or None when
            it was left as it is.
        restroked: float32 the thinned or thickened ink box (at :data:`.strokes.WORK_SIDE`), or
            None.
    """

    ink: np.ndarray
    box: tuple[int, int, int, int]
    fitted: np.ndarray
    offset: tuple[int, int]
    shift: tuple[int, int]
    input: np.ndarray
    stroke: float = 0.0
    restroked_from: float | None = None
    restroked: np.ndarray | None = None


def ink_of(image: np.ndarray | Image.Image) -> np.ndarray:
    """Ink intensity in [0, 1] for any drawing: dark on light, light on dark, or on transparency.

    With an alpha channel that is not fully opaque, alpha is the ink (a transparent canvas).
    Otherwise the background is the median of the border pixels, and ink is the distance from it
    towards the opposite extreme.
    """
    if isinstance(image, Image.Image):
        if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
            image = image.convert("RGBA")
        elif image.mode != "L":
            image = image.convert("L")
        image = np.asarray(image)
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] == 4:
        alpha = array[..., 3].astype(np.float32) / 255.0
        if alpha.min() < 1.0:
            return alpha
        array = array[..., :3]
    if array.ndim == 3:
        array = array[..., :3].astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    if array.ndim != 2:
        raise ValueError(f"expected a (H, W), (H, W, 3) or (H, W, 4) image, got {array.shape}")
    grey = array.astype(np.float32)
    if grey.max(initial=0) > 1.0 or array.dtype == np.uint8:
        grey = grey / 255.0
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    background = float(np.median(border))
    if background > 0.5:  # dark ink on light paper
        ink = (background - grey) / max(background, 1e-6)
    else:
        ink = (grey - background) / max(1.0 - background, 1e-6)
    clipped: np.ndarray = np.clip(ink, 0.0, 1.0).astype(np.float32)
    return clipped


def normalize_digit(image: np.ndarray | Image.Image, restroke: bool = True) -> DigitSteps | None:
    """MNIST-style 28x28 input for a drawing, or None for an empty canvas (no guess).

    ``restroke``: thin strokes thicker than :data:`.strokes.THIN_ABOVE` of the digit's size,
    and thicken those thinner than :data:`.strokes.THICKEN_BELOW`.
    """
    ink = ink_of(image)
    peak = float(ink.max(initial=0.0))
    if peak < EMPTY_THRESHOLD:
        return None
    rows = np.flatnonzero((ink >= INK_THRESHOLD * peak).any(axis=1))
    cols = np.flatnonzero((ink >= INK_THRESHOLD * peak).any(axis=0))
    y0, y1, x0, x1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    crop = ink[y0:y1, x0:x1] / peak
    stroke = strokes.stroke_ratio(crop)
    restroked_from: float | None = None
    restroked: np.ndarray | None = None
    if restroke and not strokes.THICKEN_BELOW <= stroke <= strokes.THIN_ABOVE:
        restroked, restroked_from = strokes.restroke(crop)
        crop = restroked
        stroke = strokes.stroke_ratio(restroked)
    h, w = crop.shape
    scale = FIT / max(h, w)
    fit_w, fit_h = max(1, round(w * scale)), max(1, round(h * scale))
    fitted = np.asarray(
        Image.fromarray(crop.astype(np.float32), "F").resize(
            (fit_w, fit_h), Image.Resampling.LANCZOS, reducing_gap=None
        ),
        dtype=np.float32,
    )
    fitted = np.clip(fitted, 0.0, None)
    top = float(fitted.max(initial=0.0))
    if top > 0:
        fitted = np.clip(fitted / top, 0.0, 1.0)  # thin strokes fade when shrunk: restore contrast
    field, offset, shift = _centre(fitted)
    return DigitSteps(
        ink=ink,
        box=(x0, y0, x1, y1),
        fitted=fitted,
        offset=offset,
        shift=shift,
        input=np.round(field * 255.0).astype(np.uint8),
        stroke=stroke,
        restroked_from=restroked_from,
        restroked=restroked,
    )


def _centre(fitted: np.ndarray) -> tuple[np.ndarray, tuple[int, int], tuple[int, int]]:
    """Place ``fitted`` in the 28x28 field with its centre of mass at :data:`CENTRE`."""
    fit_h, fit_w = fitted.shape
    left, top = (FIELD - fit_w) // 2, (FIELD - fit_h) // 2
    total = float(fitted.sum())
    ys, xs = np.mgrid[0:fit_h, 0:fit_w]
    com_x = left + float((fitted * xs).sum()) / total
    com_y = top + float((fitted * ys).sum()) / total
    dx, dy = round(CENTRE[0] - com_x), round(CENTRE[1] - com_y)
    # Keep the digit inside the field: the shift may move it only as far as the margins allow.
    dx = int(np.clip(dx, -left, FIELD - fit_w - left))
    dy = int(np.clip(dy, -top, FIELD - fit_h - top))
    field = np.zeros((FIELD, FIELD), np.float32)
    x, y = left + dx, top + dy
    field[y : y + fit_h, x : x + fit_w] = fitted
    return field, (x, y), (dx, dy)
