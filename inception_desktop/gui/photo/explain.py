"""The Photo workspace's explanations: its requests to the worker, and the controls beside them.

:class:`PhotoExplainRequest` frames the photo exactly as :class:`~.requests.PhotoRequest` does,
explains one class on that network input (Grad-CAM where gradients exist, LiteRT included: see
:func:`.explain_common.explainer_for`) and maps the map back through the framing onto the shown
photo, all on the worker thread; the photo-sized map is made at most :data:`PHOTO_HEAT_SIDE`
pixels on its long side (the view stretches it smoothly) so the mapping costs milliseconds.
Its source is ``explain``: a newer explanation replaces one still waiting (latest wins). Where
the map is made by occlusion (LiteRT: one forward pass per cell, about 5 s for 8x8 on two cores),
the workspace first asks for a 4x4 map (source ``explain-coarse``, a quarter of the passes) so a
first look comes within the 2 s a person waits, then the 8x8 one replaces it.
:class:`CompareExplainRequest` does the same for every framing mode (Compare's heat maps).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from inception_desktop.core.photo.framing import FramedInput, Framing
from inception_desktop.core.photo.images import LoadedImage
from inception_desktop.gui.runtime.requests import ModelKind, next_id
from inception_desktop.gui.widgets.heat import (
    AUTO,
    DEFAULT_OPACITY,
    GRADCAM,
    METHOD_NAMES,
    OCCLUSION,
    HeatLegend,
    explainer_for,
    method_text,
)
from inception_desktop.gui.widgets.score_bars import percent_text
from inception_desktop.gui.widgets.status_line import StatusLine

#: The long side of the heat map made for the photo view (it is a smooth map: more is waste).
PHOTO_HEAT_SIDE = 512


@dataclass(frozen=True)
class PhotoHeat:
    """One explanation of one framing.

    Attributes:
        framed: the network input explained (the same pixels the scores came from).
        heat: float32 [0, 1] at the network input's size.
        on_photo: float32 [0, 1] over the shown photo (its aspect, at most PHOTO_HEAT_SIDE);
            zero where the network did not see the photo.
        method, layer, grid: how it was made; class_index, label, score: what it explains.
        note: why the asked-for method was not used, if it was not; seconds: time on the worker.
    """

    framed: FramedInput = field(repr=False)
    heat: np.ndarray = field(repr=False)
    on_photo: np.ndarray = field(repr=False)
    method: str
    layer: str | None
    grid: int | None
    class_index: int
    label: str
    score: float
    note: str | None
    seconds: float

    def describe(self, score_text: str | None = None) -> str:
        """The status line's text: "Grad-CAM at mixed10 of 'macaw' (97.1%), 0.4 s".
        ``score_text``: the score as the bars beside it write it (as many decimals as tell
        ten near-equal scores apart), so the two never disagree; else :func:`percent_text`."""
        how = method_text(self.method, self.layer, self.grid)
        score = score_text or percent_text(self.score)
        return f"{how} of {self.label!r} ({score}), {self.seconds:.1f} s"


@dataclass(frozen=True)
class PhotoExplainResult:
    request_id: int
    heat: PhotoHeat


@dataclass(frozen=True)
class CompareExplainResult:
    request_id: int
    heats: tuple[PhotoHeat, ...]


def photo_heat_size(size: tuple[int, int]) -> tuple[int, int]:
    """The size of the map made over a photo of ``size``: its aspect, long side at most
    :data:`PHOTO_HEAT_SIDE`, at least one pixel."""
    width, height = size
    k = min(1.0, PHOTO_HEAT_SIDE / max(width, height, 1))
    return max(1, round(width * k)), max(1, round(height * k))


def explain_framed(
    model: Any,
    loaded: LoadedImage,
    framed: FramedInput,
    class_index: int | None,
    method: str,
    grid: int | None = None,
) -> PhotoHeat:
    """Explain ``class_index`` (None: the top class) on ``framed`` and map it onto ``loaded``
    (on the worker thread); ``grid``: occlusion's cells per side (None: the default 8)."""
    started = time.perf_counter()
    explainer, note = explainer_for(model, method, **({} if grid is None else {"grid": grid}))
    explanation = explainer.explain(
        framed.array, class_index, framed.source_rect, framed.content_rect
    )
    width, height = loaded.size
    size = photo_heat_size((width, height))
    on_photo = explanation.on_photo(size, width / size[0])
    labels = getattr(model, "labels", ())
    index = explanation.class_index
    return PhotoHeat(
        framed,
        explanation.heat,
        on_photo,
        explanation.method,
        explanation.layer,
        explanation.grid.shape[0] if explanation.method == OCCLUSION else None,
        index,
        labels[index] if index < len(labels) else str(index),
        explanation.score,
        note,
        time.perf_counter() - started,
    )


