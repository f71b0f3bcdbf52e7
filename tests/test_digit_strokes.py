"""Stroke width: measured, re-drawn at MNIST's width, thinned in images; and plausibility."""

from __future__ import annotations

import numpy as np
import pytest

from inception_desktop.core.digit import plausible, strokes
from inception_desktop.core.digit.normalize import normalize_digit

THREE = [
    (100.0, 80.0),
    (200.0, 75.0),
    (220.0, 120.0),
    (160.0, 160.0),
    (225.0, 200.0),
    (200.0, 250.0),
    (100.0, 250.0),
]


def _ink_crop(canvas: np.ndarray) -> np.ndarray:
    ink = (255 - canvas.astype(np.float32)) / 255
    rows = np.flatnonzero((ink > 0.1).any(axis=1))
    cols = np.flatnonzero((ink > 0.1).any(axis=0))
    return ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


@pytest.mark.parametrize("pen", [8, 20, 40])
def test_stroke_ratio_measures_the_pen(pen):
    line = [(float(pen), [(50.0, 60.0), (50.0, 260.0)])]
    canvas = strokes.render_strokes(line, (320, 320))
    ratio = strokes.stroke_ratio(_ink_crop(canvas))
    assert ratio == pytest.approx(pen / (200 + pen), rel=0.2)


def test_strokes_are_redrawn_at_mnists_width_whatever_the_pen():
    ratios = []
    for pen in (6, 30, 60):
        drawn = [(float(pen), THREE)]
        width = strokes.mnist_pen(drawn)
        assert width is not None and 15 < width < 30  # the same for every pen: size decides
        ratios.append(
            strokes.stroke_ratio(_ink_crop(strokes.render_strokes(drawn, (320, 320), width)))
        )
    assert max(ratios) - min(ratios) < 0.02
    assert np.mean(ratios) == pytest.approx(strokes.MNIST_RATIO, abs=0.03)


def test_a_tap_is_kept_as_drawn():
    assert strokes.mnist_pen([(22.0, [(100.0, 100.0)])]) is None
    assert strokes.mnist_pen([(22.0, [(100.0, 100.0), (103.0, 101.0)])]) is None
    assert strokes.mnist_pen([]) is None


def test_thick_ink_in_an_image_is_thinned_and_ordinary_ink_is_not():
    thick = strokes.render_strokes([(70.0, THREE)], (320, 320))
    steps = normalize_digit(thick)
    assert steps is not None and steps.restroked_from is not None and steps.restroked is not None
    assert steps.restroked_from > strokes.THIN_ABOVE > steps.stroke
    assert normalize_digit(thick, restroke=False).restroked_from is None
    ordinary = strokes.render_strokes([(20.0, THREE)], (320, 320))
    kept = normalize_digit(ordinary)
    assert kept is not None and kept.restroked_from is None and kept.restroked is None


def test_a_dot_is_not_plausible_and_a_digit_is():
    dot = strokes.render_strokes([(22.0, [(160.0, 160.0)])], (320, 320))
    steps = normalize_digit(dot)
    assert steps is not None
    verdict = plausible.judge(steps, [("0", 1.0)])
    assert not verdict.ok and verdict.advice.startswith("Not sure")
    three = normalize_digit(strokes.render_strokes([(20.0, THREE)], (320, 320)))
    assert three is not None
    assert plausible.judge(three, [("3", 0.99), ("8", 0.01)]).ok
    unsure = plausible.judge(three, [("3", 0.45), ("8", 0.40)])
    assert not unsure.ok and unsure.headline == "3 or 8?"


def test_mnist_validation_digits_are_plausible_and_left_alone(mnist_splits):
    """The thresholds leave real handwriting alone: on 1,000 validation digits (never the test
    split), almost none is re-stroked or refused for its shape."""
    x = mnist_splits.x_val[:1000]
    all_steps = [normalize_digit(255 - image) for image in x]
    restroked = sum(s is not None and s.restroked_from is not None for s in all_steps)
    refused = sum(s is None or not plausible.judge(s, [("", 1.0)]).ok for s in all_steps)
    assert restroked <= 40 and refused <= 3, (restroked, refused)


def test_a_fine_pen_in_an_image_is_thickened():
    """A ballpoint scanned at a high resolution: strokes about 1/40 of the digit's size."""
    fine = strokes.render_strokes([(5.0, THREE)], (320, 320))
    steps = normalize_digit(fine)
    assert steps is not None and steps.restroked_from is not None
    assert steps.restroked_from < strokes.THICKEN_BELOW < steps.stroke
    assert plausible.judge(steps, [("3", 0.99)]).ok  # enough ink once thickened


@pytest.mark.slow
def test_thick_pen_images_of_test_digits_are_read_as_the_issue_asks(mnist_splits):
    """Issue 24's thick-pen set, in small: 500 MNIST **test** digits (measured only: the
    thresholds were chosen on validation), each centreline drawn with a 25 px pen on a 280 px
    canvas with its ink 100-240 px tall, kept as an image and read through the app's image path
    (``read_digit``). ``benchmarks/digit_pens.py --thick --split test`` reads 98.3% of 5,000
    such drawings; this sample must stay above 97.5% (a margin for another CPU's rounding). The
    thinning is what reads the smallest: without it, 100 px digits lose 3 points or more."""
    from benchmarks.digit_pens import THICK_CANVAS, THICK_PEN, centreline, drawing
    from inception_desktop.core.digit.image import read_digit
    from inception_desktop.core.models.mnist import load_classifier

    model = load_classifier(None, "litert")
    rng = np.random.default_rng(24)
    pick = rng.choice(len(mnist_splits.x_test), 500, replace=False)
    sizes = np.array([(100, 130, 160, 200, 240)[n % 5] for n in range(len(pick))])
    images = []
    for i, size in zip(pick, sizes, strict=True):
        drawn = drawing(centreline(mnist_splits.x_test[i]), THICK_PEN, size, THICK_CANVAS)
        images.append(strokes.render_strokes(drawn, (THICK_CANVAS, THICK_CANVAS)))
    labels = mnist_splits.y_test[pick].astype(int)

    def right(inputs: list[np.ndarray]) -> np.ndarray:
        return np.array([int(p.best.label) for p in model.classify_batch(inputs, k=1)]) == labels

    blank = np.zeros((28, 28), np.uint8)  # no ink found: read as nothing, counted wrong
    thinned = right([getattr(read_digit(image).steps, "input", blank) for image in images])
    as_drawn = right([normalize_digit(image, restroke=False).input for image in images])
    assert thinned.mean() >= 0.975, thinned.mean()
    small = sizes == 100
    assert as_drawn[small].mean() <= thinned[small].mean() - 0.03, (
        as_drawn[small].mean(),
        thinned[small].mean(),
    )
