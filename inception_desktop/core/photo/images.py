"""Loading a picture a person hands us, without ever crashing on it.

Every failure is an :class:`ImageLoadError` whose message names the file and says what is wrong in
words a person can act on; no other exception type leaves :func:`load_image` or
:func:`load_image_bytes`. The rules, each against a file someone was sent:

* only regular files are read, and only up to :data:`MAX_FILE_BYTES` (a named pipe, ``/dev/zero``
  or a sparse 8 GB file is refused from ``stat`` alone, see :mod:`.regular_files`);
* only the supported formats are parsed at all (``Image.open(..., formats=...)``): a crafted WMF
  or PCX named ``.jpg`` is named and refused without running its plugin;
* sizes are checked from the header before any pixel is decoded, ours with a clear message
  (PNG, GIF and WebP are read before Pillow even opens them, because Pillow allocates a GIF's
  disposal canvas and a WebP's animation canvas while opening) and Pillow's own
  decompression-bomb check stays on behind it;
* frames are counted cheaply (GIF blocks and TIFF pages walked without decoding, capped), and an
  animation holding more than :data:`MAX_FRAMES` frames or :data:`ANIMATION_BUDGET` full-size
  images' worth of pixels is refused;
* running out of memory is an error like any other.

What comes out is always an 8-bit RGB ``PIL.Image`` the right way up (the first frame of an
animation), with transparency composited onto a background.
"""

from __future__ import annotations

import io
import logging
import re
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from inception_desktop.core.errors import InceptionDesktopError
from inception_desktop.core.store.regular_files import (
    UnreadableFileError,
    read_regular_file,
    size_text,
)

log = logging.getLogger(__name__)

#: Formats we decode; anything else Pillow happens to know is refused by name.
SUPPORTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "BMP", "DIB", "GIF", "TIFF", "WEBP"})
#: The plugins Pillow may try, commonest first; no other plugin ever parses a file. (MPO has no
#: opener of its own: the JPEG one returns an MPO image for a multi-picture file.)
OPEN_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP", "DIB")
#: File name suffixes offered in open dialogs and picked from dropped folders.
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".jpe", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp")

#: 100 megapixels: larger than any camera photo, far smaller than a bomb.
DEFAULT_MAX_PIXELS = 100_000_000
#: Longest side accepted, whatever the pixel count (a 1 x 10^6 strip is no photo either).
MAX_SIDE = 30_000
#: Largest file read (256 MB): several times any camera's largest JPEG or TIFF.
MAX_FILE_BYTES = 256_000_000
#: Most frames (or TIFF pages) in one file: 400 s of animation at 25 frames per second.
MAX_FRAMES = 10_000
#: An animation may hold at most this many full-size (``max_pixels``) images' worth of pixels.
ANIMATION_BUDGET = 10
DEFAULT_BACKGROUND = (255, 255, 255)

#: What Pillow raises for a damaged file; anything else is unexpected: still an ImageLoadError,
#: but one that keeps the original as its ``__cause__`` (and logs its trace at debug level).
_DAMAGE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error)


