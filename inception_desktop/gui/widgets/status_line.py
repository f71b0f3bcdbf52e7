"""A status text that never moves the layout: a fixed number of lines, the rest elided.

A word-wrapped QLabel grows by a line whenever its text gets longer, and everything below it (the
network input, the digit's thumbnails) shrinks or moves while the person is looking at it. This
label claims its lines from the start, whether it shows text or not (also while hidden), wraps
the text into them and ends it with "…" when it needs more; the whole text is its tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

ELLIPSIS = "…"


class StatusLine(QLabel):
    """``lines`` lines of wrapped text, the height of which it always keeps."""

    def __init__(self, lines: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._lines = lines
        self._full = ""
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setTextFormat(Qt.TextFormat.PlainText)
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * lines)

    def setText(self, text: str) -> None:
        self._full = text
        self.setToolTip(text if text else "")
        self._fit()

    def text(self) -> str:
        """The whole text (what is shown may end in "…")."""
        return self._full

    def shown_text(self) -> str:
        return super().text()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        text = self._full
        width = max(1, self.contentsRect().width())
        metrics = QFontMetrics(self.font())
        if not _fits(metrics, text, width, self._lines):
            words = text.split(" ")
            while len(words) > 1 and not _fits(
                metrics, " ".join(words) + ELLIPSIS, width, self._lines
            ):
                words.pop()
            text = " ".join(words) + ELLIPSIS
        super().setText(text)


def _fits(metrics: QFontMetrics, text: str, width: int, lines: int) -> bool:
    flags = int(Qt.TextFlag.TextWordWrap)
    needed = metrics.boundingRect(0, 0, width, 10**6, flags, text).height()
    return needed <= metrics.lineSpacing() * lines
