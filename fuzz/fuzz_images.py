"""Coverage-guided fuzzing of image loading and framing: bytes → ``load_image_bytes`` → ``frame``.

Run: ``python fuzz/fuzz_images.py WORK_DIR fuzz/corpus/images -max_total_time=180``
(``make fuzz`` does this for every harness). ``ImageLoadError`` and ``FramingError`` are the
expected refusals; any other exception, a crash, a hang (``-timeout``) or a memory blow-up
(``-rss_limit_mb``) is a finding. Each loaded image is framed in every mode, with and without a
box derived from the input, and the network input must come out with the exact shape and type.
"""

from __future__ import annotations

import sys
import warnings
import zlib

import atheris

with atheris.instrument_imports(include=["inception_desktop", "PIL"]):
    # The plugins are imported here, not lazily by Image.open, so that they are instrumented too.
    from PIL import (  # noqa: F401
        BmpImagePlugin,
        GifImagePlugin,
        ImageOps,
        JpegImagePlugin,
        MpoImagePlugin,
        PngImagePlugin,
        TiffImagePlugin,
        WebPImagePlugin,
    )

    from inception_desktop.core.photo.framing import MODES, Box, Framing, FramingError, frame
    from inception_desktop.core.photo.images import ImageLoadError, load_image_bytes

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from _common import note_wrapped

#: Small enough that a fuzz input decodes in milliseconds; the rules are the same at any limit.
MAX_PIXELS = 4_000_000
SIZE = 299


def _box(data: bytes, size: tuple[int, int]) -> Box:
    """A box from the input's checksum: sometimes inside the image, sometimes not."""
    h = zlib.crc32(data)
    w = size[0]
    return Box((h & 0xFF) - 16, ((h >> 8) & 0xFF) - 16, (h >> 16 & 0xFF) % (w + 8), h >> 24)


def fuzz_one_input(data: bytes) -> None:
    try:
        loaded = load_image_bytes(data, "fuzz", max_pixels=MAX_PIXELS, draft_to=SIZE)
    except ImageLoadError as exc:
        note_wrapped("images", exc, data)
        return
    image = loaded.image
    assert image.mode == "RGB", image.mode
    for mode in MODES:
        for box in (None, _box(data, image.size)):
            try:
                framed = frame(image, SIZE, Framing(mode, box))
            except FramingError:
                continue
            assert framed.array.shape == (SIZE, SIZE, 3), framed.array.shape
            assert framed.array.dtype.name == "uint8", framed.array.dtype


def main() -> None:
    warnings.simplefilter("ignore")  # Pillow warns on every damaged EXIF block: noise in the log
    atheris.Setup(sys.argv, fuzz_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
