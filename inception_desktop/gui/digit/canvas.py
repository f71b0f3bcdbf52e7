"""A drawing canvas for digits: smooth anti-aliased strokes, pen width, undo and clear.

Mouse, pen and touch all arrive as mouse events (Qt synthesises them). The canvas keeps its
strokes, so undo redraws from them and :meth:`DigitCanvas.network_array` re-draws them at MNIST's
stroke width for the digit's size (a 60 px pen on a 180 px digit would fill a 3's loops at 20x20).
It can also show a picture (an image file read as a digit) until the next stroke, and a heat map
over the drawing (which parts the answer depends on; see gui.digit.explain).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from inception_desktop.core.digit.strokes import Stroke, mnist_pen, render_strokes
from inception_desktop.gui.widgets.heat import heat_qimage
from inception_desktop.gui.widgets.input_view import array_to_qimage

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
        self._cleared: list[tuple[int, list[QPointF]]] = []  # what the last clear removed
        self._picture: QImage | None = None
        self._heat: np.ndarray | None = None
        self._heat_image: QImage | None = None
        self.pen_width = DEFAULT_PEN
        self.setMinimumSize(200, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, False)
        # Takes focus (click or Tab) so that the keys it needs reach its workspace, not a spin box.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip("Draw a digit. Ctrl+Z undoes a stroke; Delete, Backspace or Esc clears.")

    def sizeHint(self) -> QSize:
        return QSize(CANVAS, CANVAS)

    def heightForWidth(self, width: int) -> int:
        return width

    # --- content ---------------------------------------------------------------------------
    def is_empty(self) -> bool:
        """No strokes (a picture shown alone counts as empty: there is nothing drawn)."""
        return not self._strokes and not self._current

    def stroke_count(self) -> int:
        return len(self._strokes)

    def strokes(self) -> list[Stroke]:
        """The strokes drawn, in canvas pixels (:data:`CANVAS` square), oldest first."""
        return [(float(w), [(p.x(), p.y()) for p in points]) for w, points in self._strokes]

    def drawn_pen(self) -> int:
        """The widest pen among the strokes (0 for none)."""
        return max((w for w, _ in self._strokes), default=0)

    def network_pen(self) -> float | None:
        """The pen the strokes are re-drawn with for the network (None: as drawn, a dot)."""
        return mnist_pen(self.strokes())

    def network_array(self) -> np.ndarray:
        """What the network reads: the strokes re-drawn at MNIST's stroke width for their size,
        uint8 (H, W), white paper and dark ink, like :meth:`to_array`."""
        return render_strokes(self.strokes(), (CANVAS, CANVAS), self.network_pen())

    def show_picture(self, array: np.ndarray | None) -> None:
        """Show ``array`` (uint8 grey or RGB) in place of the drawing; the next stroke or a clear
        removes it. It is not part of :meth:`to_array`."""
        self._picture = None if array is None else array_to_qimage(np.ascontiguousarray(array))
        self.update()

    def set_heat(self, heat: np.ndarray | None, opacity: float = 0.6) -> None:
        """Draw ``heat`` ([0, 1], square, any size: stretched over the canvas) in the colour
        scale; None removes it."""
        self._heat = None if heat is None else np.asarray(heat, np.float32)
        self._heat_image = heat_qimage(self._heat, opacity)
        self.update()

    def heat(self) -> np.ndarray | None:
        """The heat map drawn over the canvas (None when none is)."""
        return self._heat

    def has_picture(self) -> bool:
        return self._picture is not None

    def to_array(self) -> np.ndarray:
        """The canvas as uint8 (H, W): white paper, dark ink."""
        image = self._image
        bpl = image.bytesPerLine()
        buffer = np.frombuffer(image.constBits(), np.uint8, count=bpl * image.height())
        return buffer.reshape(image.height(), bpl)[:, : image.width()].copy()

    def clear(self) -> None:
        """Clear the drawing; :meth:`undo` brings it back until the next stroke."""
        if self._strokes:
            self._cleared = list(self._strokes)
        self._strokes.clear()
        self._current = None
        self._picture = None
        self._heat = self._heat_image = None
        self._redraw()
        self.cleared.emit()

    def undo(self) -> None:
        """Take back the last stroke, or the last clear of an empty canvas."""
        if self._strokes:
            self._strokes.pop()
        elif self._cleared:
            self._strokes, self._cleared = self._cleared, []
            self._picture = None
        else:
            return
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
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self._picture = None
        self._current = [self._to_canvas(event.position())]
        self._strokes.append((self.pen_width, self._current))
        self._cleared = []  # a new drawing: the cleared one is gone for good
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
        if self._picture is not None:
            w, h = self._picture.width(), self._picture.height()
            scale = min(target.width() / w, target.height() / h)
            fit = QRectF(0, 0, w * scale, h * scale)
            fit.moveCenter(target.center())
            painter.drawImage(fit, self._picture)
        if self._heat_image is not None:
            painter.drawImage(target, self._heat_image)
        # The frame shows the focus: the canvas's keys (undo, clear) act through it.
        frame = self.palette().highlight().color() if self.hasFocus() else QColor(160, 160, 160)
        painter.setPen(QPen(frame))
        painter.drawRect(target.adjusted(0, 0, -1, -1))
        if self.is_empty() and self._picture is None:
            painter.setPen(QColor(150, 150, 150))
            painter.drawText(target, Qt.AlignmentFlag.AlignCenter, "Draw a digit here")

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.update()
