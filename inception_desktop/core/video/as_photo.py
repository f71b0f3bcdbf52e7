"""A video frame as a photo: the same framing, the same network input, wherever it is classified.

A frame is an RGB picture at its full size (``scale`` 1): a crop box is in the frame's pixels,
as ``--box`` takes it for a photo. ``classify VIDEO`` and the window's Camera source both frame a
frame through :func:`loaded_frame` and :func:`~inception_desktop.core.photo.prepare.network_input`,
so a frame and the same picture saved as a PNG give the same pixels (a test holds them equal).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from inception_desktop.core.photo.framing import FramedInput, Framing
from inception_desktop.core.photo.images import LoadedImage
from inception_desktop.core.photo.prepare import network_input

#: What a frame's ``LoadedImage.format`` says (the window's title shows it).
FRAME_FORMAT = "video frame"


def loaded_frame(image: np.ndarray, source: str) -> LoadedImage:
    """``image`` (uint8 (H, W, 3) RGB) as a loaded photo named ``source``."""
    picture = Image.fromarray(np.ascontiguousarray(image, dtype=np.uint8), "RGB")
    return LoadedImage(picture, source, FRAME_FORMAT, picture.size)


def frame_input(image: np.ndarray, source: str, framing: Framing, size: int) -> FramedInput:
    """The ``size`` x ``size`` network input for a frame, framed exactly as a photo is."""
    return network_input(loaded_frame(image, source), framing, size)
