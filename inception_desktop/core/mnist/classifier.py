"""The MNIST classifier the app and the CLI call: the shipped model, or a user's ``.keras`` file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from inception_desktop.core.mnist.model_file import load_model, read_metadata
from inception_desktop.core.resource_files import MNIST_MODEL, resource_path

SHIPPED = "mnist"


def _preprocess_for(model: Any) -> Any:
    takes_channel = len(model.inputs[0].shape) == 4

    def preprocess(x: Any) -> Any:
        import tensorflow as tf

        x = tf.cast(x, tf.float32) / 255.0
        return x[..., None] if takes_channel else x

    return preprocess


def load_classifier(path: str | Path | None = None) -> Any:
    """A traced, warmed-up classifier of uint8 (28, 28) inputs (ink bright on black).

    ``path`` None or ``"mnist"`` means the model shipped in ``resources/``; any other file is
    loaded with ``safe_mode=True`` and checked for a 28x28 input and 10 outputs.
    """
    from inception_desktop.core.classifier import Classifier
    from inception_desktop.core.compiled import CompiledModel
    from inception_desktop.core.device import describe_device
    from inception_desktop.core.labels import DIGIT_LABELS

    if path is None or str(path) == SHIPPED:
        with resource_path(MNIST_MODEL) as shipped:
            model = load_model(shipped)
            meta = read_metadata(shipped)
        name = f"MNIST {meta.get('architecture', 'model')}"
    else:
        model = load_model(path)
        name = f"MNIST {Path(path).stem}"
    compiled = CompiledModel(model, (28, 28), np.uint8, _preprocess_for(model))
    return Classifier(name, compiled, DIGIT_LABELS, describe_device())
