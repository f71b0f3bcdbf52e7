"""Top-k scores as labelled horizontal bars with percentages; a click on a row says which
(``rowClicked``: the Photo workspace explains that class), and one row can be marked."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QHelpEvent, QMouseEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

ROW = 24


def percent_text(score: float, extra: int = 0) -> str:
    """A score as a percentage: one decimal from 10%, two below (0.13%), and "<0.01%" for what
    would round to nothing; ``extra`` more decimals where rows must be told apart."""
    percent = score * 100
    if percent >= 10:
        return f"{percent:.{1 + extra}f}%"
    floor = 0.5 * 10 ** -(2 + extra)
    if percent >= floor:
        return f"{percent:.{2 + extra}f}%"
    return f"<{2 * floor:.{2 + extra}f}%"


#: The bars' least width when labels are long (pixels).
MIN_BAR = 60
#: At most this many decimals more than :func:`percent_text` gives by default.
MAX_EXTRA = 3


def percent_texts(scores: list[float]) -> list[str]:
    """Percentages for ranked rows with as few decimals as tell different neighbours apart.

    Ten nearly equal scores (an untrained or unsure model) all read "0.10%" at the usual
    precision; one or two more decimals show their order ("0.1004%", "0.1001%")."""
    for extra in range(MAX_EXTRA + 1):
        texts = [percent_text(s, extra) for s in scores]
        clash = any(  # ("<0.01%" rows are meant to read alike)
            a == b and not a.startswith("<") and abs(x - y) > 1e-12 * max(abs(x), abs(y))
            for (a, x), (b, y) in itertools.pairwise(zip(texts, scores, strict=True))
        )
        if not clash:
            break
    return texts


class ScoreBars(QWidget):
    """Shows ``(label, score)`` rows, best first; an optional rank change per row (+ is up)."""

    rowClicked = Signal(int)  # the row (0 = best) a person clicked

    def __init__(self, rows: int = 10, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._capacity = rows
        self._rows: list[tuple[str, float]] = []
        self._moves: list[int | None] = []
        self._placeholder = "No prediction yet"
        self._marked: int | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(260)

    def sizeHint(self) -> QSize:
        """Room for the longest label, its percentage and a bar of twice :data:`MIN_BAR`."""
        label_w, pct_w, move_w = self._columns(room=10**6)
        return QSize(
            max(340, label_w + pct_w + move_w + 12 + 2 * MIN_BAR), ROW * self._capacity + 8
        )

    def minimumSizeHint(self) -> QSize:
        return QSize(200, ROW * self._capacity + 8)  # the explicit minimum width rules

    def set_scores(
        self, rows: Sequence[tuple[str, float]], moves: Sequence[int | None] = ()
    ) -> None:
        self._rows = list(rows)[: self._capacity]
        self._moves = list(moves)[: self._capacity]
        self._marked = None
        self.updateGeometry()  # longer labels ask for more room
        self.update()

    def clear(self, placeholder: str = "No prediction yet") -> None:
        self._rows, self._moves, self._placeholder = [], [], placeholder
        self._marked = None
        self.update()

    def row_at(self, y: float) -> int | None:
        """The row drawn at height ``y`` (widget pixels), or None."""
        row = int((y - 4) // ROW) if y >= 4 else -1
        return row if 0 <= row < len(self._rows) else None

    def row_rect(self, row: int) -> QRectF:
        """Where ``row`` is drawn (for clicks in tests and tooltips)."""
        return QRectF(0, 4 + row * ROW, self.width(), ROW)

    def set_marked(self, row: int | None) -> None:
        """Outline ``row`` (the class being explained); None for none."""
        self._marked = row
        self.update()

    def marked(self) -> int | None:
        return self._marked

    def mousePressEvent(self, event: QMouseEvent) -> None:
        row = self.row_at(event.position().y())
        if row is not None and event.button() == Qt.MouseButton.LeftButton:
            self.rowClicked.emit(row)
        else:
            super().mousePressEvent(event)

    def rows(self) -> list[tuple[str, float]]:
        return list(self._rows)

    def moves(self) -> list[int | None]:
        """The rank moves shown beside the rows (empty when none are)."""
        return list(self._moves)

    def as_text(self) -> str:
        """The rows as text for the clipboard, one per line: rank, label, percentage, tab
        separated (a spreadsheet takes them as columns)."""
        texts = self.percent_texts()
        return "".join(
            f"{rank}\t{label}\t{text}\n"
            for rank, ((label, _), text) in enumerate(zip(self._rows, texts, strict=True), 1)
        )

    def percent_texts(self) -> list[str]:
        """The percentages as shown, one per row."""
        return percent_texts([score for _, score in self._rows])

    def placeholder(self) -> str:
        return "" if self._rows else self._placeholder

    def _columns(self, room: int | None = None) -> tuple[int, int, int]:
        """Widths of the labels, the percentages and the rank moves: the labels get what their
        longest needs ("Norwegian elkhound" whole), as long as the bars keep
        :data:`MIN_BAR` pixels; only then is a label cut ("…", the whole of it in the tooltip)."""
        metrics = self.fontMetrics()
        pct_w = max([64, *(metrics.horizontalAdvance(t) + 8 for t in self.percent_texts())])
        move_w = 34 if self._moves else 0
        needed = max((metrics.horizontalAdvance(label) for label, _ in self._rows), default=0)
        if room is None:
            room = self.width() - pct_w - move_w - 12 - MIN_BAR
        return max(40, min(needed + 8, room)), pct_w, move_w

    def label_width(self) -> int:
        """The room each label has, in pixels (a label wider than this less 6 is cut)."""
        return self._columns()[0]

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            row = self.row_at(event.pos().y())
            if row is not None:  # the whole label and its score, however narrow the widget
                text = f"{self._rows[row][0]}: {self.percent_texts()[row]}"
                QToolTip.showText(
                    event.globalPos(), "\n".join(filter(None, (text, self.toolTip()))), self
                )
                return True
        return super().event(event)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_colour = palette.color(QPalette.ColorRole.WindowText)
        if not self._rows:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._placeholder)
            return
        width = self.width()
        label_w, pct_w, move_w = self._columns()
        bar_w = max(20, width - label_w - pct_w - move_w - 12)
        metrics = painter.fontMetrics()
        percents = self.percent_texts()
        for i, (label, score) in enumerate(self._rows):
            y = 4 + i * ROW
            text = metrics.elidedText(label, Qt.TextElideMode.ElideRight, label_w - 6)
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(0, y, label_w - 6, ROW),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                text,
            )
            track = QRectF(label_w, y + 5, bar_w, ROW - 10)
            painter.fillRect(track, palette.color(QPalette.ColorRole.AlternateBase))
            colour = QColor(46, 125, 210) if i else QColor(230, 120, 20)
            painter.fillRect(
                QRectF(track.x(), track.y(), bar_w * max(0.0, min(1.0, score)), track.height()),
                colour,
            )
            painter.drawText(
                QRectF(label_w + bar_w + 6, y, pct_w, ROW),
                Qt.AlignmentFlag.AlignVCenter,
                percents[i],
            )
            if i == self._marked:
                painter.save()
                painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRoundedRect(QRectF(1, y + 1, width - 2, ROW - 2), 3, 3)
                painter.restore()
            if self._moves and i < len(self._moves):
                move = self._moves[i]
                mark = "new" if move is None else ("=" if move == 0 else f"{move:+d}")
                colour = QColor(0, 140, 0) if (move or 0) > 0 else QColor(190, 0, 0)
                painter.setPen(text_colour if move == 0 else colour)
                painter.drawText(
                    QRectF(width - move_w, y, move_w, ROW), Qt.AlignmentFlag.AlignVCenter, mark
                )
