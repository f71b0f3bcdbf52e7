"""The Digit workspace's explanations: a live heat map of the drawing, and the layer view.

:class:`DigitExplainRequest` replaces the plain :class:`~.requests.DigitRequest` while the heat
map is on: one request (source ``digit``, so latest wins with the drawing) normalises the canvas,
classifies it and explains the answer — Grad-CAM on the TensorFlow runtime, occlusion with 4-pixel
black patches (7x7 cells) on LiteRT, both a few milliseconds for a 28x28 input — and maps the map
onto the canvas through the normalisation's geometry (core.explain.mapping.digit_rects).

:class:`DigitLayersRequest` computes every convolutional layer's feature maps for the current
network input with the model's Keras file (core.explain.features): on LiteRT that loads TensorFlow
on the worker the first time, which the workspace announces. :class:`LayerView` draws each layer
as a grid of its channels.
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
from inception_desktop.gui.widgets.heat import AUTO, OCCLUSION, explainer_for, has_gradients
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


#: Grad-CAM explainers on Keras models loaded for the layer view, by model file ("" shipped).
_keras_cams: dict[str, Any] = {}


def _keras_gradcam(model_path: str | None) -> Any:
    """Grad-CAM on the Keras twin of a LiteRT digit model, once the layer view has loaded it
    (TensorFlow is there then: Grad-CAM costs a third of 7x7 occlusion); None before."""
    from types import SimpleNamespace

    from inception_desktop.core.explain import features
    from inception_desktop.core.explain.explainer import Explainer

    key = model_path or ""
    if key not in _keras_cams:
        if not features.is_loaded(model_path):
            return None
        keras_model = features.load_digit_model(model_path)
        shim = SimpleNamespace(
            name=keras_model.name,
            input_shape=(28, 28),
            predictor=SimpleNamespace(model=keras_model),
        )
        _keras_cams[key] = Explainer(shim, "gradcam")
    return _keras_cams[key]


def explain_digit(
    model: Any,
    steps: DigitSteps,
    canvas_size: tuple[int, int],
    method: str = AUTO,
    model_path: str | None = None,
) -> DigitHeat:
    """Explain the top class of ``steps.input`` and map it onto a canvas of ``canvas_size``.

    ``model_path`` is the file of ``model`` (None: the shipped one): a LiteRT model whose Keras
    file the layer view loaded is explained by Grad-CAM on that file."""
    from inception_desktop.core.explain.mapping import digit_rects

    started = time.perf_counter()
    grid = {} if method != OCCLUSION and has_gradients(model) else {"grid": DIGIT_GRID}
    explainer, note = explainer_for(model, method, **grid)
    if method == AUTO and explainer.method == OCCLUSION and not has_gradients(model):
        explainer = _keras_gradcam(model_path) or explainer
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
    model_path: str | None = None  # the serving model's file (None: shipped), for its Keras twin
    source: str = "digit"
    id: int = field(default_factory=next_id)

    def serve(self, model: Any) -> DigitHeatResult:
        from inception_desktop.core.digit.normalize import normalize_digit

        steps = normalize_digit(self.canvas)
        if steps is None:
            return DigitHeatResult(self.id, None, None, None)
        heat = explain_digit(model, steps, self.canvas.shape[::-1], self.method, self.model_path)
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
    loaded_keras: bool  # the Keras model was loaded for this request (TensorFlow's first use)
    ms: float


@dataclass(frozen=True)
class DigitLayersRequest:
    """Every convolutional layer's maps for ``input`` (the 28x28 network input) with the model
    in ``model_path`` (None: the shipped one); the worker's own Keras model when it has one."""

    kind: ClassVar[ModelKind] = ModelKind.DIGIT
    input: np.ndarray = field(repr=False)
    model_path: str | None = None
    source: str = "digit-layers"
    id: int = field(default_factory=next_id)

    def serve(self, model: Any) -> LayersResult:
        from inception_desktop.core.explain import features

        started = time.perf_counter()
        if has_gradients(model):
            keras_model, loaded = model.predictor.model, False
        else:
            loaded = not features.is_loaded(self.model_path)
            keras_model = features.load_digit_model(self.model_path)
        entry = _feature_maps.get(id(keras_model))
        if entry is None or entry[0] is not keras_model:
            entry = _feature_maps[id(keras_model)] = (
                keras_model,
                features.FeatureMaps(keras_model),
            )
        layers = tuple(entry[1](self.input))
        ms = (time.perf_counter() - started) * 1000
        return LayersResult(self.id, layers, getattr(model, "name", ""), loaded, ms)


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
