"""core.digits: MNIST's own normalisation, so a digit drawn anywhere at any size is recognised."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from inception_desktop.core.digit.normalize import FIELD, ink_of, normalize_digit


def _canvas(size: int = 400, background: int = 255) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("L", (size, size), background)
    return image, ImageDraw.Draw(image)


def _seven(draw: ImageDraw.ImageDraw, x: int, y: int, s: float, width: int, ink: int = 0) -> None:
    draw.line([(x, y), (x + 60 * s, y), (x + 25 * s, y + 100 * s)], fill=ink, width=width)


def _com(field: np.ndarray) -> tuple[float, float]:
    ys, xs = np.mgrid[0:FIELD, 0:FIELD]
    total = field.sum()
    return float((field * xs).sum() / total), float((field * ys).sum() / total)


def test_empty_canvas_gives_no_input():
    image, _ = _canvas()
    assert normalize_digit(image) is None
    assert normalize_digit(np.zeros((50, 50, 4), np.uint8)) is None


def test_output_is_mnist_shaped_fitted_and_centred():
    image, draw = _canvas()
    _seven(draw, 30, 40, 1.5, 12)
    steps = normalize_digit(image)
    assert steps is not None
    assert steps.input.shape == (28, 28) and steps.input.dtype == np.uint8
    assert max(steps.fitted.shape) == 20
    assert steps.input.max() == 255
    cx, cy = _com(steps.input.astype(float))
    assert abs(cx - 14) <= 0.6 and abs(cy - 14) <= 0.6
    x0, y0, x1, y1 = steps.box
    assert 20 <= x0 <= 30 and 30 <= y0 <= 40 and x1 <= 140 and y1 <= 200


def test_position_size_and_polarity_do_not_matter():
    results = []
    for x, y, s, background, ink in (
        (10, 10, 1.0, 255, 0),
        (200, 150, 1.0, 255, 0),
        (50, 40, 2.5, 255, 0),
        (100, 90, 1.0, 0, 255),
    ):
        image, draw = _canvas(background=background)
        _seven(draw, x, y, s, round(10 * s), ink)
        results.append(normalize_digit(image).input.astype(float))
    for other in results[1:]:
        assert np.abs(other - results[0]).mean() < 12  # 255 scale: nearly the same picture


def test_transparency_as_ink():
    rgba = np.zeros((200, 200, 4), np.uint8)
    rgba[50:150, 95:105, 3] = 255  # an opaque vertical bar, colour irrelevant
    steps = normalize_digit(rgba)
    assert steps is not None and steps.box == (95, 50, 105, 150)
    assert ink_of(rgba).max() == 1.0


def test_a_single_dot_and_extreme_strokes_still_give_valid_inputs():
    image, draw = _canvas()
    draw.point((200, 200), fill=0)
    dot = normalize_digit(image)
    assert dot is not None and dot.input.shape == (28, 28) and dot.input.max() == 255
    thin, draw = _canvas()
    _seven(draw, 20, 20, 3.5, 1)
    thin_steps = normalize_digit(thin)
    assert thin_steps.input.max() == 255, "a hairline is restored to full contrast"
    thick, draw = _canvas()
    _seven(draw, 40, 40, 2.5, 60)
    assert normalize_digit(thick).input.mean() > thin_steps.input.mean()


@pytest.mark.slow
def test_redrawn_mnist_digits_keep_their_accuracy(mnist_splits):
    """MNIST test digits drawn at random sizes and places on a 480x480 canvas, half of them dark on
    light: after normalisation the shipped model's accuracy stays within 0.5 points."""
    from inception_desktop.core.models.mnist import load_classifier

    classifier = load_classifier()
    rng = np.random.default_rng(0)
    count = 2000
    originals = mnist_splits.x_test[:count]
    labels = mnist_splits.y_test[:count]
    redrawn = []
    for digit in originals:
        size = int(rng.integers(100, 420))
        big = np.asarray(Image.fromarray(digit).resize((size, size), Image.Resampling.BILINEAR))
        canvas = np.zeros((480, 480), np.uint8)
        x, y = rng.integers(0, 480 - size + 1, 2)
        canvas[y : y + size, x : x + size] = big
        if rng.random() < 0.5:
            canvas = 255 - canvas
        steps = normalize_digit(canvas)
        redrawn.append(steps.input)
    before = np.mean([p.best.index for p in classifier.classify_batch(list(originals))] == labels)
    after = np.mean([p.best.index for p in classifier.classify_batch(redrawn)] == labels)
    assert before > 0.99
    assert after >= before - 0.005, f"accuracy {before:.4f} on originals, {after:.4f} redrawn"
