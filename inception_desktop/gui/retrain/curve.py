"""The live training curve: loss and accuracy per epoch, for training and validation.

Painted with QPainter (two small plots side by side) rather than a plotting library: a few dozen
points a second need no more, and the app keeps its start-up light. Validation is drawn solid,
training dashed, so the gap between them (over-fitting) is what the eye meets first.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

#: (key in Keras' logs, legend, colour, dashed)
SERIES = (
    ("loss", "training", QColor(70, 110, 200), True),
    ("val_loss", "validation", QColor(220, 110, 20), False),
    ("accuracy", "training", QColor(70, 110, 200), True),
    ("val_accuracy", "validation", QColor(220, 110, 20), False),
)
MARGIN = 34


class CurveView(QWidget):
    """Call :meth:`add_epoch` with each epoch's logs; :meth:`clear` before a new run."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: dict[str, list[float]] = {key: [] for key, *_ in SERIES}
        self.best_epoch: int | None = None
        self.setMinimumSize(360, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Training curve")

    def sizeHint(self) -> QSize:
        return QSize(560, 220)

    def clear(self) -> None:
        for series in self.values.values():
            series.clear()
        self.best_epoch = None
        self.update()

    def add_epoch(self, logs: dict[str, float]) -> None:
        for key, series in self.values.items():
            if key in logs:
                series.append(float(logs[key]))
        self.update()

    def set_best_epoch(self, epoch: int | None) -> None:
        """Mark the epoch whose weights were kept (early stopping restores the best)."""
        self.best_epoch = epoch
        self.update()

    @property
    def epochs(self) -> int:
        return max((len(v) for v in self.values.values()), default=0)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        half = self.width() / 2
        self._plot(painter, QRectF(0, 0, half, self.height()), "loss", ("loss", "val_loss"))
        self._plot(
            painter,
            QRectF(half, 0, half, self.height()),
            "accuracy",
            ("accuracy", "val_accuracy"),
            fixed=(0.0, 1.0),
        )
        painter.end()

    def _plot(
        self,
        painter: QPainter,
        area: QRectF,
        title: str,
        keys: tuple[str, str],
        fixed: tuple[float, float] | None = None,
    ) -> None:
        text = self.palette().text().color()
        plot = area.adjusted(MARGIN, 18, -10, -22)
        painter.setPen(QPen(text.lighter(250) if text.lightness() < 128 else text.darker(250)))
        painter.drawRect(plot)
        painter.setPen(text)
        painter.drawText(
            QRectF(area.left(), area.top(), area.width(), 16), Qt.AlignmentFlag.AlignCenter, title
        )
        values = [v for k in keys for v in self.values[k]]
        n = self.epochs
        if not values or n == 0:
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "no epoch yet")
            return
        low, high = fixed if fixed else (min(0.0, min(values)), max(values))
        if high <= low:
            high = low + 1.0
        span = max(1, n - 1)

        def point(epoch: int, value: float) -> QPointF:
            x = plot.left() + plot.width() * epoch / span
            y = plot.bottom() - plot.height() * (value - low) / (high - low)
            return QPointF(x, y)

        painter.drawText(
            QRectF(area.left(), plot.top() - 6, MARGIN - 4, 12),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            f"{high:.2g}",
        )
        painter.drawText(
            QRectF(area.left(), plot.bottom() - 6, MARGIN - 4, 12),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            f"{low:.2g}",
        )
        painter.drawText(
            QRectF(plot.left(), plot.bottom() + 2, plot.width(), 16),
            Qt.AlignmentFlag.AlignRight,
            f"epoch {n}",
        )
        if self.best_epoch is not None and 1 <= self.best_epoch <= n:
            marker = point(self.best_epoch - 1, low)
            painter.setPen(QPen(QColor(60, 160, 60), 1, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(marker.x(), plot.top()), QPointF(marker.x(), plot.bottom()))
        legend_y = plot.top() + 12
        for key, label, colour, dashed in SERIES:
            if key not in keys or not self.values[key]:
                continue
            pen = QPen(colour, 2, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
            painter.setPen(pen)
            path = QPainterPath(point(0, self.values[key][0]))
            for epoch, value in enumerate(self.values[key][1:], start=1):
                path.lineTo(point(epoch, value))
            painter.drawPath(path)
            painter.drawLine(
                QPointF(plot.right() - 90, legend_y - 4), QPointF(plot.right() - 72, legend_y - 4)
            )
            painter.setPen(text)
            painter.drawText(QPointF(plot.right() - 68, legend_y), label)
            legend_y += 14
