"""Inception v3 on ImageNet: Keras' own architecture, its preprocessing, and our classifier.

Inputs are 299x299 RGB uint8 arrays (what :mod:`inception_desktop.core.framing` produces);
Inception's preprocessing (scale to [-1, 1]) runs inside the compiled graph.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inception_desktop.core.weights import WeightsError

INPUT_SIZE = 299
INPUT_SHAPE = (INPUT_SIZE, INPUT_SIZE, 3)
NAME = "Inception v3"


def preprocess(x: Any) -> Any:
    """uint8 RGB → float32 in [-1, 1], as ``keras.applications.inception_v3.preprocess_input``."""
    import tensorflow as tf

    return tf.cast(x, tf.float32) / 127.5 - 1.0


def build_model(weights: str | Path | None = None) -> Any:
    """Keras' InceptionV3 with 1000-class softmax top, loaded from a legacy-H5 weights file."""
    import keras

    model = keras.applications.InceptionV3(weights=None, include_top=True, classes=1000)
    if weights is not None:
        path = Path(weights)
        if path.suffix.lower() not in (".h5", ".hdf5", ".weights.h5"):
            raise WeightsError(f"{path}: weights must be an HDF5 file (.h5)")
        try:
            model.load_weights(path)
        except Exception as exc:  # h5py/Keras raise many types; all mean "this file won't do"
            text = (str(exc).strip() or type(exc).__name__).splitlines()[0][:300]
            raise WeightsError(f"{path}: not usable as Inception v3 weights ({text})") from exc
    return model


def load_classifier(weights: str | Path | None = None) -> Any:
    """The ready-to-call Inception v3 classifier (traced and warmed up).

    ``weights`` defaults to the installed file; :class:`WeightsError` says how to get one.
    """
    import numpy as np

    from inception_desktop.core import weights as weights_module
    from inception_desktop.core.classifier import Classifier
    from inception_desktop.core.compiled import CompiledModel
    from inception_desktop.core.device import describe_device
    from inception_desktop.core.labels import imagenet_labels

    path = Path(weights) if weights is not None else weights_module.require()
    model = build_model(path)
    compiled = CompiledModel(model, INPUT_SHAPE, np.uint8, preprocess)
    return Classifier(NAME, compiled, imagenet_labels(), describe_device())


def make_random_weights(path: str | Path, seed: int = 0) -> Path:
    """Write Inception v3 weights with fixed random values, in the official file's legacy-H5 layout.

    The official weights cannot be fetched everywhere (tests, CI, offline demos); this file goes
    through exactly the same loading path, so only the scores are meaningless.
    """
    import h5py
    import keras
    from keras.src.legacy.saving import legacy_h5_format

    keras.utils.set_random_seed(seed)
    model = keras.applications.InceptionV3(weights=None, include_top=True, classes=1000)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)
    return path
