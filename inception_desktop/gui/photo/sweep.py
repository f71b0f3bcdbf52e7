"""The framing sweep: Hvass' parrot experiment, automatic.

:class:`SweepRequest` classifies the photo under many framings in one batch on the worker
(core.explain.sweep: the three modes, square crops at three scales on a sliding window, shifted
centre crops, a padded crop) and :class:`SweepDialog` shows, for the top class under the person's
framing, a bar per framing with that class's score (:class:`SweepChart`, drawn with QPainter) and
a list naming the framings whose top-1 differs ("flips") and what they say instead. A row of the
list can be applied to the photo (its crop box and mode become the workspace's framing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPalette, QPen
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


#: The chart's possible tops: the smallest that holds every bar is used, so an unsure model's
#: 2% scores still show as bars.
TOPS = (0.05, 0.1, 0.25, 0.5, 1.0)


class SweepChart(QWidget):
    """One bar per framing: the reference class's score there (the axis up to the smallest of
    :data:`TOPS` that holds them all), flips in red, with a line at its score under the
    person's framing. Hovering a bar names it."""

    hovered = Signal(int)  # entry index under the pointer (-1: none)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._answer: SweepAnswer | None = None
        self.setMouseTracking(True)
        self.setMinimumSize(320, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(560, 220)

    def set_answer(self, answer: SweepAnswer | None) -> None:
        self._answer = answer
        self.update()

    def top(self) -> float:
        """The score at the top of the axis."""
        if self._answer is None:
            return 1.0
        result = self._answer.result
        highest = max([result.reference_score, *(e.reference_score for e in result.entries)])
        return next((t for t in TOPS if highest <= t), 1.0)

    def plot_rect(self) -> QRectF:
        left = self.fontMetrics().horizontalAdvance("100%") + 8
        return QRectF(left, 8, max(10, self.width() - left - 8), max(10, self.height() - 24))

    def bar_rect(self, index: int) -> QRectF:
        """The slot of entry ``index`` (its full height), in widget pixels."""
        count = len(self._answer.result.entries) if self._answer else 1
        plot = self.plot_rect()
        step = plot.width() / max(count, 1)
        return QRectF(plot.x() + index * step, plot.y(), step, plot.height())

    def entry_at(self, x: float) -> int:
        if self._answer is None:
            return -1
        plot = self.plot_rect()
        count = len(self._answer.result.entries)
        index = int((x - plot.x()) // (plot.width() / max(count, 1)))
        return index if 0 <= index < count else -1

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self.entry_at(event.position().x())
        if self._answer is not None and index >= 0:
            entry = self._answer.result.entries[index]
            ref = self._answer.label(self._answer.result.reference_index)
            text = f"{entry.name}: {ref} {entry.reference_score:.1%}"
            if entry.flips:
                text += f" — top: {self._answer.label(entry.top_index)} {entry.top_score:.1%}"
            self.setToolTip(text)
        self.hovered.emit(index)

    def paintEvent(self, event: Any) -> None:
        painter = QPainter(self)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        plot = self.plot_rect()
        painter.fillRect(plot, palette.color(QPalette.ColorRole.AlternateBase))
        painter.setPen(text)
        top = self.top()
        for fraction in (0.0, 0.5, 1.0):
            y = plot.bottom() - fraction * plot.height()
            painter.drawText(
                QRectF(0, y - 8, plot.x() - 4, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{fraction * top * 100:g}%",
            )
        if self._answer is None:
            return
        result = self._answer.result
        for index, entry in enumerate(result.entries):
            slot = self.bar_rect(index)
            height = plot.height() * max(0.0, min(1.0, entry.reference_score / top))
            bar = QRectF(slot.x() + 1, plot.bottom() - height, max(1.0, slot.width() - 2), height)
            painter.fillRect(bar, QColor(210, 40, 40) if entry.flips else QColor(46, 125, 210))
        y = plot.bottom() - plot.height() * min(1.0, result.reference_score / top)
        painter.setPen(QPen(QColor(230, 120, 20), 2, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(text)
        painter.drawText(
            QRectF(plot.x(), plot.bottom() + 2, plot.width(), 16),
            Qt.AlignmentFlag.AlignLeft,
            "framings → (red: another class is top-1; dashed: your framing)",
        )


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
