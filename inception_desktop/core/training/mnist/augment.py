"""Light geometric augmentation for MNIST, as one affine warp per image.

Shifts, small rotations and scale, with a constant black fill: never flips (a flipped 2 reads like
a 6-ish shape, which cost the seed's Inception net ~0.25%) and never reflection padding (it
invents strokes at the border). One ``ImageProjectiveTransformV3`` call per batch instead of three
chained Keras layers keeps the input pipeline cheap on a two-core machine.
"""

from __future__ import annotations

import math
from typing import Any

MAX_ROTATION_DEGREES = 10.0
SCALE_RANGE = (0.9, 1.1)
MAX_SHIFT_PIXELS = 2.5


def random_affine(images: Any, seed: Any) -> Any:
    """Warp a (N, 28, 28, 1) float batch with independent random affine maps.

    ``seed`` is a stateless-RNG seed tensor of shape (2,), so a run is reproducible.
    """
    import tensorflow as tf

    shape = tf.shape(images)
    n = shape[0]
    height = tf.cast(shape[1], tf.float32)
    width = tf.cast(shape[2], tf.float32)
    seeds = tf.random.experimental.stateless_split(seed, 4)
    angle = tf.random.stateless_uniform(
        [n], seeds[0], -MAX_ROTATION_DEGREES, MAX_ROTATION_DEGREES
    ) * (math.pi / 180.0)
    scale = tf.random.stateless_uniform([n], seeds[1], *SCALE_RANGE)
    shift = tf.random.stateless_uniform([n, 2], seeds[2], -MAX_SHIFT_PIXELS, MAX_SHIFT_PIXELS)
    # Output pixel (x, y) samples input pixel inv @ (p - c - t) + c: rotate and scale about the
    # centre, then shift.
    cos, sin = tf.cos(angle) / scale, tf.sin(angle) / scale
    cx, cy = (width - 1) / 2, (height - 1) / 2
    px, py = cx + shift[:, 0], cy + shift[:, 1]
    a0, a1 = cos, sin
    b0, b1 = -sin, cos
    a2 = cx - a0 * px - a1 * py
    b2 = cy - b0 * px - b1 * py
    zeros = tf.zeros_like(angle)
    transforms = tf.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1)
    return tf.raw_ops.ImageProjectiveTransformV3(
        images=images,
        transforms=transforms,
        output_shape=shape[1:3],
        fill_value=0.0,
        interpolation="BILINEAR",
        fill_mode="CONSTANT",
    )
