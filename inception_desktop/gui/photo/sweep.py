"""The framing sweep: Hvass' parrot experiment, automatic.

:class:`SweepRequest` classifies the photo under many framings in one batch on the worker
(core.explain.sweep: the three modes, square crops at three scales on a sliding window, shifted
centre crops, a padded crop) and :class:`SweepDialog` shows, for the top class under the person's
framing, a bar per framing with that class's score (:class:`SweepChart`, a pyqtgraph plot) and
a list naming the framings whose top-1 differs ("flips") and what they say instead. A row of the
list can be applied to the photo (its crop box and mode become the workspace's framing).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from inception_desktop.core.explain.sweep import SweepResult
from inception_desktop.core.photo.framing import Framing
from inception_desktop.core.photo.images import LoadedImage
from inception_desktop.gui.runtime.requests import ModelKind, next_id
from inception_desktop.gui.widgets.heat import as_classifier
from inception_desktop.gui.widgets.plot import pen, plot_widget, pyqtgraph

FLIP, KEPT, REFERENCE = QColor(210, 40, 40), QColor(46, 125, 210), QColor(230, 120, 20)


@dataclass(frozen=True)
class SweepAnswer:
    request_id: int
    result: SweepResult
    labels: tuple[str, ...] = field(repr=False)

    def label(self, index: int) -> str:
        return self.labels[index] if 0 <= index < len(self.labels) else str(index)


@dataclass(frozen=True)
class SweepRequest:
    """Classify ``loaded`` under every framing of a sweep; ``framing`` is the person's."""

    kind: ClassVar[ModelKind] = ModelKind.PHOTO
    loaded: LoadedImage = field(repr=False)
    framing: Framing
    source: str = "sweep"
    id: int = field(default_factory=next_id)

    def serve(self, model: Any) -> SweepAnswer:
        from inception_desktop.core.explain.sweep import sweep

        classifier = as_classifier(model)
        result = sweep(classifier, self.loaded, self.framing, classifier.input_shape[0])
        return SweepAnswer(self.id, result, tuple(classifier.labels))


def nice_top(highest: float) -> float:
    """The axis's top for scores up to ``highest`` (0-1): the smallest 1, 2, 2.5 or 5 times a power
    of ten above it, with a little room (an unsure model's 0.1% scores fill the chart, a sure
    one's 97% gets 100%)."""
    if highest <= 0:
        return 1.0
    wanted = min(highest * 1.05, 1.0)
    exponent = math.floor(math.log10(wanted))
    for step in (1, 2, 2.5, 5, 10):
        top = step * 10.0**exponent
        if top >= wanted - 1e-12:
            return min(top, 1.0)
    return 1.0


class SweepChart(QWidget):
    """One bar per framing: the reference class's score there, flips in red, a dashed line at
    its score under the person's framing; the y-axis runs to :func:`nice_top` of the highest
    score. A pyqtgraph plot (:mod:`..widgets.plot`): zoom and pan with the mouse, export from
    its menu. Hovering a bar names it."""

    hovered = Signal(int)  # entry index under the pointer (-1: none)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._answer: SweepAnswer | None = None
        self.setMinimumSize(320, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.plot = plot_widget(
            left="score of the top class (%)",
            bottom="framings (red: another class is top-1; dashed: your framing)",
        )
        self.plot.setMouseTracking(True)
        self.plot.scene().sigMouseMoved.connect(self._moved)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    def sizeHint(self) -> QSize:
        return QSize(560, 240)

    def set_answer(self, answer: SweepAnswer | None) -> None:
        pg = pyqtgraph()
        self._answer = answer
        self.plot.clear()
        if answer is None:
            return
        result = answer.result
        scores = [e.reference_score * 100 for e in result.entries]
        brushes = [FLIP if e.flips else KEPT for e in result.entries]
        bars = pg.BarGraphItem(x=list(range(len(scores))), height=scores, width=0.8,
                               brushes=brushes, pens=[None] * len(scores))  # fmt: skip
        self.plot.addItem(bars)
        line = pg.InfiniteLine(pos=result.reference_score * 100, angle=0,
                               pen=pen(REFERENCE, dashed=True))  # fmt: skip
        self.plot.addItem(line)
        self.plot.setXRange(-0.6, len(scores) - 0.4, padding=0)
        self.plot.setYRange(0, self.top() * 100, padding=0)

    def top(self) -> float:
        """The score at the top of the axis (0-1)."""
        if self._answer is None:
            return 1.0
        result = self._answer.result
        return nice_top(max([result.reference_score, *(e.reference_score for e in result.entries)]))

    def bar_rect(self, index: int) -> QRectF:
        """The slot of entry ``index`` (its full height), in the plot's viewport pixels."""
        view = self.plot.getViewBox()
        slot = view.mapViewToScene(QRectF(index - 0.5, 0, 1, self.top() * 100)).boundingRect()
        return QRectF(self.plot.mapFromScene(slot).boundingRect())

    def entry_at(self, x: float) -> int:
        """The entry under viewport x-coordinate ``x`` (-1: none)."""
        if self._answer is None:
            return -1
        scene = self.plot.mapToScene(int(x), self.plot.viewport().height() // 2)
        index = round(self.plot.getViewBox().mapSceneToView(scene).x())
        return index if 0 <= index < len(self._answer.result.entries) else -1

    def _moved(self, scene_pos: QPointF) -> None:
        index = self.entry_at(self.plot.mapFromScene(scene_pos).x())
        if self._answer is not None and index >= 0:
            entry = self._answer.result.entries[index]
            ref = self._answer.label(self._answer.result.reference_index)
            text = f"{entry.name}: {ref} {entry.reference_score:.1%}"
            if entry.flips:
                text += f" — top: {self._answer.label(entry.top_index)} {entry.top_score:.1%}"
            self.plot.setToolTip(text)
        self.hovered.emit(index)


class SweepDialog(QDialog):
    """The sweep's chart and its flips; ``applyFraming`` when a row is activated (double-click
    or Enter)."""

    applyFraming = Signal(object)  # Framing

    def __init__(self, answer: SweepAnswer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Framing sweep")
        self.answer = answer
        result = answer.result
        reference = answer.label(result.reference_index)
        flips = result.flipped
        self.summary = QLabel(
            f"Top class under your framing: {reference} ({result.reference_score:.1%}). "
            f"{len(flips)} of {len(result.entries)} framings give another top-1."
        )
        self.summary.setWordWrap(True)
        self.chart = SweepChart()
        self.chart.set_answer(answer)
        self.list = QListWidget()
        for entry in result.entries:
            line = f"{entry.name}: {reference} {entry.reference_score:.1%}"
            if entry.flips:
                line = f"⚑ {line} → {answer.label(entry.top_index)} {entry.top_score:.1%}"
            item = QListWidgetItem(line)
            item.setData(Qt.ItemDataRole.UserRole, entry.framing)
            if entry.flips:
                item.setForeground(QColor(190, 0, 0))
            self.list.addItem(item)
        self.list.setToolTip("Double-click a framing (or press Enter on it) to use it on the photo")
        self.list.itemActivated.connect(
            lambda item: self.applyFraming.emit(item.data(Qt.ItemDataRole.UserRole))
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.chart, 2)
        layout.addWidget(self.list, 1)
        self.resize(640, 520)
