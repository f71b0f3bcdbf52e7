"""Heat as pictures: 8-bit grey maps and a colour scale blended over the photo.

The colour scale is a short list of anchors interpolated in RGB (dark blue → cyan → yellow → red),
so no plotting library is needed; cold areas are left almost transparent so the photo shows.
"""

from __future__ import annotations

import numpy as np

#: (position, RGB) anchors of the colour scale, from cold (0) to hot (1).
ANCHORS = (
    (0.0, (0, 0, 96)),
    (0.25, (0, 64, 255)),
    (0.5, (0, 220, 220)),
    (0.75, (255, 230, 0)),
    (1.0, (230, 0, 0)),
)
#: Opacity of the colour at the hottest point, and its floor at the coldest.
MAX_ALPHA, MIN_ALPHA = 0.65, 0.15


def to_uint8(heat: np.ndarray) -> np.ndarray:
    """A [0, 1] map as 8-bit grey, 255 = hottest."""
    return np.round(np.clip(np.asarray(heat, np.float32), 0.0, 1.0) * 255).astype(np.uint8)


def colorize(heat: np.ndarray) -> np.ndarray:
    """(H, W) heat in [0, 1] → (H, W, 3) uint8 colours of the scale."""
    heat = np.clip(np.asarray(heat, np.float32), 0.0, 1.0)
    positions = np.array([p for p, _ in ANCHORS], np.float32)
    colours = np.array([c for _, c in ANCHORS], np.float32)
    channels = [np.interp(heat, positions, colours[:, k]) for k in range(3)]
    return np.round(np.stack(channels, axis=-1)).astype(np.uint8)


def overlay(photo: np.ndarray, heat: np.ndarray) -> np.ndarray:
    """The colour scale over ``photo`` (H, W, 3 uint8), more opaque where hotter."""
    photo = np.asarray(photo, np.float32)
    if photo.ndim == 2:
        photo = np.repeat(photo[..., None], 3, axis=-1)
    heat = np.clip(np.asarray(heat, np.float32), 0.0, 1.0)
    alpha = (MIN_ALPHA + (MAX_ALPHA - MIN_ALPHA) * heat)[..., None]
    blended = photo * (1 - alpha) + colorize(heat).astype(np.float32) * alpha
    return np.round(blended).astype(np.uint8)
