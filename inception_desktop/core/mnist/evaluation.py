"""Evaluating an MNIST model on the test split: accuracy, per-class accuracy, confusions."""

from __future__ import annotations

from typing import Any

import numpy as np

BATCH = 1000


def predict_scores(model: Any, images: np.ndarray) -> np.ndarray:
    """Softmax scores (N, 10) for uint8 (N, 28, 28) images, in batches (evaluation, not the GUI)."""
    from inception_desktop.core.mnist.training import to_input

    outputs = [
        np.asarray(model(to_input(images[i : i + BATCH]), training=False))
        for i in range(0, len(images), BATCH)
    ]
    return np.concatenate(outputs) if outputs else np.zeros((0, 10), np.float32)


def accuracy(model: Any, images: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of ``images`` whose top-1 class equals ``labels``."""
    predicted = predict_scores(model, images).argmax(axis=1)
    return float((predicted == labels).mean())
