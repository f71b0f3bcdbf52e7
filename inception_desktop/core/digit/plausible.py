"""Is this plausibly a digit? A softmax always names one, even for a dot: say when not to trust it.

A single tap on the canvas is scaled up to a filled 20x20 disc and read as "0 (100%)". Three
checks, with thresholds measured on MNIST's validation images (the last 5,000 of the training
split; ``benchmarks/digit_pens.py --measure``), so that real handwriting is almost never refused:

* the stroke is a large part of the digit's size (a dot or a blob): stroke ratio above
  :data:`MAX_STROKE_RATIO`, where MNIST's 99.9th percentile is 0.27 and a disc measures 0.5;
* the network input holds too little or too much ink: its mean outside :data:`INK_RANGE`,
  where MNIST's validation digits span 0.039 (0.1st percentile) to 0.35 (the most) and a
  filled disc has 0.40;
* the model is not confident: best score below :data:`MIN_CONFIDENCE`. On MNIST validation the
  shipped model answers below 0.6 for 0.12% of the digits, and is right on only 4 of 6 of them.

All three together refuse 0.12% of MNIST's validation digits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from inception_desktop.core.digit.normalize import DigitSteps

MAX_STROKE_RATIO: Final = 0.35
INK_RANGE: Final = (0.03, 0.37)
MIN_CONFIDENCE: Final = 0.6


@dataclass(frozen=True)
class Verdict:
    """``ok`` when the answer can be shown as it is; otherwise ``headline`` replaces the answer
    and ``advice`` says what to do."""

    ok: bool
    headline: str = ""
    advice: str = ""


def judge(steps: DigitSteps, scores: Sequence[tuple[str, float]]) -> Verdict:
    """The verdict on ``steps`` read as ``scores`` ((label, score), best first)."""
    if steps.stroke > MAX_STROKE_RATIO:
        return Verdict(False, "Not a digit?", "Not sure — that is a dot: draw a bigger digit")
    ink = float(steps.input.mean()) / 255.0
    if ink < INK_RANGE[0]:
        return Verdict(False, "Not a digit?", "Not sure — too little ink: draw a bigger digit")
    if ink > INK_RANGE[1]:
        return Verdict(False, "Not a digit?", "Not sure — too much ink: use a thinner pen")
    if not scores or scores[0][1] < MIN_CONFIDENCE:
        guesses = " or ".join(label for label, _ in scores[:2])
        return Verdict(False, f"{guesses}?", "Not sure — draw the digit more clearly")
    return Verdict(True)
