"""The History window: every kept classification, newest first, searchable, re-openable.

It shows at most :data:`SHOWN` entries (the newest matching the search: a label or a file name,
case-insensitive), read from the history database in one indexed query, so a history of a
million entries opens as fast as one of ten. An entry with a file re-opens in the Photo
workspace with its framing; the entries shown export to CSV or JSON (atomically, off the GUI
thread); the history clears all at once or for entries older than N days; and a check box turns
the keeping of history on or off (``settings.keep_history``).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inception_desktop.core.batch.history import Entry, HistoryStore
from inception_desktop.core.batch.records import display_path
from inception_desktop.core.photo.framing import Box, Framing
from inception_desktop.core.photo.framing_modes import MODES
from inception_desktop.gui.runtime.background import Job

#: The most entries the window holds at a time.
SHOWN = 500
COLUMNS = ("When", "Kind", "File", "Class", "Score", "Model", "Framing", "Device", "ms")
FILE = COLUMNS.index("File")
#: A column is made as wide as its longest text up to this many pixels (names are read whole).
MAX_COLUMN = 360
Index = QModelIndex | QPersistentModelIndex


class HistoryModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.entries: list[Entry] = []

    def set_entries(self, entries: list[Entry]) -> None:
        self.beginResetModel()
        self.entries = entries
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        r = entry.record
        column = index.column()
        if role == Qt.ItemDataRole.ToolTipRole and column == FILE:
            return display_path(r.path) if r.path else "(no file: drawn or pasted)"
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None  # (a tooltip is the cell's whole text, however narrow its column)
        values = (
            time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(entry.time)),
            entry.kind,
            display_path(Path(r.path).name) if r.path else "—",
            r.label if r.ok else f"error: {r.error}",
            f"{r.score * 100:.2f}%" if r.score is not None else "",
            r.model,
            r.framing + (" + box" if r.box else ""),
            r.device,
            "" if r.ms is None else f"{r.ms:.1f}",
        )
        return values[column]


class HistoryDialog(QDialog):
    """Not modal: the person can keep working beside it. ``reopenRequested(path, Framing,
    Record)``: the record says what was classified then (model, top classes), so the window can
    say when the model in use now is another."""

    reopenRequested = Signal(str, object, object)
    message = Signal(str)

    def __init__(self, store: HistoryStore, settings: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("History — Inception Desktop")
        self.resize(960, 560)
        self.store = store
        self.settings = settings
        self.model = HistoryModel(self)
        self._jobs: list[Job] = []
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by class or file name")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.keep_box = QCheckBox("&Keep a history of classifications")
        self.keep_box.setChecked(bool(settings.keep_history))
        self.keep_box.toggled.connect(lambda on: setattr(self.settings, "keep_history", on))
        self.count_label = QLabel()
        self.note = QLabel()  # what a re-open did, when it is not what the entry says
        self.note.setWordWrap(True)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a cut name keeps its end
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.activated.connect(lambda _index: self.reopen())
        self.reopen_button = QPushButton("&Re-open")
        self.reopen_button.setToolTip("Show the photo in the Photo workspace with its framing")
        self.reopen_button.clicked.connect(self.reopen)
        self.export_button = QPushButton("E&xport…")
        self.export_button.clicked.connect(self.choose_export)
        self.days = QSpinBox()
        self.days.setRange(1, 3650)
        self.days.setValue(30)
        self.days.setSuffix(" days")
        self.clear_old_button = QPushButton("Clear &Older Than")
        self.clear_old_button.clicked.connect(lambda: self.clear(self.days.value()))
        self.clear_all_button = QPushButton("Clear &All…")
        self.clear_all_button.clicked.connect(self.ask_clear_all)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        top = QHBoxLayout()
        top.addWidget(self.search, 2)
        top.addWidget(self.keep_box)
        bottom = QHBoxLayout()
        widgets: list[QWidget] = [self.reopen_button, self.export_button]
        widgets += [self.clear_old_button, self.days, self.clear_all_button, close]
        for n, widget in enumerate(widgets):
            if n == 2:
                bottom.addStretch(1)
            bottom.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.note)
        layout.addLayout(bottom)
        self.refresh()

    def refresh(self) -> None:
        """Read the newest :data:`SHOWN` entries matching the search (one indexed query)."""
        entries = self.store.query(self.search.text().strip(), limit=SHOWN)
        self.model.set_entries(entries)
        fit_columns(self.table, MAX_COLUMN)
        total = self.store.count()
        shown = f"showing the newest {len(entries)}" if total > len(entries) else ""
        off = "" if self.settings.keep_history else " History is off."
        problem = f" {self.store.problem}" if self.store.problem else ""
        self.count_label.setText(
            f"{total} classification{'s' * (total != 1)} kept"
            + (f", {shown}" if shown else "")
            + "."
            + off
            + problem
        )

    def refresh_if_shown(self, _kept: int = 0) -> None:
        """After the recorder wrote: the list follows while the window is open (a refresh is
        one indexed query of at most :data:`SHOWN` rows)."""
        if self.isVisible():
            self.refresh()

    def selected(self) -> Entry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.entries[rows[0].row()] if rows else None

    def reopen(self) -> None:
        entry = self.selected()
        self.note.setText("")
        if entry is None:
            return
        path = entry.record.path
        if not path:
            self.message.emit("This classification has no file to open (drawn or pasted).")
            return
        if not Path(path).is_file():
            self.message.emit(f"{display_path(path)}: the file is no longer there")
            return
        mode = entry.record.framing if entry.record.framing in MODES else MODES[-1]
        box = Box(*entry.record.box) if entry.record.box else None
        self.reopenRequested.emit(path, Framing(mode, box), entry.record)

    def choose_export(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export the history", "history.csv", "CSV (*.csv);;JSON (*.json)"
        )
        if path:
            self.export_to(
                path, "json" if path.lower().endswith(".json") or "JSON" in chosen else "csv"
            )

    def export_to(self, path: str, fmt: str) -> Job:
        """Write the entries shown to ``path`` on a background thread, atomically."""
        from inception_desktop.core.batch.writers import export

        records = [e.record for e in self.model.entries]
        job = Job(lambda _job: export(records, path, fmt, top=5), "export history")
        job.returned.connect(lambda n: self.count_label.setText(f"Exported {n} entries to {path}"))
        job.errored.connect(lambda exc: self.message.emit(f"Export failed: {exc}"))
        self._jobs.append(job)
        job.finished.connect(lambda: self._jobs.remove(job))
        return job.start()

    def ask_clear_all(self) -> QMessageBox:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Clear the history",
            f"Forget all {self.store.count()} kept classifications? This cannot be undone.",
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.button(QMessageBox.StandardButton.Ok).setText("Clear All")
        box.accepted.connect(lambda: self.clear(None))
        box.finished.connect(box.deleteLater)
        self.confirm_box = box
        box.open()
        return box

    def clear(self, older_than_days: float | None) -> int:
        removed = self.store.clear(older_than_days)
        self.refresh()
        return removed


def fit_columns(table: QTableView, widest: int) -> None:
    """Each column as wide as its longest text (up to ``widest`` pixels; the last one
    stretches): "980_n09472597.JPEG" and "Norwegian elkhound" are read whole, not cut."""
    table.resizeColumnsToContents()
    header = table.horizontalHeader()
    for column in range(header.count() - 1):
        header.resizeSection(column, min(header.sectionSize(column), widest))
