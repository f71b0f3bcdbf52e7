"""Real input events for widgets: press, moves carrying the button state, release."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget


def _event(kind: QEvent.Type, widget: QWidget, pos: QPointF, buttons) -> QMouseEvent:
    global_pos = QPointF(widget.mapToGlobal(pos.toPoint()))
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    return QMouseEvent(kind, pos, global_pos, button, buttons, Qt.KeyboardModifier.NoModifier)


def drag(widget: QWidget, points: Sequence[tuple[float, float]], release: bool = True) -> None:
    """Press at the first point, move through the others with the left button held, release."""
    left = Qt.MouseButton.LeftButton
    first = QPointF(*points[0])
    QApplication.sendEvent(widget, _event(QEvent.Type.MouseButtonPress, widget, first, left))
    for x, y in points[1:]:
        QApplication.sendEvent(widget, _event(QEvent.Type.MouseMove, widget, QPointF(x, y), left))
    if release:
        last = QPointF(*points[-1])
        QApplication.sendEvent(
            widget, _event(QEvent.Type.MouseButtonRelease, widget, last, Qt.MouseButton.NoButton)
        )


def polyline(points: Sequence[tuple[float, float]], step: float = 4.0) -> list[tuple[float, float]]:
    """Points every ``step`` pixels along a polyline, like a real mouse sends them."""
    out: list[tuple[float, float]] = [points[0]]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        n = max(1, int(max(abs(x1 - x0), abs(y1 - y0)) / step))
        out.extend((x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n) for i in range(1, n + 1))
    return out
