"""Grad-CAM (Selvaraju et al. 2017) on the exact network input a classifier scored.

For class ``c`` with logit ``y_c`` and feature map ``A`` (H x W x K) of the explained layer:
``w_k = mean_ij dy_c/dA_ijk``, ``cam = ReLU(sum_k w_k A_k)``, divided by its maximum. This is the
formula of the Keras Grad-CAM example (keras-io ``examples/vision/grad_cam.py``), which also takes
the gradient of the logit: a saturated softmax would give an all-zero map.

One :class:`GradCam` per model: it finds the layer (``mixed10`` for Inception v3, the last
convolutional map of an MNIST network), builds the forward pass once (:mod:`.layers`) and traces
one ``tf.function`` for a single uint8 input, so each map costs about a forward and a backward
pass. The preprocessing is the classifier's own, inside the graph, as in
:class:`inception_desktop.core.models.compiled.CompiledModel`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from inception_desktop.core.explain import ExplainError
from inception_desktop.core.explain.layers import build_forward, find_layer_path

#: The layer Grad-CAM explains for Inception v3: the last mixed block, 8x8x2048 at 299x299.
INCEPTION_LAYER = "mixed10"


def check_request(
    array: np.ndarray, input_shape: tuple[int, ...], classes: int, class_index: int | None
) -> np.ndarray:
    """``array`` as an array, once it is checked to be one input of ``input_shape`` and
    ``class_index`` (None: the top class) one of ``classes``; the same rule for Grad-CAM on
    TensorFlow and on LiteRT."""
    array = np.asarray(array)
    if array.shape != tuple(input_shape):
        raise ExplainError(f"input shape {array.shape}, expected {input_shape}")
    if class_index is not None and not 0 <= class_index < classes:
        raise ExplainError(f"class {class_index} is not in 0-{classes - 1}")
    return array


@dataclass(frozen=True)
class CamResult:
    """One explanation.

    Attributes:
        cam: float32 (h, w) in [0, 1] at the feature map's own size (8x8 for Inception v3).
        class_index: the explained class.
        score: the class's probability for this input (softmax of the logits, as the model says).
        logit: the class's logit, whose gradient made the map.
        scores: all probabilities, from the same pass.
        layer: the explained layer's name.
    """

    cam: np.ndarray
    class_index: int
    score: float
    logit: float
    scores: np.ndarray
    layer: str


class GradCam:
    """Grad-CAM maps for one Keras model.

    Args:
        model: a Keras model taking ``preprocess``'s output.
        input_shape: one input's shape (without batch), in the dtype ``dtype`` (uint8 pixels).
        preprocess: the classifier's own preprocessing (a TensorFlow function on the batch).
        layer: the layer to explain, by name; None: the last convolutional feature map.
    """

    def __init__(
        self,
        model: Any,
        input_shape: tuple[int, ...],
        preprocess: Callable[[Any], Any],
        layer: str | None = None,
        dtype: Any = np.uint8,
    ) -> None:
        from inception_desktop.core.quiet import import_tensorflow

        tf = import_tensorflow()
        path = find_layer_path(model, layer)
        self.layer = path[-1].name
        self.input_shape = tuple(input_shape)
        self.dtype = np.dtype(dtype)
        forward = build_forward(model, path)
        self.num_classes = int(_single_output(model).shape[-1])

        def explain(x: Any, class_index: Any) -> tuple[Any, ...]:
            with tf.GradientTape() as tape:
                features, logits = forward(preprocess(x))
                chosen = tf.where(
                    class_index < 0, tf.argmax(logits[0], output_type=tf.int32), class_index
                )
                target = logits[0, chosen]
            grads = tape.gradient(target, features)
            weights = tf.reduce_mean(grads, axis=(1, 2))  # (1, K)
            cam = tf.nn.relu(tf.reduce_sum(features * weights[:, None, None, :], axis=-1))[0]
            return cam, chosen, logits[0]

        # No AutoGraph: ``explain`` has no Python control flow on tensors, and converting the
        # model's code only costs tracing time (and warnings when a source file changed).
        self._explain = tf.function(
            explain,
            autograph=False,
            input_signature=[
                tf.TensorSpec((1, *self.input_shape), tf.as_dtype(self.dtype)),
                tf.TensorSpec((), tf.int32),
            ],
        )

    def __call__(self, array: np.ndarray, class_index: int | None = None) -> CamResult:
        """The map for ``class_index`` (None: the top class) on this exact input."""
        array = check_request(array, self.input_shape, self.num_classes, class_index)
        cam, chosen, logits = self._explain(
            np.ascontiguousarray(array, self.dtype)[None],
            np.int32(-1 if class_index is None else class_index),
        )
        cam = cam.numpy()
        peak = float(cam.max())
        logits = logits.numpy().astype(np.float64)
        scores = np.exp(logits - logits.max())
        scores /= scores.sum()
        index = int(chosen.numpy())
        return CamResult(
            (cam / peak if peak > 0 else cam).astype(np.float32),
            index,
            float(scores[index]),
            float(logits[index]),
            scores.astype(np.float32),
            self.layer,
        )


def _single_output(model: Any) -> Any:
    outputs = model.outputs
    if len(outputs) != 1:
        raise ExplainError(f"{model.name}: a model with one output is needed")
    return outputs[0]


def for_classifier(classifier: Any, layer: str | None = None) -> GradCam:
    """A :class:`GradCam` for a TensorFlow-runtime classifier (Inception v3 or MNIST).

    The model and its preprocessing come from the classifier's predictor; a LiteRT classifier
    has no gradients, and says so.
    """
    model = getattr(classifier.predictor, "model", None)
    if model is None:
        raise ExplainError(f"{classifier.name}: Grad-CAM needs the TensorFlow runtime")
    from inception_desktop.core.models import inception

    shape = tuple(classifier.input_shape)
    if shape == inception.INPUT_SHAPE:
        return GradCam(model, shape, inception.preprocess, layer or INCEPTION_LAYER)
    return GradCam(model, shape, mnist_preprocess(model), layer)


def mnist_preprocess(model: Any) -> Callable[[Any], Any]:
    """uint8 (N, 28, 28) → float32 [0, 1], with a channel when the model takes one (as the
    MNIST classifier does)."""
    from inception_desktop.core.digit import contract

    takes_channel = len(model.inputs[0].shape) == 4

    def preprocess(x: Any) -> Any:
        import tensorflow as tf

        x = tf.cast(x, tf.float32) / contract.PIXEL_MAX
        return x[..., None] if takes_channel else x

    return preprocess


def with_dense_head(
    backbone: Any,
    features_layer: str,
    mean: np.ndarray,
    variance: np.ndarray,
    kernels: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
) -> Any:
    """One Keras model: ``backbone`` up to ``features_layer`` (pooled features), then a head
    given as arrays — standardisation by ``mean`` and ``variance``, dense layers with ReLU
    between and a softmax last (a retrained model's head, served in numpy).

    The backbone up to its features is nested in the result as a model of its own, as a
    transfer model nests its base: :class:`GradCam` reaches ``mixed10`` inside it through
    :func:`.layers.build_forward`, with no "Graph disconnected", and takes the gradient of the
    head's logit (the last dense layer before its softmax).
    """
    import keras

    features = keras.Model(
        backbone.inputs[0], backbone.get_layer(features_layer).output, name="backbone"
    )
    pixels = keras.Input(tuple(backbone.inputs[0].shape[1:]), name="pixels")
    x = features(pixels)
    x = keras.layers.Normalization(
        mean=np.asarray(mean, np.float32), variance=np.asarray(variance, np.float32)
    )(x)
    for n, (kernel, bias) in enumerate(zip(kernels, biases, strict=True)):
        last = n == len(kernels) - 1
        dense = keras.layers.Dense(
            kernel.shape[1], activation="softmax" if last else "relu", name=f"head_{n}"
        )
        x = dense(x)
        dense.set_weights([np.asarray(kernel, np.float32), np.asarray(bias, np.float32)])
    return keras.Model(pixels, x, name="retrained")


def retrained_for_gradcam(classifier: Any) -> Any | None:
    """What :func:`for_classifier` explains for a retrained classifier (Inception's features
    on TensorFlow, then the head in numpy): a classifier-like object whose ``predictor.model``
    is one Keras model of the backbone and the head (:func:`with_dense_head`), answering with
    the classifier's own scores; None when its features are not computed by Keras (LiteRT)."""
    from types import SimpleNamespace

    from inception_desktop.core.models.inception import FEATURES_LAYER

    predictor: Any = getattr(classifier, "predictor", None)
    backbone = getattr(getattr(predictor, "features", None), "keras", None)
    head = getattr(getattr(predictor, "model", None), "head", None)
    if backbone is None or head is None:
        return None
    model = with_dense_head(
        backbone, FEATURES_LAYER, head.mean, head.variance, head.kernels, head.biases
    )
    return SimpleNamespace(
        name=classifier.name,
        labels=classifier.labels,
        input_shape=tuple(classifier.input_shape),
        predictor=SimpleNamespace(model=model, predict_batch=predictor.predict_batch),
    )
