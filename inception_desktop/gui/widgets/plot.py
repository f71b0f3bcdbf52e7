"""pyqtgraph, imported when a chart is first made, and set up once to look like the window.

The window's charts (the retraining curve, the framing sweep) are pyqtgraph plots: axes with
ticks at every scale, legends, zoom and pan with the mouse (the "A" button puts the view back)
and export from the right-click menu, none of it drawn by hand. pyqtgraph costs about 90 ms to
import, so it is imported here, when the Retrain workspace or a sweep first makes a chart, and
never on the window's start-up path.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

_pg: ModuleType | None = None


def pyqtgraph() -> ModuleType:
    """The pyqtgraph module, imported and configured on first use (antialiased lines)."""
    global _pg
    if _pg is None:
        import pyqtgraph as pg

        pg.setConfigOptions(antialias=True)
        _pg = pg
    return _pg


def plot_widget(parent: QWidget | None = None, **labels: str) -> Any:
    """A PlotWidget in the palette's colours; ``labels``: ``left``, ``bottom`` axis titles."""
    pg = pyqtgraph()
    widget = pg.PlotWidget(parent)
    palette = widget.palette()
    widget.setBackground(palette.color(QPalette.ColorRole.Base))
    text = palette.color(QPalette.ColorRole.Text)
    for name in ("left", "bottom"):
        axis = widget.getAxis(name)
        axis.setPen(pg.mkPen(text))
        axis.setTextPen(pg.mkPen(text))
        if name in labels:
            axis.setLabel(labels[name])
    widget.showGrid(x=False, y=True, alpha=0.15)
    return widget


def pen(colour: QColor, width: float = 2.0, dashed: bool = False, dotted: bool = False) -> Any:
    from PySide6.QtCore import Qt

    style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
    if dotted:
        style = Qt.PenStyle.DotLine
    return pyqtgraph().mkPen(colour, width=width, style=style)
