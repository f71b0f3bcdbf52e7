"""The Digit workspace's explanations: a live heat map of the drawing, and the layer view.

:class:`DigitExplainRequest` replaces the plain :class:`~.requests.DigitRequest` while the heat
map is on: one request (source ``digit``, so latest wins with the drawing) normalises the canvas,
classifies it and explains the answer — Grad-CAM where the model as loaded allows it (TensorFlow's
gradients, or on LiteRT the closed form through the head after the explained layer:
core.explain.litert_gradcam), else occlusion with 4-pixel black patches (7x7 cells), both a few
milliseconds for a 28x28 input — and maps the map onto the canvas through the normalisation's
geometry (core.explain.mapping.digit_rects). The method depends on the model alone: opening the
layer view does not change it.

:class:`DigitLayersRequest` computes every convolutional layer's feature maps for the current
network input with the serving model itself: on LiteRT from the conversion's extra outputs (one
interpreter call, no TensorFlow: core.explain.features.litert_layer_maps), on TensorFlow from its
Keras model. :class:`LayerView` draws each layer as a grid of its channels.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter, QPalette
from PySide6.QtWidgets import QDialog, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from inception_desktop.core.digit.normalize import DigitSteps
from inception_desktop.core.models.prediction import Prediction
from inception_desktop.gui.runtime.recordable import Kept, digit_entries
from inception_desktop.gui.runtime.requests import ModelKind, next_id
from inception_desktop.gui.widgets.heat import AUTO, explainer_for, has_gradients
from inception_desktop.gui.widgets.input_view import array_to_qimage

#: Occlusion cells per side on the 28x28 input: 4-pixel patches, 49 inputs and the original.
DIGIT_GRID = 7
#: The canvas heat map's side (the canvas is 320 px; the map is smooth, the view stretches it).
CANVAS_HEAT_SIDE = 160


@dataclass(frozen=True)
class DigitHeat:
    """A drawing's explanation: ``heat`` at 28x28, ``on_canvas`` over the whole canvas."""

    heat: np.ndarray = field(repr=False)
    on_canvas: np.ndarray = field(repr=False)
    method: str
    layer: str | None
    class_index: int
    ms: float
    note: str | None
    scores: np.ndarray | None = field(default=None, repr=False)

    def describe(self) -> str:
        how = f"Grad-CAM at {self.layer}" if self.layer else f"occlusion {DIGIT_GRID}x{DIGIT_GRID}"
        return f"Heat map: {how} of {self.class_index}, {self.ms:.0f} ms"


@dataclass(frozen=True)
class DigitHeatResult:
    """As :class:`~.requests.DigitResult`, with the heat (None for an empty canvas)."""

    request_id: int
    steps: DigitSteps | None
    prediction: Prediction | None
    heat: DigitHeat | None

    def history(self, now: float) -> list[Kept]:
        pixels = self.steps.input if self.steps is not None else None
        return digit_entries(self.prediction, None, pixels, now)


def explain_digit(
    model: Any,
    steps: DigitSteps,
    canvas_size: tuple[int, int],
    method: str = AUTO,
) -> DigitHeat:
    """Explain the top class of ``steps.input`` and map it onto a canvas of ``canvas_size``.

    The method is ``model``'s own (see :func:`~.heat.explainer_for`): nothing else the window
    loaded changes it."""
    from inception_desktop.core.explain.mapping import digit_rects

    started = time.perf_counter()
    explainer, note = explainer_for(model, method, grid=DIGIT_GRID)
    source, content, visible = digit_rects(steps)
    explanation = explainer.explain(steps.input, None, source, content, visible)
    width, height = canvas_size
    side = min(CANVAS_HEAT_SIDE, width)
    size = (side, max(1, round(height * side / width)))
    on_canvas = explanation.on_photo(size, width / side)
    return DigitHeat(
        explanation.heat,
        on_canvas,
        explanation.method,
        explanation.layer,
        explanation.class_index,
        (time.perf_counter() - started) * 1000,
        note,
        explanation.scores,
    )


@dataclass(frozen=True)
class DigitExplainRequest:
    """Normalise a canvas (uint8 grey, dark ink on white), classify it and explain the answer."""

    kind: ClassVar[ModelKind] = ModelKind.DIGIT
    canvas: np.ndarray = field(repr=False)
    method: str = AUTO
    source: str = "digit"
    id: int = field(default_factory=next_id)

    def serve(self, model: Any) -> DigitHeatResult:
        from inception_desktop.core.digit.normalize import normalize_digit

        steps = normalize_digit(self.canvas)
        if steps is None:
            return DigitHeatResult(self.id, None, None, None)
        heat = explain_digit(model, steps, self.canvas.shape[::-1], self.method)
        if heat.scores is not None and len(heat.scores) == len(model.labels):
            # the explanation's own pass classified the input: no second call (on LiteRT a
            # batch of 1 between occlusion batches would also re-allocate the interpreter)
            from inception_desktop.core.models.prediction import Prediction, top_k

            top = top_k(heat.scores, tuple(model.labels), 10)
            prediction = Prediction(model.name, top, steps.input, heat.ms, model.device)
        else:
            prediction = model.classify(steps.input, k=10)
        return DigitHeatResult(self.id, steps, prediction, heat)


