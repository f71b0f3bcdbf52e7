"""What the Photo and Digit explanations share: the worker-side choice of method, and the heat's
pictures (the colour scale's overlay, a legend, the controls).

Worker side (called from a request's ``serve``, on the worker thread): :func:`explainer_for`
picks Grad-CAM where the model has gradients (:func:`has_gradients`: on LiteRT in closed form for
Inception v3, a retrained model and a digit model; on TensorFlow by autodiff, traced on first use)
and occlusion otherwise (a digit head LiteRT's Grad-CAM cannot follow, a fake in tests).
Explainers are kept per model object, so a model loaded again
(another runtime, another file) gets its own, and a dropped model takes its explainers with it.

GUI side: :func:`heat_qimage` turns a [0, 1] map into a premultiplied ARGB image of the colour
scale (core.explain.colormap, the same colours as the command line's overlays), more opaque where
hotter, scaled by an opacity the person sets; :class:`HeatLegend` draws the scale.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QLinearGradient, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from inception_desktop.core.explain.colormap import ANCHORS, MAX_ALPHA, MIN_ALPHA, colorize
from inception_desktop.core.explain.gradcam import INCEPTION_LAYER

AUTO, GRADCAM, OCCLUSION = "auto", "gradcam", "occlusion"
METHOD_NAMES = {AUTO: "Auto", GRADCAM: "Grad-CAM", OCCLUSION: "Occlusion"}
#: Opacity of the overlay at start (the slider's value, percent).
DEFAULT_OPACITY = 70


# --- worker side -------------------------------------------------------------------------------
class _ScoresPredictor:
    """``predict_batch`` over a model that only has ``scores`` (a fake classifier)."""

    def __init__(self, model: Any) -> None:
        self._model = model

    def predict_batch(self, arrays: np.ndarray, batch_size: int = 16) -> np.ndarray:
        return np.stack([self._model.scores(a) for a in arrays])


def as_classifier(model: Any) -> Any:
    """``model`` as core.explain wants a classifier (``input_shape``, ``predictor`` with
    ``predict_batch``, ``labels``, ``name``)."""
    if getattr(model, "predictor", None) is not None:
        return model
    return SimpleNamespace(
        name=model.name,
        input_shape=tuple(model.input_shape),
        labels=tuple(model.labels),
        predictor=_ScoresPredictor(model),
    )


@dataclass
class _Explainers:
    by_method: dict[str, Any]
    gradcam_error: str | None = None


_cache: weakref.WeakKeyDictionary[Any, _Explainers] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def has_gradients(model: Any) -> bool:
    """Whether Grad-CAM can run on ``model`` as loaded: Inception v3 on LiteRT (its conversion
    gives ``mixed10``: the gradient has a closed form, no TensorFlow), a retrained model whose
    features come from that conversion (the head's gradient in numpy), a digit model on LiteRT
    converted with its layers' maps (the gradient through its head in numpy, where the head
    allows: else :func:`explainer_for` keeps occlusion), a Keras model on TensorFlow, or a
    retrained model whose features Keras computes (TensorFlow runtime)."""
    from inception_desktop.core.explain.features import has_layer_outputs

    predictor = getattr(model, "predictor", None)
    if INCEPTION_LAYER in getattr(predictor, "outputs", ()) or has_layer_outputs(predictor):
        return True
    backbone = getattr(getattr(predictor, "features", None), "litert", None)
    if INCEPTION_LAYER in getattr(backbone, "outputs", ()):
        return True
    if getattr(getattr(predictor, "features", None), "keras", None) is not None:
        return True
    return type(predictor).__name__ == "CompiledModel" and hasattr(predictor, "model")


def explainer_for(model: Any, method: str = AUTO, **occlusion: Any) -> tuple[Any, str | None]:
    """(explainer, note) for ``model`` on the worker thread: Grad-CAM when asked (or on
    ``auto``) and possible, else occlusion; ``note`` says why Grad-CAM was not used when it was
    asked for. ``occlusion`` holds the occlusion explainer's options (grid, fill)."""
    from inception_desktop.core.explain.explainer import Explainer

    with _lock:
        entry = _cache.get(model)
        if entry is None:
            entry = _cache[model] = _Explainers({})
    note = None
    if method in (AUTO, GRADCAM):
        if GRADCAM not in entry.by_method and entry.gradcam_error is None:
            if has_gradients(model):
                try:
                    from inception_desktop.core.explain.gradcam import retrained_for_gradcam

                    explained = retrained_for_gradcam(model) or model
                    entry.by_method[GRADCAM] = Explainer(explained, GRADCAM)
                except Exception as exc:  # a model whose feature map cannot be found
                    entry.gradcam_error = f"Grad-CAM cannot explain {model.name}: {exc}"
            else:
                entry.gradcam_error = (
                    "No gradients for Grad-CAM from this model here (a Keras model has them on "
                    "View › Runtime › TensorFlow)"
                )
        if GRADCAM in entry.by_method:
            return entry.by_method[GRADCAM], None
        note = entry.gradcam_error if method == GRADCAM else None
    key = f"{OCCLUSION}-{sorted(occlusion.items())}"
    if key not in entry.by_method:
        entry.by_method[key] = Explainer(as_classifier(model), OCCLUSION, **occlusion)
    return entry.by_method[key], note


