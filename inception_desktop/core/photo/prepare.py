"""One way from a photo file to the network input, for the window and the command line alike.

Both decode with the same JPEG draft size and frame with the same function, so the same photo and
framing give the same pixels wherever they are classified (a test holds the window's and the
CLI's inputs equal). A crop box is always given in the original photo's pixels, as a person reads
them and as ``--box`` takes them; it is mapped onto the decoded image here.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from inception_desktop.core.photo.framing import FramedInput, Framing, frame
from inception_desktop.core.photo.images import LoadedImage, load_image

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
