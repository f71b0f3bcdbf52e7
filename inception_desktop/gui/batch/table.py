"""The results table of a batch: a model that keeps rows small, and a filter over it.

:class:`ResultsModel` holds one :class:`~inception_desktop.gui.batch.runner.Row` per input: a
record (text and numbers) and a JPEG thumbnail of a few KB, never the photo, so a folder of
thousands costs a few MB. Thumbnails are decoded to images only for rows being painted, through
a small cache (:data:`THUMB_CACHE` of them). :class:`ResultsFilter` sorts on each column's own
value (scores as numbers, not text) and keeps the rows asked for: a class, scores below a
threshold, errors only.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QImage

from inception_desktop.core.batch.records import Record, display_path
from inception_desktop.gui.batch.runner import CHUNK, Row

#: Decoded thumbnails kept for painting (the rows on screen and some around them).
THUMB_CACHE = 256

COLUMNS = ("", "File", "Class", "Score", "Top 5", "Model", "Framing", "Device", "ms (share)")
#: What the ms column is: photos are classified in batches, and one photo's time inside one
#: batched call cannot be measured; its share of the call's time can.
MS_TIP = (
    "Milliseconds per photo: its share of the batched call that classified it (the photos "
    f"of a batch, up to {CHUNK}, share one call and so one value)"
)
THUMB, FILE, CLASS, SCORE, TOP5, MODEL, FRAMING, DEVICE, MS = range(len(COLUMNS))
#: The value a column sorts by.
SORT_ROLE = Qt.ItemDataRole.UserRole
#: The row's :class:`Record`, for any column.
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex
_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
        SORT_ROLE,
        RECORD_ROLE,
    }
)


class ResultsModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []
        self._images: OrderedDict[int, QImage] = OrderedDict()

    # --- changes -------------------------------------------------------------------------------
    def add_rows(self, rows: list[Row]) -> None:
        if not rows:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def clear(self) -> None:
        self.beginResetModel()
        self._rows = []
        self._images.clear()
        self.endResetModel()

    def records(self) -> list[Record]:
        return [row.record for row in self._rows]

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def labels(self) -> list[str]:
        """Every top-1 class seen, most frequent first (for the class filter's choices)."""
        counts: dict[str, int] = {}
        for row in self._rows:
            if row.record.ok:
                counts[row.record.label] = counts.get(row.record.label, 0) + 1
        return sorted(counts, key=lambda label: (-counts[label], label))

    # --- Qt --------------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return MS_TIP if section == MS else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # A view asks about a dozen roles per cell per paint: the ones not served return at once.
        if role not in _ROLES or not index.isValid():
            return None
        row = self._rows[index.row()]
        record, column = row.record, index.column()
        if role == RECORD_ROLE:
            return record
        if role == Qt.ItemDataRole.DecorationRole and column == THUMB:
            return self._thumbnail(index.row(), row)
        if role == Qt.ItemDataRole.ToolTipRole and column == MS:
            return MS_TIP
        if role == Qt.ItemDataRole.ToolTipRole:  # a cell's whole text, however narrow
            if column in (CLASS, TOP5) and record.ok:
                return _text(record, column)
            return record.error or display_path(record.path)
        if role == SORT_ROLE:
            return _sort_value(row, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return _text(record, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (SCORE, MS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _thumbnail(self, number: int, row: Row) -> QImage | None:
        if not row.thumbnail:
            return None
        image = self._images.get(number)
        if image is None:
            image = QImage.fromData(row.thumbnail)
            self._images[number] = image
            if len(self._images) > THUMB_CACHE:
                self._images.popitem(last=False)
        else:
            self._images.move_to_end(number)
        return image


def _text(record: Record, column: int) -> str:
    if column == FILE:
        return display_path(Path(record.path).name or record.path)
    if not record.ok:
        return f"error: {record.error}" if column == CLASS else ""
    if column == CLASS:
        return record.label
    if column == SCORE:
        return f"{(record.score or 0.0) * 100:.2f}%"
    if column == TOP5:
        return ", ".join(f"{label} {score * 100:.1f}%" for label, score in record.top[:5])
    if column == MODEL:
        return record.model
    if column == FRAMING:
        return record.framing
    if column == DEVICE:
        return record.device
    if column == MS:
        return "" if record.ms is None else f"{record.ms:.1f}"
    return ""


def _sort_value(row: Row, column: int) -> Any:
    record = row.record
    if column in (THUMB,):
        return row.index
    if column == SCORE:
        return record.score if record.score is not None else -1.0
    if column == MS:
        return record.ms if record.ms is not None else -1.0
    if column == FILE:
        return display_path(Path(record.path).name).lower()
    return _text(record, column).lower()


class ResultsFilter(QSortFilterProxyModel):
    """Sorts by :data:`SORT_ROLE`; keeps rows of one class, below a score, or errors only."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
        self.label = ""  # "" for every class; matched case-insensitively anywhere in the label
        self.below: float | None = None  # keep scores below this (0..1); errors are left out
        self.errors_only = False

    def set_filter(
        self, label: str | None = None, below: float | None = -1.0, errors_only: bool | None = None
    ) -> None:
        """Change any of the three (``below=None`` turns the score filter off)."""
        self.beginFilterChange()
        if label is not None:
            self.label = label.strip().lower()
        if below is None or below >= 0:
            self.below = below
        if errors_only is not None:
            self.errors_only = errors_only
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        record: Record = model.data(model.index(source_row, 0, source_parent), RECORD_ROLE)
        if self.errors_only:
            return not record.ok
        if self.label and self.label not in record.label.lower():
            return False
        return self.below is None or (record.ok and (record.score or 0.0) < self.below)
