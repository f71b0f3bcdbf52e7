"""A strip of the photos loaded so far, each captioned with its top-1 label; click to show one."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QWidget

THUMB = 72
#: The caption of a photo whose top-1 label is not known yet.
PENDING = "…"


class ThumbnailStrip(QListWidget):
    chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setGridSize(QSize(THUMB + 40, THUMB + 34))
        self.setFixedHeight(THUMB + 48)
        self.setMovement(QListView.Movement.Static)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.currentRowChanged.connect(self._changed)

    def add(self, image: QImage, tooltip: str) -> int:
        thumb = image.scaled(
            THUMB,
            THUMB,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        item = QListWidgetItem(QIcon(QPixmap.fromImage(thumb)), PENDING)
        item.setToolTip(tooltip)
        self.addItem(item)
        return self.count() - 1

    def set_caption(self, row: int, text: str) -> None:
        item = self.item(row)
        if item is not None:
            item.setText(text if len(text) <= 16 else text[:15] + "…")

    def caption(self, row: int) -> str:
        item = self.item(row)
        return item.text() if item is not None else ""

    def _changed(self, row: int) -> None:
        if row >= 0:
            self.chosen.emit(row)