def method_text(method: str, layer: str | None, grid: int | None = None) -> str:
    """How a map was made, for people: "Grad-CAM at mixed10", "occlusion 8x8"."""
    if method == GRADCAM:
        return f"Grad-CAM at {layer}" if layer else "Grad-CAM"
    return f"occlusion {grid}x{grid}" if grid else "occlusion"


# --- GUI side ----------------------------------------------------------------------------------
def heat_rgba(heat: np.ndarray, opacity: float) -> np.ndarray:
    """(H, W, 4) uint8 premultiplied RGBA of the colour scale; alpha grows with the heat as in
    the command line's overlays, times ``opacity`` (0-1)."""
    heat = np.clip(np.asarray(heat, np.float32), 0.0, 1.0)
    alpha = (MIN_ALPHA + (MAX_ALPHA - MIN_ALPHA) * heat) / MAX_ALPHA * float(opacity)
    alpha = np.clip(alpha, 0.0, 1.0)
    rgb = colorize(heat).astype(np.float32) * alpha[..., None]
    out = np.empty((*heat.shape, 4), np.uint8)
    out[..., :3] = np.round(rgb)
    out[..., 3] = np.round(alpha * 255)
    return out


def heat_qimage(heat: np.ndarray | None, opacity: float) -> QImage | None:
    """The overlay as a QImage (a deep copy), or None for no map."""
    if heat is None or heat.size == 0:
        return None
    rgba = np.ascontiguousarray(heat_rgba(heat, opacity))
    h, w = rgba.shape[:2]
    image = QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888_Premultiplied)
    return image.copy()


class HeatLegend(QWidget):
    """The colour scale from cold to hot, with what the ends mean."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip(
            "The heat scale: red is where the answer depends most on the input, dark blue least"
        )

    def sizeHint(self) -> QSize:
        return QSize(200, self.fontMetrics().height() + 16)

    def minimumSizeHint(self) -> QSize:
        return QSize(120, self.fontMetrics().height() + 16)

    def paintEvent(self, event: Any) -> None:
        painter = QPainter(self)
        metrics = painter.fontMetrics()
        low, high = "less", "more"
        left = metrics.horizontalAdvance(low) + 6
        right = metrics.horizontalAdvance(high) + 6
        bar = QRectF(left, 3, max(10, self.width() - left - right), self.height() - 6)
        gradient = QLinearGradient(bar.topLeft(), bar.topRight())
        for position, (r, g, b) in ANCHORS:
            gradient.setColorAt(position, QColor(r, g, b))
        painter.fillRect(bar, gradient)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        painter.drawText(
            QRectF(0, 0, left - 4, self.height()),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
            low,
        )
        painter.drawText(
            QRectF(bar.right() + 4, 0, right, self.height()), Qt.AlignmentFlag.AlignVCenter, high
        )
