"""core.images with real files of every kind a person might drop."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from inception_desktop.core.photo.images import (
    ImageLoadError,
    list_images,
    load_image,
    load_image_bytes,
)


def _gradient(w: int = 64, h: int = 48) -> Image.Image:
    x = np.linspace(0, 255, w, dtype=np.uint8)[None, :].repeat(h, 0)
    y = np.linspace(0, 255, h, dtype=np.uint8)[:, None].repeat(w, 1)
    return Image.fromarray(np.stack([x, y, 255 - x], axis=2), "RGB")


@pytest.mark.parametrize(
    ("suffix", "fmt", "kwargs"),
    [
        (".jpg", "JPEG", {"quality": 95}),
        (".png", "PNG", {}),
        (".bmp", "BMP", {}),
        (".tif", "TIFF", {}),
        (".webp", "WEBP", {"lossless": True}),
        (".gif", "GIF", {}),
    ],
)
def test_each_supported_format_loads_as_rgb(tmp_path: Path, suffix: str, fmt: str, kwargs: dict):
    path = tmp_path / f"photo{suffix}"
    _gradient().save(path, fmt, **kwargs)
    loaded = load_image(path)
    assert loaded.image.mode == "RGB"
    assert loaded.size == (64, 48)
    assert loaded.format == fmt
    # Colours survive (GIF is paletted, JPEG lossy: a loose bound, still far from garbage).
    diff = np.abs(np.asarray(loaded.image, float) - np.asarray(_gradient(), float)).mean()
    assert diff < 12


def test_gif_animation_gives_its_first_frame(tmp_path: Path):
    frames = [Image.new("RGB", (20, 20), c) for c in ((255, 0, 0), (0, 0, 255))]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100, loop=0)
    pixel = load_image(path).image.getpixel((10, 10))
    assert pixel[0] > 200 and pixel[2] < 50


def test_exif_orientation_is_applied(tmp_path: Path):
    image = Image.new("RGB", (60, 30), (0, 0, 0))
    image.paste((255, 255, 255), (0, 0, 30, 30))  # left half white
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    path = tmp_path / "rotated.jpg"
    image.save(path, exif=exif, quality=95)
    loaded = load_image(path).image
    assert loaded.size == (30, 60)
    # After a clockwise turn the white left half is on top.
    assert loaded.getpixel((15, 10))[0] > 200 and loaded.getpixel((15, 50))[0] < 50


def test_transparency_is_composited_on_the_background(tmp_path: Path):
    image = Image.new("RGBA", (10, 10), (255, 0, 0, 0))
    image.putpixel((5, 5), (255, 0, 0, 255))
    path = tmp_path / "alpha.png"
    image.save(path)
    white = load_image(path).image
    assert white.getpixel((0, 0)) == (255, 255, 255)
    assert white.getpixel((5, 5)) == (255, 0, 0)
    black = load_image(path, background=(0, 0, 0)).image
    assert black.getpixel((0, 0)) == (0, 0, 0)


def test_palette_with_transparency_and_la(tmp_path: Path):
    pal = Image.new("P", (8, 8), 1)
    pal.putpalette([0, 0, 0, 0, 255, 0] + [0] * 762)
    pal.info["transparency"] = 1
    pal.save(tmp_path / "pal.png", transparency=1)
    assert load_image(tmp_path / "pal.png").image.getpixel((0, 0)) == (255, 255, 255)
    la = Image.new("LA", (8, 8), (0, 255))
    la.save(tmp_path / "la.png")
    assert load_image(tmp_path / "la.png").image.getpixel((0, 0)) == (0, 0, 0)


def test_greyscale_and_16_bit_keep_their_tones(tmp_path: Path):
    Image.new("L", (8, 8), 100).save(tmp_path / "grey.png")
    assert load_image(tmp_path / "grey.png").image.getpixel((0, 0)) == (100, 100, 100)
    deep = np.full((8, 8), 32768, dtype=np.uint16)  # half of the 16-bit range
    Image.fromarray(deep).save(tmp_path / "deep.png")
    value = load_image(tmp_path / "deep.png").image.getpixel((0, 0))
    assert 126 <= value[0] <= 129, "16-bit mid grey must stay mid grey, not clip to white"


def test_cmyk_jpeg_converts_to_rgb(tmp_path: Path):
    Image.new("CMYK", (8, 8), (0, 255, 255, 0)).save(tmp_path / "cmyk.jpg", quality=95)
    r, g, b = load_image(tmp_path / "cmyk.jpg").image.getpixel((4, 4))
    assert r > 200 and g < 60 and b < 60  # no cyan/magenta/yellow except M+Y = red


def test_large_jpeg_is_drafted_at_reduced_size(tmp_path: Path):
    _gradient(4000, 3000).save(tmp_path / "big.jpg", quality=80)
    loaded = load_image(tmp_path / "big.jpg", draft_to=299)
    assert loaded.original_size == (4000, 3000)
    assert min(loaded.size) >= 299 and loaded.size[0] <= 1000
    assert loaded.scale == pytest.approx(loaded.size[0] / 4000)
    assert load_image(tmp_path / "big.jpg").size == (4000, 3000)


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 16)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_decompression_bomb_is_refused_before_decoding(tmp_path: Path):
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_header_only(40000, 40000))
    with pytest.raises(ImageLoadError) as info:
        load_image(path)
    assert "too large" in str(info.value) and "40000x40000" in str(info.value)
    assert str(path) in str(info.value)


def test_custom_pixel_limit(tmp_path: Path):
    _gradient(100, 100).save(tmp_path / "a.png")
    with pytest.raises(ImageLoadError, match="too large: 100x100 pixels"):
        load_image(tmp_path / "a.png", max_pixels=5000)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"hello, I am a text file\n", "not an image"),
        (b"", "empty file"),
    ],
)
def test_non_images_are_refused_by_name(tmp_path: Path, content: bytes, reason: str):
    path = tmp_path / "notes.jpg"
    path.write_bytes(content)
    with pytest.raises(ImageLoadError) as info:
        load_image(path)
    assert reason in info.value.reason
    assert str(info.value).startswith(str(path))


def test_truncated_image_is_refused(tmp_path: Path):
    _gradient(300, 300).save(tmp_path / "full.jpg", quality=95)
    data = (tmp_path / "full.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageLoadError, match="truncated"):
        load_image(tmp_path / "cut.jpg")


def test_known_but_unsupported_format_is_named(tmp_path: Path):
    _gradient().save(tmp_path / "picture.pcx", "PCX")
    with pytest.raises(ImageLoadError, match=r"format not supported \(PCX\)"):
        load_image(tmp_path / "picture.pcx")


def test_missing_file_and_folder(tmp_path: Path):
    with pytest.raises(ImageLoadError, match="no such file"):
        load_image(tmp_path / "nope.png")
    with pytest.raises(ImageLoadError, match="folder"):
        load_image(tmp_path)


def test_bytes_from_a_paste_load_like_files():
    import io

    buffer = io.BytesIO()
    _gradient().save(buffer, "PNG")
    loaded = load_image_bytes(buffer.getvalue(), "clipboard")
    assert loaded.size == (64, 48) and loaded.source == "clipboard"


def test_list_images_picks_images_only(tmp_path: Path):
    for name in ("b.png", "a.JPG", "notes.txt", ".hidden.png"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "sub.png").mkdir()
    assert [p.name for p in list_images(tmp_path)] == ["a.JPG", "b.png"]
