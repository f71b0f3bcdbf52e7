"""Finding the feature map to explain, and a forward pass that exposes it with the class logits.

A Keras model may nest models (a transfer model inside a wrapper that scales pixels, a backbone
inside a classifier). A layer inside a nested model has tensors in that model's own graph, so
``keras.Model(outer.inputs, inner_layer.output)`` fails with "Graph disconnected". Here the outer
graph is cut at the nested model's call: the part before it, the nested model (recursively, with
the target exposed), and the part after it are separate sub-models chained in one call.

Grad-CAM needs the logit (pre-softmax score): a saturated softmax has zero gradient. When the
model ends in a softmax (a ``Dense`` with softmax activation, or a softmax ``Activation`` /
``Softmax`` layer), the forward pass stops at that layer's input and applies the layer's linear
part itself: ``x @ kernel + bias`` for a Dense.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from inception_desktop.core.explain import ExplainError

#: Layers that move or drop activations without computing features: never the explained map.
SKIPPED_TYPES = (
    "InputLayer",
    "Dropout",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "GaussianNoise",
    "GaussianDropout",
    "MaxPooling2D",
    "AveragePooling2D",
    "ZeroPadding2D",
    "Cropping2D",
    "Rescaling",
    "Resizing",
    "Normalization",
)
#: Smallest side of a useful map: a 1x1 map says nothing about where.
MIN_SIDE = 2

Forward = Callable[[Any], tuple[Any, Any]]


def _is_model(layer: Any) -> bool:
    import keras

    return isinstance(layer, keras.Model)


def _output_shape(layer: Any) -> tuple[Any, ...] | None:
    try:
        return tuple(layer.output.shape)
    except (AttributeError, ValueError):  # never called, or called several times
        return None


def is_feature_map(layer: Any) -> bool:
    """A layer whose output is a (batch, H, W, C) map with H and W at least :data:`MIN_SIDE`."""
    if type(layer).__name__ in SKIPPED_TYPES or _is_model(layer):
        return False
    shape = _output_shape(layer)
    return (
        shape is not None
        and len(shape) == 4
        and all(side is not None and side >= MIN_SIDE for side in shape[1:3])
    )


def find_layer_path(model: Any, name: str | None = None) -> list[Any]:
    """The layers from ``model``'s top level down to the explained one (nested models between).

    ``name`` picks a layer by name (searched in nested models too); None picks the last
    convolutional feature map (see :func:`is_feature_map`). Raises :class:`ExplainError`.
    """
    for layer in reversed(model.layers):
        if _is_model(layer):
            try:
                return [layer, *find_layer_path(layer, name)]
            except ExplainError:
                pass
        if (layer.name == name) if name is not None else is_feature_map(layer):
            return [layer]
    what = f"no layer named {name!r}" if name else "no convolutional feature map"
    raise ExplainError(f"{model.name}: {what} to explain")


def _call_node(model: Any, layer: Any) -> Any:
    """The node where ``model``'s own graph calls ``layer`` (walking back from its outputs)."""
    seen: set[int] = set()
    tensors = list(model.outputs)
    while tensors:
        tensor = tensors.pop()
        history = getattr(tensor, "_keras_history", None)
        if history is None:
            continue
        node = history.operation._inbound_nodes[history.node_index]
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.operation is layer:
            return node
        tensors.extend(node.input_tensors)
    raise ExplainError(f"{model.name}: layer {layer.name!r} is not on the path to the output")


def _single(tensors: Any) -> Any:
    if isinstance(tensors, (list, tuple)):
        if len(tensors) != 1:
            raise ExplainError("only layers with one input and one output can be explained")
        return tensors[0]
    return tensors


def _logit_head(model: Any) -> tuple[Any, Callable[[Any], Any], Any]:
    """(tensor, to_logits, final layer): ``to_logits(tensor)`` are the model's logits."""
    import keras

    final_tensor = _single(model.outputs)
    final = final_tensor._keras_history.operation
    node = final._inbound_nodes[final_tensor._keras_history.node_index]
    activation = getattr(final, "activation", None)
    is_softmax = activation is keras.activations.softmax or type(final).__name__ == "Softmax"
    if isinstance(final, keras.layers.Dense) and activation is keras.activations.softmax:
        kernel, bias = final.kernel, final.bias

        def dense_logits(x: Any) -> Any:
            import tensorflow as tf

            out = tf.matmul(x, kernel)
            return out + bias if bias is not None else out

        return _single(node.input_tensors), dense_logits, final
    if is_softmax:
        return _single(node.input_tensors), lambda x: x, final
    return final_tensor, lambda x: x, final


def _submodel(inputs: Any, outputs: Any) -> Callable[[Any], Any]:
    import keras

    if inputs is outputs:
        return lambda x: x
    part = keras.Model(inputs, outputs)
    return lambda x: part(x, training=False)


def build_forward(model: Any, path: list[Any], logits: bool = True) -> Forward:
    """``x -> (feature map, logits)`` for the layer at the end of ``path`` (from
    :func:`find_layer_path`); with ``logits=False`` the second value is the model's output."""
    top = path[0]
    model_input = _single(model.inputs)
    if logits:
        head, to_logits, final = _logit_head(model)
        if final is top and len(path) > 1:  # a wrapper whose last layer is the real classifier
            node = _call_node(model, top)
            before = _submodel(model_input, _single(node.input_tensors))
            inner = build_forward(top, path[1:], logits=True)
            return lambda x: inner(before(x))
    else:
        head, to_logits = _single(model.outputs), (lambda x: x)
    node = _call_node(model, top)
    if len(path) == 1:
        both = _submodel(model_input, [_single(node.output_tensors), head])

        def forward(x: Any) -> tuple[Any, Any]:
            features, out = both(x)
            return features, to_logits(out)

        return forward
    before = _submodel(model_input, _single(node.input_tensors))
    inner = build_forward(top, path[1:], logits=False)
    after = _submodel(_single(node.output_tensors), head)

    def nested(x: Any) -> tuple[Any, Any]:
        features, out = inner(before(x))
        return features, to_logits(after(out))

    return nested
