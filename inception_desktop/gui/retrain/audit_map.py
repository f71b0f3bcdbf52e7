"""The audit's map in the window: every photo a dot in its class's colour, zoomable.

One graphics item paints all the dots (20,000 of them draw in a few milliseconds, where as many
items would make the scene crawl), suspects ringed in red and outliers in black. The wheel zooms
about the mouse, a drag pans; hovering shows the photo under the mouse (its thumbnail and path in
a tooltip, the nearest dot found with numpy), a click opens it (``photoChosen``).
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPen, QPolygonF, QWheelEvent
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QToolTip,
    QWidget,
)

SIDE = 1000.0
DOT = 7.0
#: How near (in pixels on screen) the mouse must be to a dot to show it.
PICK = 10.0
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf"]  # fmt: skip


class _Dots(QGraphicsItem):
    def __init__(self) -> None:
        super().__init__()
        self.xy = np.zeros((0, 2))
        self.labels = np.zeros(0, np.int64)
        self.rings: dict[int, QColor] = {}
        self.selected: set[int] = set()
        self.polygons: list[tuple[int, QPolygonF]] = []  # made once, painted many times

    def set_points(self, xy: np.ndarray, labels: np.ndarray) -> None:
        self.xy, self.labels = xy, labels
        self.polygons = [
            (int(label), QPolygonF([QPointF(x, y) for x, y in xy[labels == label]]))
            for label in np.unique(labels)
        ]

    def boundingRect(self) -> QRectF:
        return QRectF(-DOT * 2, -DOT * 2, SIDE + DOT * 4, SIDE + DOT * 4)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for label, polygon in self.polygons:  # one wide round-capped point per dot, per class
            pen = QPen(QColor(PALETTE[label % len(PALETTE)]), DOT)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            painter.drawPoints(polygon)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for index, colour in self.rings.items():
            painter.setPen(QPen(colour, 2.0))
            painter.drawEllipse(QPointF(*self.xy[index]), DOT, DOT)
        painter.setPen(QPen(QColor("#000000"), 2.0, Qt.PenStyle.DashLine))
        for index in self.selected:
            x, y = (float(v) for v in self.xy[index] - DOT * 1.4)
            painter.drawRect(QRectF(x, y, DOT * 2.8, DOT * 2.8))


class AuditMap(QGraphicsView):
    """See the module docstring."""

    photoChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self._dots = _Dots()
        self.scene().addItem(self._dots)
        self.scene().setSceneRect(QRectF(-20, -20, SIDE + 40, SIDE + 40))
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setMouseTracking(True)
        self.setAccessibleName("Map of the photos")
        self.setToolTip("Each dot a photo; hover to see it, click to open it, wheel to zoom")
        self.paths: list[str] = []
        self.classes: tuple[str, ...] = ()
        self._pressed = QPointF()

    def show_points(
        self,
        points: np.ndarray,
        labels: np.ndarray,
        paths: list[str],
        classes: tuple[str, ...],
        suspects: set[str],
        outliers: set[str],
    ) -> None:
        self.paths, self.classes = list(paths), classes
        self._dots.set_points(np.asarray(points, np.float64) * SIDE, np.asarray(labels, np.int64))
        index = {p: i for i, p in enumerate(paths)}
        self._dots.rings = {index[p]: QColor("#d00000") for p in suspects if p in index}
        self._dots.rings.update({index[p]: QColor("#000000") for p in outliers if p in index})
        self._dots.selected = set()
        self._dots.update()
        self.fitInView(self.scene().sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def select(self, paths: list[str]) -> None:
        """Mark ``paths`` on the map (the lists' selection)."""
        chosen = set(paths)
        self._dots.selected = {i for i, p in enumerate(self.paths) if p in chosen}
        self._dots.update()

    def nearest(self, scene: QPointF) -> int | None:
        if not len(self._dots.xy):
            return None
        d = np.hypot(self._dots.xy[:, 0] - scene.x(), self._dots.xy[:, 1] - scene.y())
        i = int(np.argmin(d))
        return i if d[i] <= PICK / max(self.transform().m11(), 1e-6) else None

    def wheelEvent(self, event: QWheelEvent) -> None:
        factor = 1.25 if event.angleDelta().y() > 0 else 0.8
        self.scale(factor, factor)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        i = self.nearest(self.mapToScene(event.position().toPoint()))
        if i is None:
            QToolTip.hideText()
            return
        path = self.paths[i]
        label = self.classes[int(self._dots.labels[i])]
        url = Path(path).as_uri()
        QToolTip.showText(
            event.globalPosition().toPoint(),
            f'<img src="{html.escape(url)}" width="120"><br>{html.escape(label)}: '
            f"{html.escape(Path(path).name)}",
            self,
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._pressed = event.position()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        moved = (event.position() - self._pressed).manhattanLength()  # a drag pans: no click
        i = self.nearest(self.mapToScene(event.position().toPoint()))
        if i is not None and moved < 4:
            self.photoChosen.emit(self.paths[i])