@dataclass(frozen=True)
class PhotoExplainRequest:
    """Explain ``class_index`` (None: the top class) of ``loaded`` under ``framing``."""

    kind: ClassVar[ModelKind] = ModelKind.PHOTO
    loaded: LoadedImage = field(repr=False)
    framing: Framing
    class_index: int | None = None
    method: str = AUTO
    path: str | None = None
    grid: int | None = None  # occlusion's cells per side (None: 8)
    source: str = "explain"
    id: int = field(default_factory=next_id)

    def serve(self, model: Any) -> PhotoExplainResult:
        from inception_desktop.core.photo.prepare import network_input_for

        framed = network_input_for(self.loaded, self.path, self.framing, model.input_shape[0])
        heat = explain_framed(model, self.loaded, framed, self.class_index, self.method, self.grid)
        return PhotoExplainResult(self.id, heat)


@dataclass(frozen=True)
class CompareExplainRequest:
    """Explain the top class of ``loaded`` under every framing mode (Compare's heat maps)."""

    kind: ClassVar[ModelKind] = ModelKind.PHOTO
    loaded: LoadedImage = field(repr=False)
    framing: Framing
    method: str = AUTO
    path: str | None = None
    source: str = "compare-explain"
    id: int = field(default_factory=next_id)

    def serve(self, model: Any) -> CompareExplainResult:
        from inception_desktop.core.photo.framing import MODES
        from inception_desktop.core.photo.prepare import network_input_for

        side = model.input_shape[0]
        heats = []
        for mode in MODES:
            framing = replace(self.framing, mode=mode)
            framed = network_input_for(self.loaded, self.path, framing, side)
            heats.append(explain_framed(model, self.loaded, framed, None, self.method))
        return CompareExplainResult(self.id, tuple(heats))


class ExplainControls(QWidget):
    """On/off, the method, the overlay's opacity, the colour scale and what is shown.

    No mnemonics: Alt+letters belong to the menus; the window's Photo › Explain action
    (Ctrl+E) toggles :attr:`toggle`.
    """

    toggled = Signal(bool)
    opacityChanged = Signal(float)  # 0-1
    methodChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toggle = QPushButton("Explain")
        self.toggle.setCheckable(True)
        self.toggle.setToolTip(
            "Show where the network looked: a heat map over the network input and the photo "
            "(Ctrl+E). Click a bar to explain that class."
        )
        self.toggle.toggled.connect(self._toggled)
        self.method = QComboBox()
        for key in (AUTO, GRADCAM, OCCLUSION):
            self.method.addItem(METHOD_NAMES[key], key)
        self.method.setToolTip(
            "Auto: Grad-CAM where the model has gradients (Inception v3 and retrained models on "
            "either runtime), else occlusion. Grad-CAM follows the "
            "class's gradients at the last convolutional map; occlusion greys out each of 8x8 "
            "cells and measures how much the score drops (no gradients needed)."
        )
        self.method.currentIndexChanged.connect(
            lambda _i: self.methodChanged.emit(self.current_method())
        )
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setValue(DEFAULT_OPACITY)
        self.opacity.setToolTip("Opacity of the heat map")
        self.opacity.valueChanged.connect(lambda v: self.opacityChanged.emit(v / 100))
        self.legend = HeatLegend()
        # Two lines while explaining, whatever the note: a long one never shrinks the network
        # input. Off, it claims no room (the window's minimum height stays as it was).
        self.status = StatusLine(2)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        policy = self.status.sizePolicy()
        policy.setRetainSizeWhenHidden(False)
        self.status.setSizePolicy(policy)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.toggle)
        row.addWidget(self.method)
        row.addStretch(1)
        opacity_row = QHBoxLayout()
        opacity_row.setContentsMargins(0, 0, 0, 0)
        self.opacity.setMinimumWidth(60)
        opacity_row.addWidget(QLabel("Opacity"))
        opacity_row.addWidget(self.opacity, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addLayout(opacity_row)
        layout.addWidget(self.legend)
        layout.addWidget(self.status)
        self._toggled(False)

    def is_on(self) -> bool:
        return self.toggle.isChecked()

    def set_on(self, on: bool) -> None:
        self.toggle.setChecked(on)

    def current_method(self) -> str:
        return str(self.method.currentData())

    def current_opacity(self) -> float:
        return self.opacity.value() / 100

    def _toggled(self, on: bool) -> None:
        for widget in (self.method, self.opacity, self.legend):
            widget.setEnabled(on)
        self.legend.setVisible(on)
        if not on:
            self.status.setText("")
        self.status.setVisible(on)
        self.toggled.emit(on)
