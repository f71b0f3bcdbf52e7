"""Thumbnails of photos side by side, for the Retrain workspace's class table and gallery."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from inception_desktop.core.photo.thumbnails import thumbnail_of


def thumb_strip(paths: list[Path], side: int) -> np.ndarray:
    """Thumbnails of ``paths`` side by side as one RGB array (a grey square for a photo that
    cannot be read: the Data step lists it). Runs on a pool thread."""
    strip = Image.new("RGB", (max(1, len(paths)) * (side + 4), side), (255, 255, 255))
    for n, path in enumerate(paths):
        image = thumbnail_of(path, side) or Image.new("RGB", (side, side), (200, 200, 200))
        strip.paste(image, (n * (side + 4) + (side - image.width) // 2, (side - image.height) // 2))
    return np.asarray(strip)
