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
from inception_desktop.core.explain.gradcam import INCEPTION_LAYER, CamResult


class LiteRTGradCam:
    """Grad-CAM maps of a LiteRT model whose ``layer`` output is followed by global average
    pooling and one dense layer (Inception v3's conversion: ``mixed10``)."""

    def __init__(self, model: Any, layer: str = INCEPTION_LAYER) -> None:
        if layer not in getattr(model, "outputs", ()):
            raise ExplainError(
                f"{getattr(model, 'path', 'the model')}: converted without its '{layer}' output "
                "(convert it again: inception-desktop convert inception)"
            )
        self.model = model
        self.layer = layer
        self.input_shape = tuple(model.input_shape)
        self.kernel, self.bias = model.dense_layer()  # (K, classes), (classes,)
        self.num_classes = len(self.bias)

    def __call__(self, array: np.ndarray, class_index: int | None = None) -> CamResult:
        """The map for ``class_index`` (None: the top class) on this exact input."""
        array = np.asarray(array)
        if array.shape != self.input_shape:
            raise ExplainError(f"input shape {array.shape}, expected {self.input_shape}")
        if class_index is not None and not 0 <= class_index < self.num_classes:
            raise ExplainError(f"class {class_index} is not in 0-{self.num_classes - 1}")
        features = np.asarray(self.model.run(array[None])[self.layer][0], np.float64)
        height, width, _ = features.shape
        logits = features.mean(axis=(0, 1)) @ self.kernel + self.bias
        index = int(np.argmax(logits)) if class_index is None else int(class_index)
        weights = self.kernel[:, index] / (height * width)  # dy_c/dA_ijk, the same at each ij
        cam = np.maximum(features @ weights, 0.0)
        peak = float(cam.max())
        scores = np.exp(logits - logits.max())
        scores /= scores.sum()
        return CamResult(
            (cam / peak if peak > 0 else cam).astype(np.float32),
            index,
            float(scores[index]),
            float(logits[index]),
            scores.astype(np.float32),
            self.layer,
        )


def for_litert(classifier: Any, layer: str | None = None) -> LiteRTGradCam | None:
    """A :class:`LiteRTGradCam` for ``classifier`` when it runs on LiteRT with the explained
    layer as an output (Inception v3's conversion); None otherwise (the caller uses
    TensorFlow's Grad-CAM, or occlusion)."""
    predictor = getattr(classifier, "predictor", None)
    wanted = layer or INCEPTION_LAYER
    if predictor is None or wanted not in getattr(predictor, "outputs", ()):
        return None
    return LiteRTGradCam(predictor, wanted)
