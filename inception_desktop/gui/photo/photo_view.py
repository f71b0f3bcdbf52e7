"""The photo, with what the network sees drawn on it and a crop rectangle a person can drag.

Drag on empty space to draw a rectangle, inside it to move it, on a corner to resize it;
double-click or Esc removes it. ``boxChanged`` fires while dragging (the workspace re-classifies,
latest request wins) and once more on release.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeyEvent, QMouseEvent, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from inception_desktop.core.photo.framing import Box
from inception_desktop.gui.widgets.heat import heat_qimage

HANDLE = 8.0
MIN_BOX = 4.0


class PhotoView(QWidget):
    boxChanged = Signal(object)  # Box | None, in image pixels

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._pixmap: QPixmap | None = None  # the image scaled to the widget, made once per size
        self._box: QRectF | None = None  # image pixels
        self._seen: QRectF | None = None  # the region the network sees, image pixels
        self._heat: np.ndarray | None = None  # an explanation mapped onto the photo
        self._heat_image: QImage | None = None
        self._opacity = 0.7
        self._drag: str | None = None
        self._anchor = QPointF()
        self._start_box = QRectF()
        self._highlight = False  # files are being dragged over the window
        self._placeholder = "Drop photos here, paste (Ctrl+V) or open (Ctrl+O)"
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(220, 150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setToolTip(
            "Drag to draw a crop rectangle; drag it to move, corners to resize; "
            "double-click or Esc to remove it"
        )

    def sizeHint(self) -> QSize:
        return QSize(480, 400)

    # --- state -----------------------------------------------------------------------------
    def set_image(self, image: QImage | None) -> None:
        self._image = image
        self._pixmap = None
        self._box = None
        self._seen = None
        self._heat = self._heat_image = None
        self.update()

    def set_frame(self, image: QImage) -> None:
        """The next frame of a live source: a picture of the same size, so the crop box (even
        one being dragged) and what the network saw stay."""
        self._image = image
        self._pixmap = None
        self.update()

    def set_heat(self, heat: np.ndarray | None, opacity: float | None = None) -> None:
        """Draw ``heat`` ([0, 1], the photo's aspect at any size: stretched over the photo) in
        the colour scale at ``opacity`` (0-1; None keeps the last); None removes it."""
        if opacity is not None:
            self._opacity = float(opacity)
        self._heat = None if heat is None else np.asarray(heat, np.float32)
        self._heat_image = heat_qimage(self._heat, self._opacity)
        self.update()

    def heat(self) -> np.ndarray | None:
        """The heat drawn over the photo (None when none is)."""
        return self._heat

    def heat_image(self) -> QImage | None:
        """The overlay as drawn (premultiplied colours and alpha)."""
        return None if self._heat_image is None else self._heat_image.copy()

    def set_highlight(self, on: bool) -> None:
        """Mark the view as where dragged files will go (while a drag is over the window)."""
        if on != self._highlight:
            self._highlight = on
            self.update()

    def highlighted(self) -> bool:
        return self._highlight

    def set_placeholder(self, text: str) -> None:
        """What shows while there is no photo (e.g. that one is being fetched)."""
        self._placeholder = text
        self.update()

    def placeholder(self) -> str:
        return self._placeholder

    def set_box(self, box: Box | None) -> None:
        self._box = None if box is None else QRectF(box.x, box.y, box.w, box.h)
        self.update()

    def box(self) -> Box | None:
        if self._box is None:
            return None
        r = self._box.normalized()
        return Box(round(r.x()), round(r.y()), round(r.width()), round(r.height()))

    def set_seen(self, rect: tuple[float, float, float, float] | None) -> None:
        self._seen = (
            None if rect is None else QRectF(rect[0], rect[1], rect[2] - rect[0], rect[3] - rect[1])
        )
        self.update()

    # --- geometry --------------------------------------------------------------------------
    def image_rect(self) -> QRectF:
        """Where the image is drawn, in widget coordinates."""
        if self._image is None:
            return QRectF()
        iw, ih = self._image.width(), self._image.height()
        scale = min(self.width() / iw, self.height() / ih)
        w, h = iw * scale, ih * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def _scale(self) -> float:
        return self.image_rect().width() / self._image.width() if self._image else 1.0

    def to_image(self, p: QPointF) -> QPointF:
        r, s = self.image_rect(), self._scale()
        x = min(max((p.x() - r.x()) / s, 0.0), float(self._image.width()))
        y = min(max((p.y() - r.y()) / s, 0.0), float(self._image.height()))
        return QPointF(x, y)

    def to_widget(self, rect: QRectF) -> QRectF:
        r, s = self.image_rect(), self._scale()
        return QRectF(
            r.x() + rect.x() * s, r.y() + rect.y() * s, rect.width() * s, rect.height() * s
        )

    def _hit(self, pos: QPointF) -> str | None:
        if self._box is None:
            return None
        w = self.to_widget(self._box.normalized())
        corners = {
            "tl": w.topLeft(),
            "tr": w.topRight(),
            "bl": w.bottomLeft(),
            "br": w.bottomRight(),
        }
        for name, corner in corners.items():
            if abs(pos.x() - corner.x()) <= HANDLE and abs(pos.y() - corner.y()) <= HANDLE:
                return name
        return "move" if w.contains(pos) else None

    # --- mouse and keys --------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._image is None or event.button() != Qt.MouseButton.LeftButton:
            return
        pos = event.position()
        self._drag = self._hit(pos) or "new"
        self._anchor = self.to_image(pos)
        if self._drag == "new":
            self._box = QRectF(self._anchor, self._anchor)
        self._start_box = QRectF(self._box.normalized())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._image is None:
            return
        pos = event.position()
        if not (event.buttons() & Qt.MouseButton.LeftButton) or self._drag is None:
            hit = self._hit(pos)
            cursor = {
                "move": Qt.CursorShape.SizeAllCursor,
                "tl": Qt.CursorShape.SizeFDiagCursor,
                "br": Qt.CursorShape.SizeFDiagCursor,
                "tr": Qt.CursorShape.SizeBDiagCursor,
                "bl": Qt.CursorShape.SizeBDiagCursor,
            }.get(hit or "", Qt.CursorShape.CrossCursor)
            self.setCursor(cursor)
            return
        p = self.to_image(pos)
        b = QRectF(self._start_box)
        if self._drag == "new":
            self._box = QRectF(self._anchor, p).normalized()
        elif self._drag == "move":
            dx, dy = p.x() - self._anchor.x(), p.y() - self._anchor.y()
            dx = min(max(dx, -b.x()), self._image.width() - b.right())
            dy = min(max(dy, -b.y()), self._image.height() - b.bottom())
            self._box = b.translated(dx, dy)
        else:
            if "l" in self._drag:
                b.setLeft(p.x())
            if "r" in self._drag:
                b.setRight(p.x())
            if "t" in self._drag:
                b.setTop(p.y())
            if "b" in self._drag:
                b.setBottom(p.y())
            self._box = b.normalized()
        self.update()
        if self._box_is_usable():
            self.boxChanged.emit(self.box())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag is None or event.button() != Qt.MouseButton.LeftButton:
            return
        self._drag = None
        if not self._box_is_usable():
            self._box = None  # a click, not a drag
        self.update()
        self.boxChanged.emit(self.box())

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.clear_box()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self._box is not None:
            self.clear_box()
        else:
            super().keyPressEvent(event)

    def clear_box(self) -> None:
        self._drag = None
        if self._box is not None:
            self._box = None
            self.update()
            self.boxChanged.emit(None)

    def _box_is_usable(self) -> bool:
        return self._box is not None and min(self._box.width(), self._box.height()) >= MIN_BOX

    # --- painting --------------------------------------------------------------------------
    def _scaled(self, target: QRectF) -> QPixmap:
        """The photo smoothly scaled to ``target``, cached: repaints during a drag are blits."""
        size = target.size().toSize()
        if self._pixmap is None or self._pixmap.size() != size:
            self._pixmap = QPixmap.fromImage(
                self._image.scaled(
                    size,
                    Qt.AspectRatioMode.IgnoreAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        return self._pixmap

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        self._paint_photo(painter)
        if self._highlight:
            highlight = self.palette().highlight().color()
            wash = QColor(highlight)
            wash.setAlpha(50)
            painter.fillRect(self.rect(), wash)
            painter.setPen(QPen(highlight, 4, Qt.PenStyle.DashLine))
            painter.drawRect(QRectF(self.rect()).adjusted(2, 2, -2, -2))
            painter.setPen(self.palette().windowText().color())
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Drop to open")

    def _paint_photo(self, painter: QPainter) -> None:
        if self._image is None:
            if not self._highlight:
                painter.setPen(self.palette().placeholderText().color())
                painter.drawText(
                    self.rect().adjusted(8, 8, -8, -8),
                    Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                    self._placeholder,
                )
            return
        target = self.image_rect()
        pixmap = self._scaled(target)
        painter.drawPixmap(target.topLeft(), pixmap)
        if self._seen is not None:
            seen = self.to_widget(self._seen)
            painter.fillRect(target, QColor(0, 0, 0, 90))
            painter.drawPixmap(seen, pixmap, seen.translated(-target.topLeft()))
            painter.setPen(QPen(QColor(255, 200, 0), 2, Qt.PenStyle.DashLine))
            painter.drawRect(seen)
        if self._heat_image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.drawImage(target, self._heat_image)
        if self._box is not None:
            box = self.to_widget(self._box.normalized())
            painter.setPen(QPen(QColor(0, 200, 255), 2))
            painter.drawRect(box)
            painter.setBrush(QColor(0, 200, 255))
            for corner in (box.topLeft(), box.topRight(), box.bottomLeft(), box.bottomRight()):
                painter.drawRect(
                    QRectF(corner.x() - HANDLE / 2, corner.y() - HANDLE / 2, HANDLE, HANDLE)
                )
