"""The feature maps of each convolutional layer for one input: what CNN Explainer shows, for any
MNIST architecture (the shipped model or a person's own ``.keras`` file).

The layers are the model's own top-level convolutions, in order (a layer inside a nested model has
its tensors in that model's graph: asking the outer model for them is the "Graph disconnected"
trap, so those are not shown), and one sub-model returns all their outputs in a single pass, on
the model's own preprocessing (uint8 pixels → [0, 1], with a channel when the model takes one:
:func:`.gradcam.mnist_preprocess`).
A digit classifier on LiteRT has no Keras model: :func:`load_digit_model` loads it (TensorFlow is
imported then; callers say so to people), cached per file.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from inception_desktop.core.explain import ExplainError

#: Layer types whose output is shown (the convolutions; their activations are fused or follow).
CONV_TYPES = ("Conv2D", "SeparableConv2D", "DepthwiseConv2D", "Conv2DTranspose")
#: Layers right after a convolution whose output is shown in its place: its normalised and
#: activated maps (what the next layer reads, as CNN Explainer shows them).
FOLLOWERS = ("BatchNormalization", "Activation", "ReLU", "LeakyReLU", "ELU", "PReLU")


@dataclass(frozen=True)
class LayerMaps:
    """One layer's maps for one input: ``maps`` float32 (H, W, C), as the layer output them."""

    name: str
    kind: str
    maps: np.ndarray

    @property
    def channels(self) -> int:
        return int(self.maps.shape[-1])


def shown_outputs(model: Any) -> list[tuple[Any, Any]]:
    """(convolution, the layer whose output stands for it): the last of the normalisation and
    activation layers that directly follow it in ``model.layers`` (itself when none do)."""
    pairs: list[tuple[Any, Any]] = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind in CONV_TYPES:
            pairs.append((layer, layer))
        elif pairs and kind in FOLLOWERS and pairs[-1][1] is _previous(model, layer):
            pairs[-1] = (pairs[-1][0], layer)
    return pairs


def _previous(model: Any, layer: Any) -> Any:
    index = model.layers.index(layer)
    return model.layers[index - 1] if index > 0 else None


class FeatureMaps:
    """All convolutional layers' maps of ``model`` for uint8 (28, 28) inputs, one pass each."""

    def __init__(self, model: Any) -> None:
        import keras

        from inception_desktop.core.explain.gradcam import mnist_preprocess

        pairs = shown_outputs(model)
        if not pairs:
            raise ExplainError(f"{model.name}: no convolutional layer at its top level to show")
        self.layers = [conv for conv, _ in pairs]
        self._model = keras.Model(model.inputs, [shown.output for _, shown in pairs])
        self._preprocess = mnist_preprocess(model)

    def __call__(self, array: np.ndarray) -> list[LayerMaps]:
        x = np.asarray(array, np.uint8)[None]
        outputs = self._model(self._preprocess(x), training=False)
        if not isinstance(outputs, (list, tuple)):
            outputs = [outputs]
        return [
            LayerMaps(layer.name, type(layer).__name__, np.asarray(out)[0].astype(np.float32))
            for layer, out in zip(self.layers, outputs, strict=True)
        ]


_models: dict[str, Any] = {}
_lock = threading.Lock()


def is_loaded(path: str | Path | None) -> bool:
    """Whether :func:`load_digit_model` holds this file's model already (no TensorFlow wait)."""
    return ("" if path is None else str(Path(path).resolve())) in _models


def load_digit_model(path: str | Path | None) -> Any:
    """The Keras MNIST model in ``path`` (None: the shipped one), loaded once per file."""
    from inception_desktop.core.models.mnist_file import load_model
    from inception_desktop.core.quiet import import_tensorflow
    from inception_desktop.core.store.resources import MNIST_MODEL, resource_path

    key = "" if path is None else str(Path(path).resolve())
    with _lock:
        if key not in _models:
            import_tensorflow()
            if path is None:
                with resource_path(MNIST_MODEL) as keras_file:
                    _models[key] = load_model(keras_file)
            else:
                _models[key] = load_model(path)
        return _models[key]


def mosaic(maps: np.ndarray, columns: int | None = None, gap: int = 1) -> np.ndarray:
    """(H, W, C) maps as one uint8 grey grid of C tiles (each scaled to its own range, 255 =
    its most active pixel), ``gap`` pixels of 0 between tiles; about square by default."""
    maps = np.asarray(maps, np.float32)
    height, width, count = maps.shape
    columns = columns or int(np.ceil(np.sqrt(count)))
    rows = int(np.ceil(count / columns))
    out = np.zeros((rows * (height + gap) - gap, columns * (width + gap) - gap), np.uint8)
    low = maps.min(axis=(0, 1))
    span = maps.max(axis=(0, 1)) - low
    scaled = (maps - low) / np.where(span > 0, span, 1.0)
    tiles = np.round(scaled * 255).astype(np.uint8)
    for k in range(count):
        r, c = divmod(k, columns)
        y, x = r * (height + gap), c * (width + gap)
        out[y : y + height, x : x + width] = tiles[..., k]
    return out
