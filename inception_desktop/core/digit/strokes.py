"""Stroke width: measure it, and bring a drawing's strokes to MNIST's width for its size.

MNIST's digits are written with a pen about 1/8 of the digit's height (about 2.5 px in the 20x20
box). A person drawing with a 60 px pen on a 180 px digit writes with 1/3: shrunk to 20x20, the
loops of a 3 or a 5 fill in and the net reads an 8. The canvas knows its strokes, so it re-draws
them at MNIST's relative width (:func:`mnist_pen`, :func:`render_strokes`); an image has no
strokes, so its ink is eroded or dilated towards that width instead (:func:`restroke`). Both
need the width of ink in an image, which :func:`stroke_ratio` measures.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
from PIL import Image, ImageDraw

#: A stroke: the pen width and the pen's path (at least one point), in canvas pixels.
Stroke = tuple[float, Sequence[tuple[float, float]]]

#: Stroke width / the ink box's longer side on MNIST's validation images (the last 5,000 of the
#: training split), measured with :func:`stroke_ratio` by ``benchmarks/digit_pens.py --measure``:
#: median 0.112, 10th-90th percentile 0.083-0.153. Drawings are re-drawn at the median.
MNIST_RATIO: Final = 0.112
#: Above this ratio an image's ink is thinned: MNIST's 99th percentile (0.21), so ordinary
#: handwriting is left exactly as it is.
THIN_ABOVE: Final = 0.21
#: Below this ratio it is thickened: MNIST's 1st percentile (0.065). A fine pen scanned at a
#: high resolution writes about 0.04, where the shipped model reads only 78% (``--distort``).
THICKEN_BELOW: Final = 0.065
#: The resolution (longer side, pixels) at which widths are measured and ink re-stroked: large
#: enough for a 1/8 stroke to span several pixels, small enough to be cheap for any image.
WORK_SIDE: Final = 80
#: Supersampling of :func:`render_strokes` (PIL draws without anti-aliasing).
SUPERSAMPLE: Final = 4


def _erode(mask: np.ndarray, diagonal: bool) -> np.ndarray:
    """Binary erosion by the 4-neighbourhood (or the 8-neighbourhood with ``diagonal``)."""
    padded = np.pad(mask, 1)
    out = mask.copy()
    h, w = mask.shape
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if (dx or dy) and (diagonal or not (dx and dy)):
                out &= padded[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]
    return out


def _resize(ink: np.ndarray, side: int) -> np.ndarray:
    """``ink`` (float, [0, 1]) scaled so that its longer side is ``side``."""
    h, w = ink.shape
    scale = side / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    image = Image.fromarray(ink.astype(np.float32), "F").resize(size, Image.Resampling.BILINEAR)
    return np.asarray(image, dtype=np.float32)


def stroke_ratio(crop: np.ndarray) -> float:
    """The ink's stroke width relative to its box's longer side, for a crop to the ink box.

    Width = 2 x area / boundary length (a stroke of width w and length L has area wL and two
    edges of length L), measured at :data:`WORK_SIDE` so that it does not depend on the
    resolution; the boundary is the mean of the 4- and 8-neighbour boundary pixel counts, which
    under- and over-count diagonal edges by about the same factor. 0 for no ink.
    """
    if crop.size == 0:
        return 0.0
    mask = _resize(crop, WORK_SIDE) >= 0.5
    area = int(mask.sum())
    if area == 0:
        return 0.0
    boundary = area - (int(_erode(mask, False).sum()) + int(_erode(mask, True).sum())) / 2
    return 2.0 * area / max(boundary, 1.0) / WORK_SIDE


def restroke(crop: np.ndarray, target: float = MNIST_RATIO) -> tuple[np.ndarray, float]:
    """``crop`` (ink in [0, 1], cropped to its box) eroded or dilated towards a stroke ratio of
    ``target``: a thick marker thinned, a fine pen's scan thickened.

    Returns the new ink at :data:`WORK_SIDE` (cropped again to its ink) and the ratio it
    started from. A grey-level minimum (or maximum) filter, alternating the square and the cross
    so that it grows about round, removes (or adds) the same width on every stroke; erosion stops
    short of removing the last of the ink (a part thinner than the rest can vanish).
    """
    before = stroke_ratio(crop)
    work = _resize(crop, WORK_SIDE)
    steps = round((before - target) * WORK_SIDE / 2)
    if steps < 0:
        work = np.pad(work, -steps)  # room to grow
    extreme = np.minimum if steps > 0 else np.maximum
    for i in range(abs(steps)):
        padded = np.pad(work, 1)
        h, w = work.shape
        out = work.copy()
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                if (dx or dy) and (i % 2 == 0 or not (dx and dy)):
                    extreme(out, padded[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w], out=out)
        if float(out.max(initial=0.0)) < 0.5:
            break
        work = out
    rows = np.flatnonzero((work >= 0.1).any(axis=1))
    cols = np.flatnonzero((work >= 0.1).any(axis=0))
    if rows.size and cols.size:
        work = work[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    return work, before


def mnist_pen(strokes: Sequence[Stroke], ratio: float = MNIST_RATIO) -> float | None:
    """The pen width that gives ``strokes`` MNIST's stroke ratio, or None to keep them as drawn.

    The ink box is the path's box grown by half the pen on each side, so for a path extent S the
    pen p = ratio x (S + p), i.e. p = ratio x S / (1 - ratio). None when the path is shorter
    than half the pen it was drawn with: a tap or a dot, which no pen makes into a digit.
    """
    points = np.array([p for _, path in strokes for p in path], dtype=np.float64).reshape(-1, 2)
    if points.size == 0:
        return None
    extent = float((points.max(axis=0) - points.min(axis=0)).max())
    drawn = max(width for width, _ in strokes)
    if extent < 0.5 * drawn:
        return None
    return ratio * extent / (1.0 - ratio)


def render_strokes(
    strokes: Sequence[Stroke], size: tuple[int, int], width: float | None = None
) -> np.ndarray:
    """``strokes`` drawn with round caps and joins, anti-aliased: uint8 (H, W), dark on white.

    ``width`` replaces every stroke's own pen width (None: as drawn).
    """
    s = SUPERSAMPLE
    w, h = size
    image = Image.new("L", (w * s, h * s), 255)
    draw = ImageDraw.Draw(image)
    for pen, path in strokes:
        radius = (pen if width is None else width) * s / 2
        points = [(x * s, y * s) for x, y in path]
        if len(points) > 1:
            draw.line(points, fill=0, width=max(1, round(2 * radius)))
        for x, y in points:  # round caps and joins (PIL's own joins leave seams)
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=0)
    small = image.resize((w, h), Image.Resampling.BOX)
    return np.asarray(small, dtype=np.uint8).copy()
