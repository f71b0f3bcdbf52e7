"""Write the small seed corpus of each harness (committed; rerun to regenerate it).

Seeds are tiny valid inputs of every kind the code distinguishes, so that fuzzing starts from
the interesting paths (palettes, alpha, 16-bit, EXIF turns, animations, multi-page TIFF, gzip)
instead of having to discover each format's magic bytes.
"""

from __future__ import annotations

import gzip
import io
import struct
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent / "corpus"


def _gradient(w: int, h: int, mode: str = "RGB") -> Image.Image:
    x = np.linspace(0, 255, w, dtype=np.uint8)[None, :].repeat(h, 0)
    y = np.linspace(0, 255, h, dtype=np.uint8)[:, None].repeat(w, 1)
    return Image.fromarray(np.stack([x, y, 255 - x], axis=2), "RGB").convert(mode)


def _encode(image: Image.Image, fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def image_seeds() -> dict[str, bytes]:
    g = _gradient(12, 9)
    exif = Image.Exif()
    exif[0x0112] = 6
    frames = [Image.new("RGB", (8, 8), c) for c in ((255, 0, 0), (0, 0, 255), (0, 255, 0))]
    pal = Image.new("P", (8, 8), 1)
    pal.putpalette([0, 0, 0, 0, 255, 0] + [0] * 762)
    seeds = {
        "rgb.png": _encode(g, "PNG"),
        "rgba.png": _encode(g.convert("RGBA"), "PNG"),
        "la.png": _encode(g.convert("LA"), "PNG"),
        "pal-transparent.png": _encode(pal, "PNG", transparency=1),
        "deep.png": _encode(Image.fromarray(np.full((6, 6), 40000, np.uint16)), "PNG"),
        "anim.png": _encode(frames[0], "PNG", save_all=True, append_images=frames[1:]),
        "rgb.jpg": _encode(g, "JPEG", quality=80),
        "grey.jpg": _encode(g.convert("L"), "JPEG", quality=80),
        "cmyk.jpg": _encode(g.convert("CMYK"), "JPEG", quality=80),
        "exif-rotated.jpg": _encode(g, "JPEG", exif=exif, quality=80),
        "progressive.jpg": _encode(g, "JPEG", progressive=True, quality=80),
        "rgb.bmp": _encode(g, "BMP"),
        "pal.bmp": _encode(g.convert("P"), "BMP"),
        "anim.gif": _encode(
            frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50, disposal=2
        ),
        "still.gif": _encode(g, "GIF"),
        "rgb.tif": _encode(g, "TIFF"),
        "lzw.tif": _encode(g, "TIFF", compression="tiff_lzw"),
        "pages.tif": _encode(frames[0], "TIFF", save_all=True, append_images=frames[1:]),
        "float.tif": _encode(Image.fromarray(np.full((4, 4), 0.5, np.float32)), "TIFF"),
        "lossless.webp": _encode(g, "WEBP", lossless=True),
        "lossy.webp": _encode(g, "WEBP", quality=50),
        "anim.webp": _encode(frames[0], "WEBP", save_all=True, append_images=frames[1:]),
    }
    return seeds


def digit_seeds() -> dict[str, bytes]:
    """In fuzz_digits' format: height, width, layout byte, then pixels."""
    stroke = np.zeros((20, 16), np.uint8)
    stroke[3:17, 7:9] = 255
    ring = np.full((24, 24), 255, np.uint8)
    ring[4:20, 4:20] = 0
    ring[7:17, 7:17] = 255
    seeds = {
        "one-light-on-dark": bytes([19, 15, 0]) + stroke.tobytes(),
        "ring-dark-on-light": bytes([23, 23, 0]) + ring.tobytes(),
        "rgb": bytes([19, 15, 1]) + np.repeat(stroke, 3).tobytes(),
        "rgba-transparent": bytes([19, 15, 2])
        + np.stack([stroke] * 3 + [stroke], axis=2).tobytes(),
        "image-p": bytes([23, 23, 5]) + ring.tobytes(),
        "single-pixel": bytes([0, 0, 0, 255]),
        "empty": bytes([9, 9, 0]) + bytes(100),
    }
    return seeds


def _idx(array: np.ndarray) -> bytes:
    header = struct.pack(">I", 0x0800 | array.ndim) + b"".join(
        struct.pack(">I", n) for n in array.shape
    )
    return header + array.astype(np.uint8).tobytes()


def idx_seeds() -> dict[str, bytes]:
    images = (np.arange(2 * 28 * 28) % 256).reshape(2, 28, 28)
    labels = np.array([5, 0, 4, 1, 9], np.uint8)
    return {
        "images.idx": _idx(images),
        "images.idx.gz": gzip.compress(_idx(images), mtime=0),
        "labels.idx": _idx(labels),
        "labels.idx.gz": gzip.compress(_idx(labels), mtime=0),
        "cube.idx": _idx(np.ones((2, 3, 4, 5), np.uint8)),
    }


def main() -> None:
    for name, seeds in (("images", image_seeds()), ("digits", digit_seeds()), ("idx", idx_seeds())):
        folder = HERE / name
        folder.mkdir(parents=True, exist_ok=True)
        for file_name, data in seeds.items():
            (folder / file_name).write_bytes(data)
    total = sum(p.stat().st_size for p in HERE.rglob("*") if p.is_file())
    print(f"seed corpus: {total} bytes in {HERE}")


if __name__ == "__main__":
    main()
