"""The feature maps of each convolutional layer for one input: what CNN Explainer shows, for any
MNIST architecture (the shipped model or a person's own ``.keras`` file).

The layers are the model's own top-level convolutions, in order (a layer inside a nested model has
its tensors in that model's graph: asking the outer model for them is the "Graph disconnected"
trap, so those are not shown), and one sub-model returns all their outputs in a single pass, on
the model's own preprocessing (uint8 pixels → [0, 1], with a channel when the model takes one:
:func:`.gradcam.mnist_preprocess`).

On LiteRT the same maps come from the converted model itself, without TensorFlow: a digit model's
conversion (``core.models.mnist.serving_model``) has each shown layer's output as an extra output
named by ``core.models.layer_maps.output_name`` (``maps_00_Conv2D_conv2d``: order, layer type,
layer name), beside ``scores``, and :func:`litert_layer_maps` reads them back from one
interpreter call. The maps are the same tensors the Keras sub-model returns (tests hold them to
it), so the layer view looks the same on either runtime and never loads TensorFlow on LiteRT.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from inception_desktop.core.explain import ExplainError
from inception_desktop.core.models.layer_maps import MAPS_PREFIX, shown_outputs


@dataclass(frozen=True)
class LayerMaps:
    """One layer's maps for one input: ``maps`` float32 (H, W, C), as the layer output them."""

    name: str
    kind: str
    maps: np.ndarray

    @property
    def channels(self) -> int:
        return int(self.maps.shape[-1])


def has_layer_outputs(predictor: Any) -> bool:
    """Whether a LiteRT predictor was converted with its layers' maps as outputs."""
    return any(name.startswith(MAPS_PREFIX) for name in getattr(predictor, "outputs", ()))


def litert_layer_maps(predictor: Any, array: np.ndarray) -> list[LayerMaps]:
    """Each shown layer's maps for one uint8 (28, 28) input, from a LiteRT ``predictor`` whose
    conversion has them as outputs (one interpreter call; no TensorFlow). Raises
    :class:`ExplainError` for a conversion without them."""
    names = sorted(n for n in getattr(predictor, "outputs", ()) if n.startswith(MAPS_PREFIX))
    if not names:
        raise ExplainError(
            f"{getattr(predictor, 'path', 'the model')}: converted without its layers' maps "
            "(convert it again)"
        )
    outputs = predictor.run(np.asarray(array, np.uint8)[None])
    maps = []
    for name in names:
        _, _, kind, layer = name.split("_", 3)
        maps.append(LayerMaps(layer, kind, np.asarray(outputs[name])[0].astype(np.float32)))
    return maps


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