class ImageLoadError(InceptionDesktopError):
    """A picture could not be loaded; ``reason`` is the short cause, ``source`` the file."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}", reason)
        self.source = source


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
    draft_fit: bool = False,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    background: tuple[int, int, int] | None = DEFAULT_BACKGROUND,
    max_bytes: int = MAX_FILE_BYTES,
) -> LoadedImage:
    """Load an image file; see the module docstring for the guarantees.

    Args:
        draft_to: when set, a JPEG may be decoded at 1/2, 1/4 or 1/8 size as long as both sides
            stay at least this many pixels (cheap and sharp for a 299-pixel network input).
        draft_fit: ``draft_to`` binds the longer side only: for an image that will be fitted
            inside a ``draft_to`` square (pad framing), whose shorter side shrinks with it.
        max_pixels: refuse images with more pixels than this, before decoding them.
        background: colour that transparent areas are composited onto (None: the image keeps
            its transparency, as RGBA).
        max_bytes: refuse files larger than this, before reading them.
    """
    name = str(path)
    try:
        data = read_regular_file(path, max_bytes)
    except UnreadableFileError as exc:
        reason = "is a folder, not an image" if exc.reason.startswith("is a folder") else exc.reason
        raise ImageLoadError(name, reason) from None
    except MemoryError:
        raise ImageLoadError(name, "not enough memory to read it") from None
    return load_image_bytes(
        data,
        name,
        draft_to=draft_to,
        draft_fit=draft_fit,
        max_pixels=max_pixels,
        background=background,
        max_bytes=max_bytes,
    )


def load_image_bytes(
    data: bytes,
    source: str = "image",
    *,
    draft_to: int | None = None,
    draft_fit: bool = False,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    background: tuple[int, int, int] | None = DEFAULT_BACKGROUND,
    max_bytes: int = MAX_FILE_BYTES,
) -> LoadedImage:
    """Load an image from encoded bytes (a paste, a download); same rules as :func:`load_image`."""
    if not data:
        raise ImageLoadError(source, "empty file, not an image")
    if len(data) > max_bytes:
        raise ImageLoadError(
            source, f"too large: {size_text(len(data))}, the limit is {size_text(max_bytes)}"
        )
    try:
        with warnings.catch_warnings():
            # Pillow warns from 89.5 megapixels; our own limit, checked first, is the one we name.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return _decode(data, source, draft_to, max_pixels, background, draft_fit)
    except ImageLoadError:
        raise
    except MemoryError:
        raise ImageLoadError(source, "not enough memory to decode it") from None
    except Image.DecompressionBombError as exc:
        raise ImageLoadError(source, _bomb_reason(exc)) from None
    except _DAMAGE_ERRORS as exc:
        text = str(exc)
        if "truncated" in text.lower() or "broken" in text or isinstance(exc, EOFError):
            raise ImageLoadError(source, "truncated or damaged image data") from None
        raise ImageLoadError(
            source, f"cannot decode the image ({text or type(exc).__name__})"
        ) from None
    except Exception as exc:  # a decoder bug on a crafted file: still only this file's failure
        # The person sees the reason; the trace is for a developer (debug level: the command line
        # prints warnings, and a traceback there reads as a crash).
        log.debug("unexpected %s while decoding %s", type(exc).__name__, source, exc_info=True)
        raise ImageLoadError(
            source, f"damaged image; the decoder failed ({type(exc).__name__}: {exc})"
        ) from exc


def _decode(
    data: bytes,
    source: str,
    draft_to: int | None,
    max_pixels: int,
    background: tuple[int, int, int] | None,
    draft_fit: bool = False,
) -> LoadedImage:
    declared_size, declared_frames = _declared_geometry(data)
    if declared_size is not None:
        _check_size(source, *declared_size, max_pixels)
    try:
        image = Image.open(io.BytesIO(data), formats=OPEN_FORMATS)
    except UnidentifiedImageError:
        raise ImageLoadError(source, _unidentified_reason(data[:16])) from None
    except _DAMAGE_ERRORS as exc:
        if isinstance(exc, EOFError) or "truncated" in str(exc).lower():
            raise ImageLoadError(source, "truncated or damaged image data") from None
        raise ImageLoadError(source, f"damaged image header ({exc})") from None
    fmt = image.format or "unknown"
    if fmt not in SUPPORTED_FORMATS:  # cannot happen with OPEN_FORMATS; kept as the contract
        raise ImageLoadError(
            source, f"format not supported ({fmt}); use JPEG, PNG, BMP, GIF, TIFF or WebP"
        )
    width, height = image.size
    _check_size(source, width, height, max_pixels)
    frames = declared_frames if declared_frames is not None else _frames_of(image)
    _check_frames(source, width, height, frames, max_pixels)
    original_size = (width, height)
    scale = 1.0
    if draft_to and fmt == "JPEG" and image.mode in ("RGB", "L", "CMYK", "YCbCr"):
        wanted = (draft_to, draft_to)
        if draft_fit:  # only the longer side must keep draft_to pixels (Pillow checks each
            # side's quotient apart: a shorter side asked for its own share could round down)
            wanted = (draft_to, 1) if width >= height else (1, draft_to)
        image.draft(image.mode, wanted)
        scale = image.size[0] / width
    image.seek(0)  # first frame of an animation
    image.load()
    rgb = to_rgb(image, background)
    return LoadedImage(rgb, source, fmt, original_size, scale)


def _check_size(source: str, width: int, height: int, max_pixels: int) -> None:
    if width < 1 or height < 1:
        raise ImageLoadError(source, f"image has no pixels ({width}x{height})")
    if width * height > max_pixels or max(width, height) > MAX_SIDE:
        raise ImageLoadError(source, f"too large: {width}x{height} pixels")


def _check_frames(source: str, width: int, height: int, frames: int, max_pixels: int) -> None:
    if frames > MAX_FRAMES:
        raise ImageLoadError(source, f"too many frames: more than {MAX_FRAMES} in one file")
    if frames * width * height > max_pixels * ANIMATION_BUDGET:
        raise ImageLoadError(source, f"too large: {frames} frames of {width}x{height} pixels")


def _bomb_reason(exc: Exception) -> str:
    match = re.search(r"\((\d+) pixels\)", str(exc))
    pixels = f"{int(match.group(1)):,} pixels" if match else "too many pixels"
    return f"too large: {pixels}, refused as a possible decompression bomb"


def _unidentified_reason(prefix: bytes) -> str:
    """Why no supported plugin took the file: a damaged supported file, or another format."""
    Image.init()
    ours = [f for f in OPEN_FORMATS if _accepts(f, prefix)]
    if ours:
        return f"damaged {ours[0]} header"
    for fmt in sorted(Image.OPEN):
        if fmt not in SUPPORTED_FORMATS and _accepts(fmt, prefix):
            return f"format not supported ({fmt}); use JPEG, PNG, BMP, GIF, TIFF or WebP"
    return "not an image (or a format that is not supported)"


def _accepts(fmt: str, prefix: bytes) -> bool:
    """Whether a plugin's prefix test (never its parser) recognises the file."""
    accept = Image.OPEN.get(fmt, (None, None))[1]
    if accept is None:
        return False
    try:
        result = accept(prefix)
    except Exception:
        return False
    return bool(result) and not isinstance(result, str)


