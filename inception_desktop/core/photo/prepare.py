"""One way from a photo file to the network input, for the window and the command line alike.

The network input is framed from :func:`decode_for_network`. Without a crop box, a JPEG is
decoded in the DCT domain at 1/2, 1/4 or 1/8 size while the sides the framing keeps stay at least
the input's 299 pixels: both sides for crop and squash, the longer one for pad, which fits the
whole photo inside the square. A 1600x1200 photo costs a quarter of a full decode, a 640x480 one
padded a third: what lets a folder go at the network's rate, int8's included. With a box, the
decode is the one the window shows (:data:`PHOTO_DRAFT`), so a box of a third of the photo still
has its 299 pixels. The window (:func:`network_input_for`) and the CLI (:func:`photo_input`)
both go through it, so the same photo and framing give the same pixels wherever they are
classified (a test holds them equal, with and without a box). A crop box is always in the
original photo's pixels, as a person reads them and as ``--box`` takes them.
"""

from __future__ import annotations

import os
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from inception_desktop.core.photo.framing import FramedInput, Framing, frame
from inception_desktop.core.photo.framing_modes import PAD
from inception_desktop.core.photo.images import ImageLoadError, LoadedImage, load_image

#: JPEGs are decoded at 1/2, 1/4 or 1/8 size while both sides stay at least this many pixels:
#: sharp enough for a 299-pixel input cut from a third of the photo, and for the window to show.
PHOTO_DRAFT = 1024


def load_photo(path: str | Path) -> LoadedImage:
    """Decode a photo as every photo path of the app does (see :data:`PHOTO_DRAFT`)."""
    return load_image(path, draft_to=PHOTO_DRAFT)


def network_input(loaded: LoadedImage, framing: Framing, size: int) -> FramedInput:
    """The exact ``size`` x ``size`` input for ``loaded`` under ``framing``.

    ``framing.box`` is in the original photo's pixels; the result's rectangles are in the decoded
    image's pixels (what a view draws over).
    """
    if framing.box is not None and loaded.scale != 1.0:
        framing = replace(framing, box=framing.box.scaled(loaded.scale))
    return frame(loaded.image, size, framing)


def decode_for_network(path: str | Path, framing: Framing, size: int) -> LoadedImage:
    """The decode a ``size`` network input under ``framing`` is made from (module docstring)."""
    if framing.box is not None:
        return load_image(path, draft_to=PHOTO_DRAFT)
    return load_image(path, draft_to=size, draft_fit=framing.mode == PAD)


def photo_input(path: str | Path, framing: Framing, size: int) -> FramedInput:
    """The network input for the photo file at ``path``: what ``classify`` sends the network."""
    return network_input(decode_for_network(path, framing, size), framing, size)


def network_input_for(
    shown: LoadedImage, path: str | None, framing: Framing, size: int
) -> FramedInput:
    """The window's network input for a photo it shows (``shown``, decoded at
    :data:`PHOTO_DRAFT`): from the file's network decode when the photo came from a file and
    that decode differs (a JPEG without a box), else from ``shown``; the same pixels as
    :func:`photo_input`. A file that cannot be read again falls back to ``shown``."""
    if path is not None and framing.box is None and shown.format in ("JPEG", "MPO"):
        try:
            mtime = os.stat(path).st_mtime_ns
            decoded = _network_decode(path, mtime, size, framing.mode == PAD)
        except (OSError, ImageLoadError):
            return network_input(shown, framing, size)
        framed = network_input(decoded, framing, size)
        factor = shown.scale / decoded.scale  # the view draws over ``shown``
        x0, y0, x1, y1 = framed.source_rect
        return replace(framed, source_rect=(x0 * factor, y0 * factor, x1 * factor, y1 * factor))
    return network_input(shown, framing, size)


@lru_cache(maxsize=4)
def _network_decode(path: str, mtime_ns: int, size: int, fit: bool) -> LoadedImage:
    """Framing changes re-use the last few decodes (a few hundred KB each); a changed file
    (another mtime) is decoded again. ``fit``: pad framing's decode (see the module)."""
    return load_image(path, draft_to=size, draft_fit=fit)
