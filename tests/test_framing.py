"""core.framing: squash, crop, pad and box produce the exact input and honest geometry."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from inception_desktop.core.photo.framing import (
    Box,
    Framing,
    FramingError,
    frame,
    parse_color,
    region_of,
)


def _halves(w: int, h: int) -> Image.Image:
    """Left half red, right half blue."""
    array = np.zeros((h, w, 3), np.uint8)
    array[:, : w // 2] = (255, 0, 0)
    array[:, w // 2 :] = (0, 0, 255)
    return Image.fromarray(array)


def test_squash_keeps_everything_and_distorts():
    out = frame(_halves(400, 100), 299, Framing("squash"))
    assert out.array.shape == (299, 299, 3) and out.array.dtype == np.uint8
    assert out.source_rect == (0, 0, 400, 100)
    assert out.content_rect == (0, 0, 299, 299)
    assert tuple(out.array[150, 10]) == (255, 0, 0) and tuple(out.array[150, 290]) == (0, 0, 255)


def test_crop_takes_the_centred_square():
    out = frame(_halves(400, 100), 100, Framing("crop"))
    assert out.source_rect == (150, 0, 250, 100)
    assert tuple(out.array[50, 10]) == (255, 0, 0) and tuple(out.array[50, 90]) == (0, 0, 255)


def test_pad_keeps_aspect_and_reports_where_the_padding_is():
    out = frame(_halves(400, 100), 300, Framing("pad", pad_color=(0, 255, 0)))
    assert out.content_rect == (0, 112, 300, 187)
    assert tuple(out.array[5, 150]) == (0, 255, 0)  # padding above
    assert tuple(out.array[295, 150]) == (0, 255, 0)  # and below
    assert tuple(out.array[150, 10]) == (255, 0, 0)


def test_box_restricts_the_region_then_frames_it():
    image = _halves(400, 100)
    out = frame(image, 50, Framing("squash", box=Box(0, 0, 100, 100)))
    assert out.source_rect == (0, 0, 100, 100)
    assert (out.array == (255, 0, 0)).all(axis=2).mean() > 0.99
    clipped = region_of(image.size, Box(350, -20, 100, 200))
    assert clipped == (350, 0, 400, 100)


def test_box_outside_or_empty_is_an_error_that_repeats_the_input():
    with pytest.raises(FramingError, match="outside the 400x100 image"):
        frame(_halves(400, 100), 50, Framing("pad", box=Box(500, 500, 10, 10)))
    with pytest.raises(FramingError, match="positive"):
        frame(_halves(400, 100), 50, Framing("pad", box=Box(0, 0, 0, 10)))


def test_unknown_mode_is_refused():
    with pytest.raises(FramingError, match="'stretch'"):
        Framing("stretch")


def test_parse_box_and_colours():
    assert Box.parse("10, 20,30,40") == Box(10, 20, 30, 40)
    with pytest.raises(FramingError, match="X,Y,W,H"):
        Box.parse("10,20")
    assert parse_color("black") == (0, 0, 0)
    assert parse_color("#ff8000") == (255, 128, 0)
    assert parse_color("1,2,3") == (1, 2, 3)
    for bad in ("1,2", "300,0,0", "nocolour"):
        with pytest.raises(FramingError):
            parse_color(bad)


@settings(max_examples=40, deadline=None)
@given(
    w=st.integers(1, 900),
    h=st.integers(1, 900),
    mode=st.sampled_from(["squash", "crop", "pad"]),
    size=st.sampled_from([28, 299]),
)
def test_any_image_size_gives_the_exact_input_shape(w: int, h: int, mode: str, size: int):
    out = frame(Image.new("RGB", (w, h), (9, 9, 9)), size, Framing(mode))
    assert out.array.shape == (size, size, 3)
    x0, y0, x1, y1 = out.content_rect
    assert 0 <= x0 < x1 <= size and 0 <= y0 < y1 <= size
    if mode == "pad":
        assert max(x1 - x0, y1 - y0) == size


def test_the_fast_downscale_matches_exact_lanczos(monkeypatch):
    from inception_desktop.core.photo import framing

    image = Image.effect_mandelbrot((1600, 1200), (-2, -1.2, 1, 1.2), 100).convert("RGB")
    fast = framing.frame(image, 299, Framing("pad")).array.astype(float)
    monkeypatch.setattr(framing, "REDUCING_GAP", None)
    exact = framing.frame(image, 299, Framing("pad")).array.astype(float)
    assert np.abs(fast - exact).mean() < 1.0


@pytest.mark.parametrize(
    "text", ["nan,0,100,100", "nan,nan,nan,nan", "-1e308,-1e308,1e309,1e309", "0,0,inf,10"]
)
def test_boxes_that_are_not_finite_are_refused(text: str):
    with pytest.raises(FramingError, match="finite numbers of pixels"):
        Box.parse(text)
    with pytest.raises(FramingError, match="finite numbers of pixels"):
        Box(float("nan"), 0, 10, 10)


@pytest.mark.parametrize("command", ["classify", "explain"])
def test_the_commands_refuse_a_nan_box_as_a_usage_error(command, tmp_path, capsys):
    from inception_desktop.cli import main

    photo = tmp_path / "p.png"
    Image.new("RGB", (50, 40)).save(photo)
    argv = [command, str(photo), "--model", "inception", "--box", "nan,nan,nan,nan"]
    if command == "explain":
        argv += ["--out", str(tmp_path / "out")]
    assert main(argv) == 2
    assert "finite numbers of pixels (no nan or inf), got 'nan,nan,nan,nan'" in (
        capsys.readouterr().err
    )


def test_pad_decodes_a_jpeg_at_the_size_its_longer_side_needs(tmp_path):
    """Pad fits the whole photo inside the 299 square, so only the longer side must keep 299
    pixels: a 640x480 JPEG decodes at half size (a third of the cost), while crop and squash,
    which keep the shorter side's pixels, decode it whole. The window's input for the photo it
    shows stays the command line's, in every mode."""
    from inception_desktop.core.photo.prepare import (
        decode_for_network,
        load_photo,
        network_input_for,
        photo_input,
    )

    rng = np.random.default_rng(6)
    path = tmp_path / "wide.jpg"
    small = rng.integers(0, 256, (12, 16, 3), dtype=np.uint8)
    Image.fromarray(small).resize((640, 480), Image.Resampling.BICUBIC).save(path, quality=90)
    assert decode_for_network(path, Framing("pad"), 299).image.size == (320, 240)
    assert decode_for_network(path, Framing("crop"), 299).image.size == (640, 480)
    assert decode_for_network(path, Framing("squash"), 299).image.size == (640, 480)
    odd = tmp_path / "odd.jpg"  # 599 // 2 = 299: half size, though 449 // 2 < 299 * 449 / 599
    Image.fromarray(small).resize((599, 449), Image.Resampling.BICUBIC).save(odd, quality=90)
    assert decode_for_network(odd, Framing("pad"), 299).image.size == (300, 225)
    tall = tmp_path / "tall.jpg"
    Image.fromarray(small).resize((480, 1280), Image.Resampling.BICUBIC).save(tall, quality=90)
    assert decode_for_network(tall, Framing("pad"), 299).image.size == (120, 320)
    shown = load_photo(path)
    for mode in ("pad", "crop", "squash"):
        window = network_input_for(shown, str(path), Framing(mode), 299).array
        np.testing.assert_array_equal(window, photo_input(path, Framing(mode), 299).array)
