"""Grad-CAM on LiteRT, without TensorFlow: the gradient of a global-average-pooling + dense head
has a closed form.

Inception v3 ends ``mixed10`` (A: H x W x K) → global average pooling → dense (kernel W, bias b)
→ softmax. The class logit is ``y_c = sum_k W[k, c] * mean_ij A_ijk + b_c``, so
``dy_c/dA_ijk = W[k, c] / (H W)`` at every position, and Grad-CAM's channel weights
``w_k = mean_ij dy_c/dA_ijk`` are ``W[k, c] / (H W)``: the map is
``ReLU(sum_k W[k, c] A_k)`` up to a positive factor, which the normalisation by the maximum
removes. The converted model gives ``mixed10`` as an extra output and holds the dense kernel
(:meth:`~inception_desktop.core.models.litert.LiteRTModel.dense_layer`), so one forward pass on
LiteRT and one matrix product in numpy make the map that :class:`.gradcam.GradCam` makes with
TensorFlow's autodiff (tests hold them within 1e-4 on the float32 model).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from inception_desktop.core.explain import ExplainError
from inception_desktop.core.explain.gradcam import INCEPTION_LAYER, CamResult, check_request


def _require_output(model: Any, layer: str) -> None:
    """Refuse a conversion without the explained layer as an output (made by an older app)."""
    if layer not in getattr(model, "outputs", ()):
        raise ExplainError(
            f"{getattr(model, 'path', 'the model')}: converted without its '{layer}' output "
            "(convert it again: inception-desktop convert inception)"
        )


def _closed_form(
    maps: np.ndarray,
    weights: np.ndarray,
    index: int,
    scores: np.ndarray,
    logit: float,
    layer: str,
) -> CamResult:
    """Grad-CAM from the layer's maps (H, W, K) and the channel weights (K,): the ReLU of their
    weighted sum, normalised by its maximum."""
    cam = np.maximum(maps @ weights, 0.0)
    peak = float(cam.max())
    return CamResult(
        (cam / peak if peak > 0 else cam).astype(np.float32),
        index,
        float(scores[index]),
        logit,
        np.asarray(scores, np.float32),
        layer,
    )


class LiteRTGradCam:
    """Grad-CAM maps of a LiteRT model whose ``layer`` output is followed by global average
    pooling and one dense layer (Inception v3's conversion: ``mixed10``)."""

    def __init__(self, model: Any, layer: str = INCEPTION_LAYER) -> None:
        _require_output(model, layer)
        self.model = model
        self.layer = layer
        self.input_shape = tuple(model.input_shape)
        self.kernel, self.bias = model.dense_layer()  # (K, classes), (classes,)
        self.num_classes = len(self.bias)

    def __call__(self, array: np.ndarray, class_index: int | None = None) -> CamResult:
        """The map for ``class_index`` (None: the top class) on this exact input."""
        array = check_request(array, self.input_shape, self.num_classes, class_index)
        features = np.asarray(self.model.run(array[None])[self.layer][0], np.float64)
        height, width, _ = features.shape
        logits = features.mean(axis=(0, 1)) @ self.kernel + self.bias
        index = int(np.argmax(logits)) if class_index is None else int(class_index)
        weights = self.kernel[:, index] / (height * width)  # dy_c/dA_ijk, the same at each ij
        scores = np.exp(logits - logits.max())
        scores /= scores.sum()
        return _closed_form(features, weights, index, scores, float(logits[index]), self.layer)


class RetrainedGradCam:
    """Grad-CAM of a retrained model on LiteRT: ``mixed10`` and the pooled features from one run
    of Inception's conversion, then the gradient through the head in numpy.

    The head sees only the pooled features f = mean_ij A_ij, so the logit's gradient with respect
    to ``mixed10`` is the same at every position: ``dy_c/dA_ijk = g_k / (H W)`` with
    ``g = dy_c/df`` back through the head's dense layers and its standardisation
    (``HeadWeights.logit_gradient``). Grad-CAM's channel weights are then ``g / (H W)``: the
    closed form of :class:`LiteRTGradCam`, with the head's gradient in place of one kernel
    column (tests hold the maps to TensorFlow's within 1e-4).
    """

    def __init__(self, model: Any, head: Any, layer: str = INCEPTION_LAYER) -> None:
        _require_output(model, layer)
        self.model = model
        self.head = head
        self.layer = layer
        self.input_shape = tuple(model.input_shape)
        self.num_classes = int(head.classes)

    def __call__(self, array: np.ndarray, class_index: int | None = None) -> CamResult:
        """The map for ``class_index`` (None: the top class) on this exact input."""
        from inception_desktop.core.models.litert import FEATURES

        array = check_request(array, self.input_shape, self.num_classes, class_index)
        outputs = self.model.run(array[None])
        maps = np.asarray(outputs[self.layer][0], np.float64)
        pooled = np.asarray(outputs[FEATURES], np.float32).reshape(1, -1)
        logits = self.head.logits(pooled)[0]
        index = int(np.argmax(logits)) if class_index is None else int(class_index)
        height, width, _ = maps.shape
        weights = self.head.logit_gradient(pooled[0], index) / (height * width)
        scores = self.head.scores(pooled)[0]
        return _closed_form(maps, weights, index, scores, float(logits[index]), self.layer)


def for_litert(
    classifier: Any, layer: str | None = None
) -> LiteRTGradCam | RetrainedGradCam | HeadGradCam | None:
    """Grad-CAM without TensorFlow for ``classifier`` when it runs on LiteRT with the explained
    layer as an output: a :class:`LiteRTGradCam` for Inception v3's conversion, a
    :class:`RetrainedGradCam` for a retrained model whose features come from it, a
    :class:`HeadGradCam` for a model converted with its layers' maps (a digit model; it raises
    :class:`ExplainError` when its head is not one it follows); None otherwise (the caller uses
    TensorFlow's Grad-CAM, or occlusion)."""
    from inception_desktop.core.models.layer_maps import MAPS_PREFIX

    predictor = getattr(classifier, "predictor", None)
    outputs = getattr(predictor, "outputs", ())
    wanted = layer or INCEPTION_LAYER
    if wanted in outputs:
        return LiteRTGradCam(predictor, wanted)
    backbone = getattr(getattr(predictor, "features", None), "litert", None)
    head = getattr(getattr(predictor, "model", None), "head", None)
    if backbone is not None and head is not None:
        if wanted != INCEPTION_LAYER:  # the closed form holds where the head's features pool
            raise ExplainError(
                f"on LiteRT a retrained model's Grad-CAM is at {INCEPTION_LAYER}, the layer its "
                f"features pool; {wanted} needs TensorFlow"
            )
        return RetrainedGradCam(backbone, head, wanted)
    if any(name.startswith(MAPS_PREFIX) for name in outputs) and hasattr(predictor, "operators"):
        return HeadGradCam(predictor, layer)
    return None


# --- any head the numpy side can follow: a digit model's conversion --------------------------
#: Operators between the explained map and the logits that :class:`HeadGradCam` follows. Each
#: is linear or piecewise linear (a fused or standalone ReLU), so the gradient computed here is
#: exactly the one TensorFlow's autodiff computes, up to float32 rounding.
HEAD_OPS = (
    "FULLY_CONNECTED",
    "CONV_2D",
    "RESHAPE",
    "MEAN",
    "MAX_POOL_2D",
    "AVERAGE_POOL_2D",
    "RELU",
    "RELU6",
)


def _activation(name: str, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(activation(z), its derivative at z) for a fused activation the head supports."""
    if name == "NONE":
        return z, np.ones_like(z)
    if name == "RELU":
        return np.maximum(z, 0.0), (z > 0).astype(z.dtype)
    if name == "RELU6":
        return np.clip(z, 0.0, 6.0), ((z > 0) & (z < 6)).astype(z.dtype)
    raise ExplainError(f"a fused {name} activation")


class _Step:
    """One head operator in numpy: ``forward`` keeps what ``backward`` needs (the activation's
    derivative, a pool's winners), for one input at a time."""

    def __init__(self, model: Any, op: Any, in_shape: tuple[int, ...]) -> None:
        self.op = op
        self.in_shape = in_shape
        self.out_shape = model.tensor_shape(op.outputs[0])
        options = op.options
        self.activation = options.get("activation", "NONE")
        self.weights: np.ndarray | None = None
        self.bias: Any = 0.0
        name = op.name
        if name in ("FULLY_CONNECTED", "CONV_2D"):
            weights = model.constant(op.inputs[1])
            if name == "CONV_2D":  # (out, kh, kw, in): a dense layer when it sees the whole map
                whole = tuple(weights.shape[1:3]) == tuple(in_shape[1:3])
                if options.get("padding") != "VALID" or not whole:
                    raise ExplainError("a convolution that does not cover its whole input")
            self.weights = weights.reshape(len(weights), -1)
            if len(op.inputs) > 2 and op.inputs[2] >= 0:
                self.bias = model.constant(op.inputs[2])
        elif name == "MEAN":
            axes = {int(a) % len(in_shape) for a in np.ravel(model.constant(op.inputs[1]))}
            if axes != {1, 2}:
                raise ExplainError(f"a mean over axes {sorted(axes)}")
        elif name in ("MAX_POOL_2D", "AVERAGE_POOL_2D"):
            size, stride = options.get("filter"), options.get("stride")
            fits = size is not None and all(
                n % k == 0 for n, k in zip(in_shape[1:3], size, strict=True)
            )
            if options.get("padding") != "VALID" or size != stride or not fits:
                raise ExplainError("a pooling whose windows overlap or leave pixels out")
        elif name == "RELU6":
            self.activation = "RELU6"
        elif name == "RELU":
            self.activation = "RELU"
        self._derivative: np.ndarray | None = None
        self._winners: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        name = self.op.name
        if name in ("FULLY_CONNECTED", "CONV_2D"):
            assert self.weights is not None
            z = x.reshape(-1, self.weights.shape[1]) @ self.weights.T + self.bias
        elif name == "MEAN":
            z = x.mean(axis=(1, 2))
        elif name in ("MAX_POOL_2D", "AVERAGE_POOL_2D"):
            n, height, width, channels = x.shape
            fh, fw = self.op.options["filter"]
            tiles = x.reshape(n, height // fh, fh, width // fw, fw, channels)
            if name == "AVERAGE_POOL_2D":
                z = tiles.mean(axis=(2, 4))
            else:
                z = tiles.max(axis=(2, 4))
                winners = tiles == z[:, :, None, :, None, :]
                self._winners = winners / winners.sum(axis=(2, 4), keepdims=True)
        else:  # RESHAPE, RELU, RELU6: the same values in another shape, or activated
            z = x
        y, self._derivative = _activation(self.activation, z)
        return y.reshape(self.out_shape)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        assert self._derivative is not None
        g = grad.reshape(self._derivative.shape) * self._derivative
        name = self.op.name
        if name in ("FULLY_CONNECTED", "CONV_2D"):
            assert self.weights is not None
            g = g @ self.weights
        elif name == "MEAN":
            height, width = self.in_shape[1:3]
            g = np.broadcast_to(g[:, None, None, :] / (height * width), self.in_shape)
        elif name in ("MAX_POOL_2D", "AVERAGE_POOL_2D"):
            fh, fw = self.op.options["filter"]
            spread = g[:, :, None, :, None, :]
            if name == "AVERAGE_POOL_2D":
                tiles = np.broadcast_to(
                    spread / (fh * fw), (*g.shape[:2], fh, g.shape[2], fw, g.shape[3])
                )
            else:
                assert self._winners is not None
                tiles = self._winners * spread
            g = tiles
        return np.asarray(g).reshape(self.in_shape)


class HeadGradCam:
    """Grad-CAM on LiteRT for a model converted with its layers' maps as outputs (a digit model:
    ``core.models.layer_maps``), when the operators from the explained map to the logits are
    ones :data:`HEAD_OPS` follows: dense layers (a convolution that sees its whole input is one),
    reshapes, global average or non-overlapping pooling, ReLUs. One interpreter call gives the
    map and the scores; the logit's gradient with respect to the map is back-propagated through
    those operators in numpy with the file's own weights (int8 ones dequantized).

    The shipped model's head after its last 4x4 map is a 4x4 convolution to 1x1 with a ReLU, a
    flatten and the dense layer: piecewise linear, so this is TensorFlow's gradient (tests hold
    the maps within 1e-4). A head with another operator (a softmax in the middle, an overlapping
    pool, a convolution that slides) raises :class:`ExplainError` saying which: the caller keeps
    occlusion for that model.
    """

    def __init__(self, model: Any, layer: str | None = None) -> None:
        from inception_desktop.core.explain.layers import MIN_SIDE
        from inception_desktop.core.models.layer_maps import MAPS_PREFIX
        from inception_desktop.core.models.litert import SCORES

        self.model = model
        self.input_shape = tuple(model.input_shape)
        outputs = model.run(np.zeros((1, *self.input_shape), model.dtype))
        maps = sorted(n for n in model.outputs if n.startswith(MAPS_PREFIX))
        named = {n.split("_", 3)[3]: n for n in maps}
        if layer is not None:
            if layer not in named:
                raise ExplainError(f"no layer named {layer!r} among the converted maps")
            chosen = named[layer]
        else:
            wide = [n for n in maps if min(outputs[n].shape[1:3]) >= MIN_SIDE]
            if not wide:
                raise ExplainError("no convolutional feature map of at least 2x2")
            chosen = wide[-1]
        self.output = chosen
        self.layer = chosen.split("_", 3)[3]
        self.num_classes = int(outputs[SCORES].shape[-1])
        self._steps = self._head(model, model.output_tensor(chosen), model.output_tensor(SCORES))

    def _head(self, model: Any, start: int, scores: int) -> list[_Step]:
        producers = {t: op for op in model.operators() for t in op.outputs}
        final = producers.get(scores)
        tensor = final.inputs[0] if final is not None and final.name == "SOFTMAX" else scores
        chain: list[Any] = []
        while tensor != start:
            op = producers.get(tensor)
            if op is None or len(chain) > 64:
                raise ExplainError(f"the scores do not follow from {self.layer} through one path")
            if op.name not in HEAD_OPS:
                raise ExplainError(
                    f"the head after {self.layer} has a {op.name} operator: Grad-CAM on LiteRT "
                    "follows dense layers, pooling, reshapes and ReLUs only"
                )
            chain.append(op)
            tensor = op.inputs[0]
        steps = []
        shape = model.tensor_shape(start)
        for op in reversed(chain):
            try:
                steps.append(_Step(model, op, shape))
            except ExplainError as exc:
                raise ExplainError(f"the head after {self.layer} has {exc}") from None
            shape = steps[-1].out_shape
        return steps

    def __call__(self, array: np.ndarray, class_index: int | None = None) -> CamResult:
        """The map for ``class_index`` (None: the top class) on this exact input."""
        from inception_desktop.core.models.litert import SCORES

        array = np.asarray(array)
        if array.shape != self.input_shape:
            raise ExplainError(f"input shape {array.shape}, expected {self.input_shape}")
        if class_index is not None and not 0 <= class_index < self.num_classes:
            raise ExplainError(f"class {class_index} is not in 0-{self.num_classes - 1}")
        outputs = self.model.run(array[None])
        features = np.asarray(outputs[self.output], np.float64)
        scores = np.asarray(outputs[SCORES][0], np.float32)
        x = features
        for step in self._steps:
            x = step.forward(x)
        logits = x.reshape(-1)
        index = int(np.argmax(scores)) if class_index is None else int(class_index)
        grad = np.zeros_like(x)
        grad.reshape(-1)[index] = 1.0
        for step in reversed(self._steps):
            grad = step.backward(grad)
        weights = grad[0].mean(axis=(0, 1))  # Grad-CAM's channel weights
        cam = np.maximum(features[0] @ weights, 0.0)
        peak = float(cam.max())
        return CamResult(
            (cam / peak if peak > 0 else cam).astype(np.float32),
            index,
            float(scores[index]),
            float(logits[index]),
            scores,
            self.layer,
        )
