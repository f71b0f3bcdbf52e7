"""A drawing canvas for digits: smooth anti-aliased strokes, pen width, undo and clear.

Mouse, pen and touch all arrive as mouse events (Qt synthesises them). The canvas keeps its
strokes, so undo redraws from them, and renders into a fixed-size grey image that
:meth:`DigitCanvas.to_array` hands to the preprocessing.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

CANVAS = 320
DEFAULT_PEN = 22


class DigitCanvas(QWidget):
    changed = Signal()  # while drawing
    strokeFinished = Signal()
    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image = QImage(CANVAS, CANVAS, QImage.Format.Format_Grayscale8)
        self._image.fill(QColor(255, 255, 255))
        self._strokes: list[tuple[int, list[QPointF]]] = []
        self._current: list[QPointF] | None = None
        self.pen_width = DEFAULT_PEN
        self.setMinimumSize(200, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, False)
        self.setToolTip("Draw a digit. Ctrl+Z undoes a stroke, Esc or Delete clears.")

    def sizeHint(self) -> QSize:
        return QSize(CANVAS, CANVAS)

    def heightForWidth(self, width: int) -> int:
        return width

    # --- content ---------------------------------------------------------------------------
    def is_empty(self) -> bool:
        return not self._strokes and not self._current

    def stroke_count(self) -> int:
        return len(self._strokes)

    def to_array(self) -> np.ndarray:
        """The canvas as uint8 (H, W): white paper, dark ink."""
        image = self._image
        bpl = image.bytesPerLine()
        buffer = np.frombuffer(image.constBits(), np.uint8, count=bpl * image.height())
        return buffer.reshape(image.height(), bpl)[:, : image.width()].copy()

    def clear(self) -> None:
        self._strokes.clear()
        self._current = None
        self._redraw()
        self.cleared.emit()

    def undo(self) -> None:
        if self._strokes:
            self._strokes.pop()
            self._redraw()
            self.strokeFinished.emit()

    # --- drawing ---------------------------------------------------------------------------
    def _target(self) -> QRectF:
        side = min(self.width(), self.height())
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def _to_canvas(self, pos: QPointF) -> QPointF:
        t = self._target()
        s = CANVAS / t.width()
        return QPointF((pos.x() - t.x()) * s, (pos.y() - t.y()) * s)

    def _pen(self, width: int) -> QPen:
        return QPen(
            QColor(0, 0, 0),
            width,
            Qt.PenStyle.SolidLine,
            Qt.PenCapStyle.RoundCap,
            Qt.PenJoinStyle.RoundJoin,
        )

    def _paint_stroke(self, painter: QPainter, width: int, points: list[QPointF]) -> None:
        painter.setPen(self._pen(width))
        if len(points) == 1:
            painter.drawPoint(points[0])
            return
        path = QPainterPath(points[0])
        for p in points[1:]:
            path.lineTo(p)
        painter.drawPath(path)

    def _redraw(self) -> None:
        self._image.fill(QColor(255, 255, 255))
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for width, points in self._strokes:
            self._paint_stroke(painter, width, points)
        painter.end()
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self._current = [self._to_canvas(event.position())]
        self._strokes.append((self.pen_width, self._current))
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_stroke(painter, self.pen_width, self._current)
        painter.end()
        self.update()
        self.changed.emit()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._current is None or not (event.buttons() & Qt.MouseButton.LeftButton):
            return
        point = self._to_canvas(event.position())
        last = self._current[-1]
        self._current.append(point)
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self._pen(self.pen_width))
        painter.drawLine(last, point)
        painter.end()
        self.update()
        self.changed.emit()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._current is None or event.button() != Qt.MouseButton.LeftButton:
            return
        self._current = None
        self.strokeFinished.emit()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        target = self._target()
        painter.drawImage(target, self._image)
        painter.setPen(QPen(QColor(160, 160, 160), 1))
        painter.drawRect(target.adjusted(0, 0, -1, -1))
        if self.is_empty():
            painter.setPen(QColor(150, 150, 150))
            painter.drawText(target, Qt.AlignmentFlag.AlignCenter, "Draw a digit here")
