"""The Retrain workspace's views of data and results: the classes with their counts and a few
thumbnails, the per-class accuracy, the confusion matrix, and the gallery of mistakes.

Plain Qt item views, filled from the core's numbers (:func:`...retrain.report.summarise`); the
pictures come as arrays made on a background thread and become pixmaps here, on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
)

from inception_desktop.gui.retrain.data_source import THUMB
from inception_desktop.gui.widgets.input_view import array_to_qimage

#: The gallery's thumbnails.
GALLERY_THUMB = 112
#: The most mistakes the gallery shows (the report's own limit).
MAX_GALLERY = 60
PATH_ROLE = Qt.ItemDataRole.UserRole


def pixmap(array: np.ndarray) -> QPixmap:
    return QPixmap.fromImage(array_to_qimage(array))


class ClassTable(QTableWidget):
    """One row per class: name, photo count (marked when few), thumbnails."""

    def __init__(self) -> None:
        super().__init__(0, 3)
        self.setHorizontalHeaderLabels(["Class", "Photos", "Some of them"])
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.verticalHeader().setDefaultSectionSize(THUMB + 6)
        self.setAccessibleName("Classes")

    def show_classes(self, counts: dict[str, int], thumbs: dict[str, np.ndarray], few: int) -> None:
        self.setRowCount(len(counts))
        for row, (name, count) in enumerate(counts.items()):
            self.setItem(row, 0, QTableWidgetItem(name))
            item = QTableWidgetItem(str(count))
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if count < few:
                item.setForeground(QBrush(QColor(200, 60, 0)))
                item.setToolTip(f"fewer than {few} photos: this class is learnt poorly")
            self.setItem(row, 1, item)
            label = QLabel()
            if name in thumbs:
                label.setPixmap(pixmap(thumbs[name]))
            self.setCellWidget(row, 2, label)

    def names(self) -> list[str]:
        return [self.item(r, 0).text() for r in range(self.rowCount())]

    def counts(self) -> list[int]:
        return [int(self.item(r, 1).text()) for r in range(self.rowCount())]


class PerClassTable(QTableWidget):
    """Accuracy per class on the validation photos."""

    def __init__(self) -> None:
        super().__init__(0, 2)
        self.setHorizontalHeaderLabels(["Class", "Accuracy"])
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.setAccessibleName("Accuracy per class")

    def show_summary(self, per_class: dict[str, float | None]) -> None:
        self.setRowCount(len(per_class))
        for row, (name, accuracy) in enumerate(per_class.items()):
            self.setItem(row, 0, QTableWidgetItem(name))
            text = "–" if accuracy is None else f"{accuracy:.1%}"
            item = QTableWidgetItem(text)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.setItem(row, 1, item)


class ConfusionTable(QTableWidget):
    """Rows: the true class; columns: the predicted one. Correct answers green, mistakes red by
    how many (against the worst confusion), as the report's picture shades them."""

    def __init__(self) -> None:
        super().__init__(0, 0)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAccessibleName("Confusion matrix: rows are true classes, columns predictions")
        self.setToolTip("Rows: the true class. Columns: what the model answered.")

    def show_matrix(self, matrix: Sequence[Sequence[int]], classes: Sequence[str]) -> None:
        counts = np.asarray(matrix, np.int64).reshape(len(classes), len(classes))
        self.setRowCount(len(classes))
        self.setColumnCount(len(classes))
        self.setHorizontalHeaderLabels([f"as {name}" for name in classes])
        self.setVerticalHeaderLabels(list(classes))
        off = counts.copy()
        np.fill_diagonal(off, 0)
        worst = max(1, int(off.max(initial=0)))
        for t in range(len(classes)):
            for p in range(len(classes)):
                count = int(counts[t, p])
                item = QTableWidgetItem(str(count))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if t == p:
                    item.setBackground(QColor(200, 230, 200))
                elif count:
                    level = int(255 - 200 * count / worst)
                    item.setBackground(QColor(255, level, level))
                item.setForeground(QColor("black"))
                self.setItem(t, p, item)
        self.resizeColumnsToContents()

    def count(self, true: int, predicted: int) -> int:
        return int(self.item(true, predicted).text())


class MistakeGallery(QListWidget):
    """The misclassified validation photos, captioned with the true class and the answer; a
    click (or Enter) asks to open the photo in the Photo workspace: ``photoChosen(path)``."""

    photoChosen = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(QSize(GALLERY_THUMB, GALLERY_THUMB))
        self.setGridSize(QSize(GALLERY_THUMB + 36, GALLERY_THUMB + 44))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setWordWrap(True)
        self.setAccessibleName("Misclassified photos")
        self.setToolTip("Click a photo to open it in the Photo workspace")
        self.itemClicked.connect(self._chosen)
        self.itemActivated.connect(self._chosen)

    def show_mistakes(self, mistakes: Sequence[dict[str, Any]]) -> None:
        self.clear()
        for entry in mistakes[:MAX_GALLERY]:
            text = f"{entry['true']}\nas {entry['predicted']} {entry['score']:.0%}"
            item = QListWidgetItem(text)
            item.setData(PATH_ROLE, entry["path"])
            item.setToolTip(f"{entry['path']}\n{text}")
            self.addItem(item)

    def set_thumbnail(self, row: int, array: np.ndarray) -> None:
        item = self.item(row)
        if item is not None:
            item.setIcon(QIcon(pixmap(array)))

    def paths(self) -> list[str]:
        return [self.item(r).data(PATH_ROLE) for r in range(self.count())]

    def _chosen(self, item: QListWidgetItem) -> None:
        self.photoChosen.emit(item.data(PATH_ROLE))
