"""Geometric augmentation for MNIST batches, each one ``ImageProjectiveTransformV3`` call or less.

* :func:`random_affine` — ours: shifts, small rotations and scale, with a constant black fill;
  never reflection padding (it invents strokes at the border).
* :func:`shift_one_pixel` — Nielsen's expansion of the training set: each image also shifted one
  pixel up, down, left and right.
* :func:`random_flip` — horizontal flips of half the images, as the TensorFlow Inception pipeline
  of Chu's guide did. Only for reproducing that run: a flipped 2 looks like a loopy 6 and a flipped
  5 like a 2, which cost his Inception v3 ~25 of its 95 test errors. Our recipes never flip.

One transform call per batch instead of chained Keras layers keeps the input pipeline cheap on a
two-core machine; every random choice comes from a stateless seed, so a run is reproducible.
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


#: Nielsen's five versions of an image: as is, then shifted (dx, dy) one pixel up, down, left,
#: right (+x is right, +y is down).
SHIFTS = ((0, 0), (0, -1), (0, 1), (-1, 0), (1, 0))


def shift_one_pixel(images: Any, variants: Any) -> Any:
    """Shift each image of a (N, H, W, 1) float batch by ``SHIFTS[variants[i]]``, black fill.

    Integer shifts with nearest-neighbour sampling: pixels move, none is interpolated.
    """
    import tensorflow as tf

    shifts = tf.gather(tf.constant(SHIFTS, tf.float32), variants)
    ones = tf.ones_like(shifts[:, 0])
    zeros = tf.zeros_like(ones)
    # Output pixel (x, y) samples input pixel (x - dx, y - dy).
    transforms = tf.stack(
        [ones, zeros, -shifts[:, 0], zeros, ones, -shifts[:, 1], zeros, zeros], axis=1
    )
    return tf.raw_ops.ImageProjectiveTransformV3(
        images=images,
        transforms=transforms,
        output_shape=tf.shape(images)[1:3],
        fill_value=0.0,
        interpolation="NEAREST",
        fill_mode="CONSTANT",
    )


def random_flip(images: Any, seed: Any) -> Any:
    """Mirror left-right a random half of a (N, H, W, C) batch; ``seed`` as for random_affine."""
    import tensorflow as tf

    flip = tf.random.stateless_uniform([tf.shape(images)[0]], seed) < 0.5
    return tf.where(flip[:, None, None, None], tf.reverse(images, axis=[2]), images)
