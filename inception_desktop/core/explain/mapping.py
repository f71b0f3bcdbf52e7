"""Heat maps from the network's grid to the network input, and from the input onto the photo.

Both steps are plain numpy and use one convention: a pixel's value sits at its centre, and
bilinear sampling is done between centres (what ``tf.image.resize`` and Pillow do), so a map's
cell ``(i, j)`` of an ``n``-cell grid over a ``size`` input is centred at ``(j + 0.5) * size / n``.

The photo step inverts the framing: a framing shows ``source_rect`` of the photo (in its pixels)
in ``content_rect`` of the input, an axis-aligned scale and shift. A photo pixel takes the heat
of the input point it became; pixels the input does not show (outside a crop or a box) get none,
and padding, which is no part of the photo, is never sampled.
"""

from __future__ import annotations

import numpy as np

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1


def normalize(heat: np.ndarray) -> np.ndarray:
    """Negative values to 0, then scaled so the hottest is 1 (an all-zero map stays zero)."""
    heat = np.maximum(np.asarray(heat, np.float32), 0.0)
    peak = float(heat.max()) if heat.size else 0.0
    return heat / peak if peak > 0 else heat


def _axis(positions: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Neighbour indices and weights for sampling ``n`` centres at ``positions`` (index units)."""
    positions = np.clip(positions, 0.0, n - 1.0)
    lo = np.floor(positions).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    return lo, hi, (positions - lo).astype(np.float32)


def sample(grid: np.ndarray, ys: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """Bilinear samples of ``grid`` at every (ys[i], xs[j]) in index units (centre of cell k = k);
    positions past the edge take the edge's value. Returns (len(ys), len(xs)) float32."""
    grid = np.asarray(grid, np.float32)
    y0, y1, fy = _axis(np.asarray(ys, np.float64), grid.shape[0])
    x0, x1, fx = _axis(np.asarray(xs, np.float64), grid.shape[1])
    top, bottom = grid[y0], grid[y1]
    fx_row = fx[None, :]
    upper = top[:, x0] * (1 - fx_row) + top[:, x1] * fx_row
    lower = bottom[:, x0] * (1 - fx_row) + bottom[:, x1] * fx_row
    out: np.ndarray = upper * (1 - fy[:, None]) + lower * fy[:, None]
    return out


def upsample(grid: np.ndarray, height: int, width: int | None = None) -> np.ndarray:
    """``grid`` (h, w) resized bilinearly to (height, width), centres aligned as in
    ``tf.image.resize(..., "bilinear")``."""
    width = height if width is None else width
    h, w = grid.shape
    ys = (np.arange(height) + 0.5) * h / height - 0.5
    xs = (np.arange(width) + 0.5) * w / width - 0.5
    return sample(grid, ys, xs)


def to_photo(
    heat: np.ndarray,
    source_rect: Rect,
    content_rect: Rect,
    photo_size: tuple[int, int],
    visible: Rect | None = None,
    photo_scale: float = 1.0,
) -> np.ndarray:
    """The input-sized ``heat`` mapped onto a photo of ``photo_size`` (width, height).

    Args:
        heat: (H, W) heat at the network input's pixels.
        source_rect: the photo region the input shows, in the framing's pixels (x0, y0, x1, y1).
        content_rect: where that region lies in the input, in input pixels.
        photo_size: the size of the result (width, height), in pixels of the photo to draw on.
        visible: the input region that shows the photo (default: ``content_rect``; padding
            outside it is not the photo). A digit's 28x28 field passes the whole field.
        photo_scale: framing pixels per result pixel (``LoadedImage.scale`` maps an original-size
            result onto a decoded image's rectangles); 1 when they are the same pixels.

    Returns:
        float32 (height, width): each photo pixel's heat; 0 where the input does not show it.
    """
    heat = np.asarray(heat, np.float32)
    width, height = photo_size
    sx0, sy0, sx1, sy1 = source_rect
    cx0, cy0, cx1, cy1 = content_rect
    vx0, vy0, vx1, vy1 = visible if visible is not None else content_rect
    kx = (cx1 - cx0) / (sx1 - sx0)
    ky = (cy1 - cy0) / (sy1 - sy0)
    # photo pixel centre -> framing pixels -> input pixels (continuous coordinates)
    u = cx0 + ((np.arange(width) + 0.5) * photo_scale - sx0) * kx
    v = cy0 + ((np.arange(height) + 0.5) * photo_scale - sy0) * ky
    inside_x = (u >= vx0) & (u < vx1)
    inside_y = (v >= vy0) & (v < vy1)
    out = np.zeros((height, width), np.float32)
    if not inside_x.any() or not inside_y.any():
        return out
    # sample only within the visible part: clamp to its first and last pixel centres
    us = np.clip(u[inside_x], np.floor(vx0) + 0.5, np.ceil(vx1) - 0.5) - 0.5
    vs = np.clip(v[inside_y], np.floor(vy0) + 0.5, np.ceil(vy1) - 0.5) - 0.5
    rows, cols = np.flatnonzero(inside_y), np.flatnonzero(inside_x)
    out[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1] = sample(heat, vs, us)
    return out


def digit_rects(steps: object) -> tuple[Rect, Rect, Rect]:
    """(source, content, visible) for a digit's :class:`~.digit.normalize.DigitSteps`:
    the ink's box in the drawing became ``fitted`` at ``offset`` in the field; the whole field
    (black margin included) shows the drawing, so all of it may carry heat."""
    x0, y0, x1, y1 = steps.box  # type: ignore[attr-defined]
    fit_h, fit_w = steps.fitted.shape  # type: ignore[attr-defined]
    ox, oy = steps.offset  # type: ignore[attr-defined]
    side_h, side_w = steps.input.shape[:2]  # type: ignore[attr-defined]
    source = (float(x0), float(y0), float(x1), float(y1))
    content = (float(ox), float(oy), float(ox + fit_w), float(oy + fit_h))
    return source, content, (0.0, 0.0, float(side_w), float(side_h))