@dataclass(frozen=True)
class LayersResult:
    request_id: int
    layers: tuple[Any, ...]  # core.explain.features.LayerMaps
    model_name: str
    runtime: str  # what computed the maps: "LiteRT" or "TensorFlow"
    ms: float


@dataclass(frozen=True)
class DigitLayersRequest:
    """Every convolutional layer's maps for ``input`` (the 28x28 network input), computed by
    the serving model: its LiteRT conversion's extra outputs, or its Keras model on TensorFlow.

    A LiteRT model converted without the maps (a conversion older than them) is reported as
    such; TensorFlow is never loaded for this view."""

    kind: ClassVar[ModelKind] = ModelKind.DIGIT
    input: np.ndarray = field(repr=False)
    source: str = "digit-layers"
    id: int = field(default_factory=next_id)

    def serve(self, model: Any) -> LayersResult:
        from inception_desktop.core.explain import ExplainError, features

        started = time.perf_counter()
        predictor = getattr(model, "predictor", None)
        name = getattr(model, "name", "")
        if features.has_layer_outputs(predictor):
            layers = tuple(features.litert_layer_maps(predictor, self.input))
            runtime = "LiteRT"
        elif has_gradients(model) and hasattr(predictor, "model"):  # a Keras model, on TensorFlow
            keras_model = predictor.model
            entry = _feature_maps.get(id(keras_model))
            if entry is None or entry[0] is not keras_model:
                entry = _feature_maps[id(keras_model)] = (
                    keras_model,
                    features.FeatureMaps(keras_model),
                )
            layers, runtime = tuple(entry[1](self.input)), "TensorFlow"
        else:
            raise ExplainError(
                f"{name or 'this model'} gives no layer maps: its conversion for LiteRT predates "
                "them (open the model file again to convert it), or it has no convolutions"
            )
        ms = (time.perf_counter() - started) * 1000
        return LayersResult(self.id, layers, name, runtime, ms)


#: Feature-map extractors by Keras model id, the model kept with its own (on the worker only).
_feature_maps: dict[int, tuple[Any, Any]] = {}


class LayerView(QWidget):
    """Each convolutional layer's feature maps as a grid of grey tiles (white = most active
    in that channel), a row per layer with its name, size and channel count."""

    TILE = 3  # screen pixels per map pixel, at least

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, QImage]] = []
        self._placeholder = "Draw a digit to see its feature maps"
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_layers(self, layers: tuple[Any, ...]) -> None:
        from inception_desktop.core.explain.features import mosaic

        self._rows = []
        for layer in layers:
            h, w, c = layer.maps.shape
            self._rows.append(
                (f"{layer.name} — {c} maps of {w}x{h}", array_to_qimage(mosaic(layer.maps)))
            )
        self.updateGeometry()
        self.adjustSize()
        self.update()

    def set_placeholder(self, text: str) -> None:
        self._rows = []
        self._placeholder = text
        self.adjustSize()
        self.update()

    def placeholder(self) -> str:
        """The sentence shown instead of maps ("" while maps are shown)."""
        return "" if self._rows else self._placeholder

    def grids(self) -> list[tuple[str, QImage]]:
        """(caption, grid image) per layer shown."""
        return list(self._rows)

    def _scale(self, image: QImage) -> float:
        return max(1.0, min(float(self.TILE * 4), 240 / max(image.width(), 1)))

    def sizeHint(self) -> QSize:
        line = self.fontMetrics().lineSpacing()
        height = sum(round(i.height() * self._scale(i)) + line + 10 for _, i in self._rows)
        width = max((round(i.width() * self._scale(i)) for _, i in self._rows), default=240)
        return QSize(width + 16, max(height, 120))

    def paintEvent(self, event: Any) -> None:
        painter = QPainter(self)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        if not self._rows:
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self._placeholder,
            )
            return
        line = self.fontMetrics().lineSpacing()
        y = 4.0
        for caption, image in self._rows:
            painter.setPen(text)
            painter.drawText(QRectF(8, y, self.width() - 16, line), caption)
            y += line + 2
            scale = self._scale(image)
            target = QRectF(8, y, image.width() * scale, image.height() * scale)
            painter.drawImage(target, image)
            y += target.height() + 8


class LayerDialog(QDialog):
    """The layer view in its own window, following the drawing while it is open."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Feature maps")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.view = LayerView()
        scroll = QScrollArea()
        scroll.setWidget(self.view)
        scroll.setWidgetResizable(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(scroll, 1)
        self.resize(420, 640)
