"""What every MNIST model here takes and gives, spelled once (this module imports nothing).

The network input of a digit is a uint8 (28, 28) array, ink bright on black as in MNIST, made by
:func:`~inception_desktop.core.digit.normalize.normalize_digit`
from a drawing or an image. Models scale it
to float32 in [0, 1] (``x * SCALE + OFFSET``) and add a channel: (N, 28, 28, 1); they answer 10
softmax scores, one per digit.
"""

from __future__ import annotations

from typing import Final

#: Side of the square digit image, in pixels.
SIDE: Final = 28
#: The network input of one digit: uint8 pixels, ink bright on black.
IMAGE_SHAPE: Final = (SIDE, SIDE)
#: What a Keras MNIST model's first layer takes per example (float32 in [0, 1]).
MODEL_INPUT_SHAPE: Final = (SIDE, SIDE, 1)
#: Input shapes (without the batch) a model file may declare: with or without the channel.
ACCEPTED_INPUT_SHAPES: Final = frozenset({MODEL_INPUT_SHAPE, IMAGE_SHAPE})
#: Classes: the digits 0-9.
NUM_CLASSES: Final = 10
#: uint8 pixel → model value: ``pixel / PIXEL_MAX`` (so 0 → 0.0, 255 → 1.0); as a multiply-add
#: (for a graph that takes uint8): ``pixel * SCALE + OFFSET``.
PIXEL_MAX: Final = 255.0
SCALE: Final = 1 / 255
OFFSET: Final = 0.0
