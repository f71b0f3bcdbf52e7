"""The exact network input, pixel for pixel: nearest-neighbour scaling, an optional grid, and an
optional heat map drawn over it (an explanation; smoothly scaled, since it is a map, not pixels)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QDialog, QSizePolicy, QVBoxLayout, QWidget

from inception_desktop.gui.widgets.heat import heat_qimage


def qimage_to_array(image: QImage) -> np.ndarray:
    """A copied uint8 (H, W, 4) RGBA array of any QImage (a pasted bitmap, say)."""
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    w, h = rgba.width(), rgba.height()
    if w * h == 0:
        return np.zeros((h, w, 4), np.uint8)
    buffer = np.frombuffer(rgba.constBits(), np.uint8, count=rgba.bytesPerLine() * h)
    return buffer.reshape(h, rgba.bytesPerLine())[:, : 4 * w].reshape(h, w, 4).copy()


def array_to_qimage(array: np.ndarray) -> QImage:
    """A deep-copied QImage of a uint8 (H, W) grey or (H, W, 3) RGB array."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    h, w = array.shape[:2]
    if array.ndim == 2:
        image = QImage(array.data, w, h, w, QImage.Format.Format_Grayscale8)
    else:
        image = QImage(array.data, w, h, 3 * w, QImage.Format.Format_RGB888)
    return image.copy()


class InputView(QWidget):
    """Shows an array at the largest scale that fits (at most ``max_scale``), never smoothed.

    With ``max_scale=1`` a 299x299 network input is shown pixel for pixel when there is room, and
    the caption says the scale when there is not ("shown at 74%"): a person judging detail must
    know whether they see the network's pixels.
    """

    changed = Signal()  # another array (or none) is shown

    def __init__(
        self,
        grid: bool = False,
        caption: str = "",
        parent: QWidget | None = None,
        max_scale: float | None = None,
        placeholder: str = "Network input",
    ):
        super().__init__(parent)
        self._max_scale = max_scale
        self._placeholder = placeholder
        self._image: QImage | None = None
        self._array: np.ndarray | None = None
        self._grid = grid
        self._caption = caption
        self._content: tuple[float, float, float, float] | None = None
        self._heat: np.ndarray | None = None
        self._heat_image: QImage | None = None
        self._opacity = 0.7
        self.setMinimumSize(160, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(299, 299)

    def hasHeightForWidth(self) -> bool:
        # Capped views are as tall as their square plus caption: nothing floats below them.
        return self._max_scale is not None

    def heightForWidth(self, width: int) -> int:
        side = min(width, round(299 * (self._max_scale or 1.0)))
        if self._image is not None and self._max_scale is not None:
            side = min(
                width, round(max(self._image.width(), self._image.height()) * self._max_scale)
            )
        return side + (18 if self._caption else 0)

    def set_array(
        self, array: np.ndarray | None, content: tuple[float, float, float, float] | None = None
    ) -> None:
        """Show ``array``; ``content`` marks the image part (the rest is padding)."""
        self._array = None if array is None else np.array(array, dtype=np.uint8)
        self._image = None if self._array is None else array_to_qimage(self._array)
        self._content = content
        self.update()
        self.changed.emit()

    def array(self) -> np.ndarray | None:
        return self._array

    def set_heat(self, heat: np.ndarray | None, opacity: float | None = None) -> None:
        """Draw ``heat`` ([0, 1], any size: stretched over the array) in the colour scale, at
        ``opacity`` (0-1; None keeps the last); None removes it."""
        if opacity is not None:
            self._opacity = float(opacity)
        self._heat = None if heat is None else np.asarray(heat, np.float32)
        self._heat_image = heat_qimage(self._heat, self._opacity)
        self.update()

    def set_heat_opacity(self, opacity: float) -> None:
        """Change the overlay's opacity (0-1), keeping the map."""
        self.set_heat(self._heat, opacity)

    def heat(self) -> np.ndarray | None:
        """The heat map drawn over the array (None when none is)."""
        return self._heat

    def heat_image(self) -> QImage | None:
        """The overlay as drawn (premultiplied colours and alpha), for tests and copies."""
        return None if self._heat_image is None else self._heat_image.copy()

    def content(self) -> tuple[float, float, float, float] | None:
        """Where the image lies in the array (the rest is padding), as given to set_array."""
        return self._content

    def image(self) -> QImage | None:
        """The array as an image (a copy the caller may keep), for the clipboard."""
        return None if self._image is None else self._image.copy()

    def set_placeholder(self, text: str) -> None:
        """What shows while there is no array (say why there is none)."""
        self._placeholder = text
        self.update()

    def scale(self) -> float:
        """The scale the array is shown at (1.0: pixel for pixel)."""
        if self._image is None:
            return 1.0
        side = min(self.width(), self.height() - (18 if self._caption else 0))
        scale = max(side, 1) / max(self._image.width(), self._image.height())
        return scale if self._max_scale is None else min(scale, self._max_scale)

    def target_rect(self) -> QRect:
        if self._image is None:
            return QRect()
        w, h = self._image.width(), self._image.height()
        scale = self.scale()
        tw, th = round(w * scale), round(h * scale)
        return QRect((self.width() - tw) // 2, 0, tw, th)

    def caption_text(self) -> str:
        """The caption under the array: its size, and the scale when it is not shown 1:1."""
        if self._image is None or not self._caption:
            return ""
        w, h = self._image.width(), self._image.height()
        if self._max_scale is not None and self.scale() < 0.995:
            return f"{w}x{h} input, shown at {self.scale():.0%}"
        return f"{self._caption} — {w}x{h}"

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        if self._image is None:
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self._placeholder,
            )
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        target = self.target_rect()
        painter.drawImage(target, self._image)
        if self._heat_image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.drawImage(target, self._heat_image)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        w, h = self._image.width(), self._image.height()
        if self._grid and target.width() >= 2 * w:
            painter.setPen(QPen(QColor(90, 90, 90, 120), 0))
            for i in range(1, w):
                x = target.x() + i * target.width() / w
                painter.drawLine(int(x), target.top(), int(x), target.bottom())
            for j in range(1, h):
                y = target.y() + j * target.height() / h
                painter.drawLine(target.left(), int(y), target.right(), int(y))
        if self._content is not None and self._content != (0, 0, w, h):
            x0, y0, x1, y1 = self._content
            sx, sy = target.width() / w, target.height() / h
            painter.setPen(QPen(QColor(255, 200, 0), 1, Qt.PenStyle.DashLine))
            painter.drawRect(
                QRectF(target.x() + x0 * sx, target.y() + y0 * sy, (x1 - x0) * sx, (y1 - y0) * sy)
            )
        if self._caption:
            painter.setPen(self.palette().windowText().color())
            painter.drawText(
                QRect(0, target.bottom() + 2, self.width(), 16),
                Qt.AlignmentFlag.AlignCenter,
                # Elided, never clipped at both ends when the view is narrow.
                painter.fontMetrics().elidedText(
                    self.caption_text(), Qt.TextElideMode.ElideRight, self.width()
                ),
            )


class InputDialog(QDialog):
    """A window showing what ``source`` shows, pixel for pixel (it follows ``source``)."""

    def __init__(self, source: InputView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Network input")
        self._source = source
        self.view = InputView(caption="network input", max_scale=1.0)
        self.view.setMinimumSize(299, 299 + 20)
        QVBoxLayout(self).addWidget(self.view)
        source.changed.connect(self._follow)
        self._follow()

    def _follow(self) -> None:
        self.view.set_array(self._source.array(), self._source.content())
