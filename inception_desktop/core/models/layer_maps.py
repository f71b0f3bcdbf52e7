"""Which layers a digit model's layer view shows, and their names as outputs of its conversion.

The layer view shows each top-level convolution's maps, as the next layer reads them (after the
normalisation and activation that directly follow it). A conversion for LiteRT
(:func:`.mnist.serving_model`) adds those tensors as extra outputs beside ``scores``, so the
window reads the maps from the interpreter without TensorFlow
(``core.explain.features.litert_layer_maps``); the Keras side
(``core.explain.features.FeatureMaps``) picks the same layers through :func:`shown_outputs`.
This lives with the models, below ``core.explain``, because the conversion needs it.
"""

from __future__ import annotations

from typing import Any

#: Layer types whose output is shown (the convolutions; their activations are fused or follow).
CONV_TYPES = ("Conv2D", "SeparableConv2D", "DepthwiseConv2D", "Conv2DTranspose")
#: Layers right after a convolution whose output is shown in its place: its normalised and
#: activated maps (what the next layer reads, as CNN Explainer shows them).
FOLLOWERS = ("BatchNormalization", "Activation", "ReLU", "LeakyReLU", "ELU", "PReLU")


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


#: Start of the converted model's output names that hold a layer's maps (see :func:`output_name`).
MAPS_PREFIX = "maps_"


def output_name(index: int, layer: Any) -> str:
    """The converted model's output name for the ``index``-th shown layer: order first (LiteRT
    lists outputs by name), then the layer's type and name, so the LiteRT side can caption it as
    the Keras side does. Layer types have no underscore; Keras layer names have no slash."""
    return f"{MAPS_PREFIX}{index:02d}_{type(layer).__name__}_{layer.name}"


def layer_outputs(model: Any) -> dict[str, Any]:
    """``{output name: tensor}`` of every shown layer of ``model`` (for a conversion that
    exposes them; empty when it has no top-level convolution)."""
    return {
        output_name(i, conv): shown.output for i, (conv, shown) in enumerate(shown_outputs(model))
    }
