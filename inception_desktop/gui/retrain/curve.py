"""The live training curve: loss and accuracy per epoch, for training and validation.

Two pyqtgraph plots side by side (see :mod:`..widgets.plot`): ticked axes at any scale, zoom
and pan with the mouse. Validation is drawn solid, training dashed, so the gap between them
(over-fitting) is what the eye meets first; the epoch whose weights were kept is a dotted green
line in both. One legend above the plots names all three, so it never covers a curve.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from inception_desktop.gui.widgets.plot import pen, plot_widget, pyqtgraph

TRAINING, VALIDATION = QColor(70, 110, 200), QColor(220, 110, 20)
BEST = QColor(60, 160, 60)
#: (key in Keras' logs, legend, colour, dashed)
SERIES = (
    ("loss", "training", TRAINING, True),
    ("val_loss", "validation", VALIDATION, False),
    ("accuracy", "training", TRAINING, True),
    ("val_accuracy", "validation", VALIDATION, False),
)
BEST_NAME = "best epoch (its weights kept)"


class CurveView(QWidget):
    """Call :meth:`add_epoch` with each epoch's logs; :meth:`clear` before a new run."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: dict[str, list[float]] = {key: [] for key, *_ in SERIES}
        self.best_epoch: int | None = None
        self.setMinimumSize(360, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Training curve")
        pg = pyqtgraph()
        self.plots = {
            "loss": plot_widget(left="loss", bottom="epoch"),
            "accuracy": plot_widget(left="accuracy", bottom="epoch"),
        }
        self.plots["accuracy"].setYRange(0.0, 1.0, padding=0.02)
        self._lines: dict[str, Any] = {}
        for key, _name, colour, dashed in SERIES:
            plot = self.plots["accuracy" if "accuracy" in key else "loss"]
            self._lines[key] = plot.plot([], [], pen=pen(colour, dashed=dashed))
        self._best = {name: pg.InfiniteLine(angle=90, pen=pen(BEST, 1.5, dotted=True))
                      for name in self.plots}  # fmt: skip
        for name, line in self._best.items():
            line.hide()
            self.plots[name].addItem(line)
        # the legend: its own strip above the plots, samples drawn as the curves are
        self.legend_view = pg.GraphicsLayoutWidget()
        self.legend_view.setBackground(self.plots["loss"].backgroundBrush())
        self.legend = pg.LegendItem(colCount=3, labelTextColor=self.palette().text().color())
        self.legend_view.addItem(self.legend)
        for name, colour, dashed, dotted in (
            ("validation", VALIDATION, False, False),
            ("training", TRAINING, True, False),
            (BEST_NAME, BEST, False, True),
        ):
            sample = pg.PlotDataItem([], [], pen=pen(colour, dashed=dashed, dotted=dotted))
            self.legend.addItem(sample, name)
        self.legend_view.setFixedHeight(round(self.legend.boundingRect().height()) + 8)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for plot in self.plots.values():
            row.addWidget(plot)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.legend_view)
        layout.addLayout(row, 1)

    def sizeHint(self) -> QSize:
        return QSize(560, 240)

    def clear(self) -> None:
        for series in self.values.values():
            series.clear()
        self.best_epoch = None
        self._redraw()

    def add_epoch(self, logs: dict[str, float]) -> None:
        for key, series in self.values.items():
            if key in logs:
                series.append(float(logs[key]))
        self._redraw()

    def set_best_epoch(self, epoch: int | None) -> None:
        """Mark the epoch whose weights were kept (early stopping restores the best)."""
        self.best_epoch = epoch
        self._redraw()

    @property
    def epochs(self) -> int:
        return max((len(v) for v in self.values.values()), default=0)

    def legend_names(self) -> list[str]:
        return [label.text for _sample, label in self.legend.items]

    def _redraw(self) -> None:
        for key, line in self._lines.items():
            values = self.values[key]
            line.setData(list(range(1, len(values) + 1)), values)
        for line in self._best.values():
            line.setVisible(self.best_epoch is not None)
            if self.best_epoch is not None:
                line.setValue(self.best_epoch)