# --- Reading the header ourselves, before Pillow allocates anything ------------------------------


def _declared_geometry(data: bytes) -> tuple[tuple[int, int] | None, int | None]:
    """(width, height) and frame count from the header, where reading them is cheap.

    None for what we do not pre-read; Pillow's own checks then come first (APNG, MPO and WebP
    frame counts are read by Pillow from the header at open; TIFF page sizes likewise).
    """
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR" and len(data) >= 24:
        return struct.unpack_from(">II", data, 16), None
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 13:
        width, height, frames = _gif_geometry(data)
        return (width, height), frames
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_canvas(data), None
    if data[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return None, _tiff_pages(data)
    return None, None


def _gif_geometry(data: bytes) -> tuple[int, int, int]:
    """Logical screen grown by every frame's extent (as Pillow grows it), and the frame count.

    Walks the block structure without decoding, stopping after :data:`MAX_FRAMES` + 1 frames.
    Unknown bytes between blocks are skipped one at a time, as Pillow does.
    """
    width, height = struct.unpack_from("<HH", data, 6)
    flags = data[10]
    pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    frames, end = 0, len(data)
    while pos < end and frames <= MAX_FRAMES:
        kind = data[pos]
        pos += 1
        if kind == 0x3B:  # trailer
            break
        if kind == 0x21:  # extension: label, then sub-blocks
            pos = _skip_sub_blocks(data, pos + 1)
        elif kind == 0x2C:  # image descriptor
            if pos + 9 > end:
                break
            x0, y0, w, h = struct.unpack_from("<4H", data, pos)
            width, height = max(width, x0 + w), max(height, y0 + h)
            local = data[pos + 8]
            pos += 9 + (3 << ((local & 7) + 1) if local & 0x80 else 0) + 1  # + LZW code size
            pos = _skip_sub_blocks(data, pos)
            frames += 1
    return width, height, frames


def _skip_sub_blocks(data: bytes, pos: int) -> int:
    end = len(data)
    while pos < end:
        size = data[pos]
        pos += 1 + size
        if size == 0:
            break
    return pos


def _webp_canvas(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
    if chunk == b"VP8 " and len(data) >= 30:
        w, h = struct.unpack_from("<HH", data, 26)
        return w & 0x3FFF, h & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _tiff_pages(data: bytes) -> int | None:
    """How many pages (IFDs) a TIFF chains, up to :data:`MAX_FRAMES` + 1.

    Offsets are checked against the data before use (a BigTIFF offset can exceed any index);
    a loop or an offset past the end ends the walk.
    """
    order = "<" if data[:2] == b"II" else ">"
    if data[2:4] in (b"+\x00", b"\x00+"):  # BigTIFF
        first_at, count_fmt, entry, next_fmt = 8, order + "Q", 20, order + "Q"
    else:
        first_at, count_fmt, entry, next_fmt = 4, order + "H", 12, order + "I"
    count_size, next_size, end = struct.calcsize(count_fmt), struct.calcsize(next_fmt), len(data)
    if first_at + next_size > end:
        return None
    (offset,) = struct.unpack_from(next_fmt, data, first_at)
    pages, seen = 0, set()
    while offset and offset not in seen and pages <= MAX_FRAMES:
        seen.add(offset)
        pages += 1
        if offset + count_size > end:
            break
        (count,) = struct.unpack_from(count_fmt, data, offset)
        next_at = offset + count_size + count * entry
        if next_at + next_size > end:
            break
        (offset,) = struct.unpack_from(next_fmt, data, next_at)
    return pages


def _frames_of(image: Image.Image) -> int:
    """Frames of the formats whose count Pillow knows from the header (APNG, MPO, WebP)."""
    if image.format in ("PNG", "MPO", "WEBP"):
        return int(getattr(image, "n_frames", 1) or 1)
    return 1


def to_rgb(
    image: Image.Image, background: tuple[int, int, int] | None = DEFAULT_BACKGROUND
) -> Image.Image:
    """The image upright, in 8-bit RGB, with any transparency composited onto ``background``
    (None: kept, as RGBA, for a reader to whom transparency means something: a digit's paper).

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
    if image.mode == "RGBA" and background is None:
        return image
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
