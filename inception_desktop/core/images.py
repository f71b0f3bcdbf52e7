"""Loading a picture a person hands us, without ever crashing on it.

Every failure is an :class:`ImageLoadError` whose message names the file and says what is wrong in
words a person can act on. Sizes are checked from the header, before any pixel is decoded, so a
decompression bomb costs nothing. What comes out is always an 8-bit RGB ``PIL.Image`` the right
way up, with transparency composited onto a background.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

log = logging.getLogger(__name__)

#: Formats we decode; anything else Pillow happens to know is refused by name.
SUPPORTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "BMP", "DIB", "GIF", "TIFF", "WEBP"})
#: File name suffixes offered in open dialogs and picked from dropped folders.
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".jpe", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp")

#: 100 megapixels: larger than any camera photo, far smaller than a bomb.
DEFAULT_MAX_PIXELS = 100_000_000
#: Longest side accepted, whatever the pixel count (a 1 x 10^6 strip is no photo either).
MAX_SIDE = 30_000
DEFAULT_BACKGROUND = (255, 255, 255)

# Every image is opened through this module, which checks the header's size against its own limit
# and names the dimensions; Pillow's coarser global check would pre-empt that message.
Image.MAX_IMAGE_PIXELS = None


class ImageLoadError(Exception):
    """A picture could not be loaded; ``reason`` is the short cause, ``source`` the file."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


@dataclass(frozen=True)
class LoadedImage:
    """An RGB image ready for framing.

    ``scale`` is decoded size / original size (below 1 when a large JPEG was decoded at reduced
    size), so a box given in the original's pixels maps onto ``image`` by multiplying by it.
    """

    image: Image.Image
    source: str
    format: str
    original_size: tuple[int, int]
    scale: float = 1.0

    @property
    def size(self) -> tuple[int, int]:
        return self.image.size


def load_image(
    path: str | Path,
    *,
    draft_to: int | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    background: tuple[int, int, int] = DEFAULT_BACKGROUND,
) -> LoadedImage:
    """Load an image file; see the module docstring for the guarantees.

    Args:
        draft_to: when set, a JPEG may be decoded at 1/2, 1/4 or 1/8 size as long as both sides
            stay at least this many pixels (cheap and sharp for a 299-pixel network input).
        max_pixels: refuse images with more pixels than this, before decoding them.
        background: colour that transparent areas are composited onto.
    """
    path = Path(path)
    name = str(path)
    if path.is_dir():
        raise ImageLoadError(name, "is a folder, not an image")
    try:
        with path.open("rb") as stream:
            data = stream.read()
    except FileNotFoundError:
        raise ImageLoadError(name, "no such file") from None
    except PermissionError:
        raise ImageLoadError(name, "cannot read it (permission denied)") from None
    except OSError as exc:
        raise ImageLoadError(name, f"cannot read it ({exc.strerror or exc})") from None
    return load_image_bytes(
        data, name, draft_to=draft_to, max_pixels=max_pixels, background=background
    )


def load_image_bytes(
    data: bytes,
    source: str = "image",
    *,
    draft_to: int | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    background: tuple[int, int, int] = DEFAULT_BACKGROUND,
) -> LoadedImage:
    """Load an image from encoded bytes (a paste, a download); same rules as :func:`load_image`."""
    if not data:
        raise ImageLoadError(source, "empty file, not an image")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except UnidentifiedImageError:
            raise ImageLoadError(
                source, "not an image (or a format that is not supported)"
            ) from None
        except Image.DecompressionBombError as exc:
            raise ImageLoadError(source, f"too large ({exc})") from None
        except (OSError, SyntaxError, ValueError) as exc:
            if "truncated" in str(exc).lower():
                raise ImageLoadError(source, "truncated or damaged image data") from None
            raise ImageLoadError(source, f"damaged image header ({exc})") from None
        fmt = image.format or "unknown"
        if fmt not in SUPPORTED_FORMATS:
            raise ImageLoadError(
                source, f"format not supported ({fmt}); use JPEG, PNG, BMP, GIF, TIFF or WebP"
            )
        width, height = image.size
        if width < 1 or height < 1:
            raise ImageLoadError(source, f"image has no pixels ({width}x{height})")
        if width * height > max_pixels or max(width, height) > MAX_SIDE:
            raise ImageLoadError(source, f"too large: {width}x{height} pixels")
        original_size = (width, height)
        scale = 1.0
        if draft_to and fmt == "JPEG" and image.mode in ("RGB", "L", "CMYK", "YCbCr"):
            image.draft(image.mode, (draft_to, draft_to))
            scale = image.size[0] / width
        try:
            image.seek(0)  # first frame of an animation
            image.load()
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            text = str(exc)
            if "truncated" in text.lower() or "broken" in text or isinstance(exc, EOFError):
                raise ImageLoadError(source, "truncated or damaged image data") from None
            raise ImageLoadError(source, f"cannot decode the image ({text})") from None
        except Image.DecompressionBombError as exc:
            raise ImageLoadError(source, f"too large ({exc})") from None
        rgb = to_rgb(image, background)
    return LoadedImage(rgb, source, fmt, original_size, scale)


def to_rgb(
    image: Image.Image, background: tuple[int, int, int] = DEFAULT_BACKGROUND
) -> Image.Image:
    """The image upright, in 8-bit RGB, with any transparency composited onto ``background``.

    Pillow's own ``convert("RGB")`` clips 16-bit and 32-bit greyscale to white and drops alpha onto
    black; both are handled here by rescaling and by compositing.
    """
    try:
        image = ImageOps.exif_transpose(image) or image
    except Exception as exc:  # a damaged EXIF block must not lose the picture
        log.warning("ignoring unreadable EXIF orientation: %s", exc)
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        image = _high_depth_to_l(image)
        mode = "L"
    if mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif (
        mode in ("LA", "La", "PA", "RGBa")
        or (mode == "L" and "transparency" in image.info)
        or (mode == "RGB" and "transparency" in image.info)
    ):
        image = image.convert("RGBA")
    if image.mode == "RGBA":
        canvas = Image.new("RGB", image.size, background)
        canvas.paste(image, mask=image.getchannel("A"))
        return canvas
    return image.convert("RGB") if image.mode != "RGB" else image


def _high_depth_to_l(image: Image.Image) -> Image.Image:
    """16/32-bit integer or float greyscale → 8-bit, by the range the data can hold."""
    array = np.asarray(image)
    if image.mode == "F":
        top = 1.0 if float(np.nanmax(array, initial=0.0)) <= 1.0 else 255.0
        scaled = np.clip(np.nan_to_num(array) / top * 255.0, 0, 255)
    else:
        top = 255.0 if int(array.max(initial=0)) <= 255 else 65535.0
        scaled = np.clip(array.astype(np.float64) / top * 255.0, 0, 255)
    return Image.fromarray(np.round(scaled).astype(np.uint8), "L")


def list_images(folder: str | Path) -> list[Path]:
    """The image files directly inside ``folder``, sorted by name (hidden files skipped)."""
    folder = Path(folder)
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in IMAGE_SUFFIXES
    )
