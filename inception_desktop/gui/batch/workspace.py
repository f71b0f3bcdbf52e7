"""The Many Photos workspace: a folder (or many files) classified as a batch, in a table.

One row per image (thumbnail, file, class and score, top 5, model, framing, device, ms, or the
error), sortable on any column and filtered by class, by a score below a threshold, or to errors
only. A batch shows its progress and time left and can be cancelled; the work happens off the
GUI thread (see :mod:`inception_desktop.gui.batch.runner`) and memory stays bounded (see
:mod:`inception_desktop.gui.batch.table`). Activating a row (double-click, Enter) asks the window
to open that photo in the Photo workspace with the framing it was classified with.

The table exports to CSV or JSON (atomically, on a background thread), copies the selected rows
as tab-separated text, and copies the photos into one folder per class after a dry-run summary
(originals never moved, nothing overwritten). A failure (a read-only place, a full disk) is one
message; the table stays.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inception_desktop.core.batch import class_folders
from inception_desktop.core.batch.records import Record, display_path
from inception_desktop.core.photo.framing import Framing
from inception_desktop.core.photo.framing_modes import DEFAULT_MODE, MODES
from inception_desktop.core.photo.images import IMAGE_SUFFIXES
from inception_desktop.core.progress import time_left_text as time_left
from inception_desktop.gui.batch.runner import THUMB_SIDE, BatchRun, Row
from inception_desktop.gui.batch.shown import ShownCount
from inception_desktop.gui.batch.table import (
    CLASS,
    COLUMNS,
    FILE,
    RECORD_ROLE,
    SCORE,
    TOP5,
    ResultsFilter,
    ResultsModel,
)
from inception_desktop.gui.runtime.background import Job
from inception_desktop.gui.runtime.channel import ModelWatch
from inception_desktop.gui.runtime.mime import Inputs
from inception_desktop.gui.runtime.requests import ModelKind
from inception_desktop.gui.runtime.worker import InferenceWorker

#: The file and class columns grow to their longest text up to this many pixels.
MAX_COLUMN = 360
#: Seconds between two progress updates (the last one always shows).
PROGRESS_S = 0.2
EMPTY = "Open a folder or add photos to classify them all"


class BatchWorkspace(QWidget):
    TITLE = "Many Photos"
    message = Signal(str)  # a problem the person should read
    notice = Signal(str)  # transient status text
    openRequested = Signal(str, object)  # path, Framing: show this photo in the Photo workspace
    batchFinished = Signal(bool)  # cancelled

    def __init__(self, worker: InferenceWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self.model = ModelWatch(worker, ModelKind.PHOTO, self)
        self.run: BatchRun | None = None
        self.results = ResultsModel(self)
        self.proxy = ResultsFilter(self)
        self.proxy.setSourceModel(self.results)
        self.confirm_box: QMessageBox | None = None
        self._jobs: list[Job] = []
        self._build()
        self._update_buttons()

    # --- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.open_folder_button = QPushButton("Open F&older…")
        self.open_folder_button.setToolTip("Classify every photo in a folder")
        self.open_folder_button.clicked.connect(self.choose_folder)
        self.add_files_button = QPushButton("&Add Photos…")
        self.add_files_button.clicked.connect(self.choose_files)
        self.recursive_box = QCheckBox("Include sub-folders")
        self.framing_combo = QComboBox()
        self.framing_combo.addItems(list(MODES))
        self.framing_combo.setCurrentText(DEFAULT_MODE)
        self.framing_combo.setToolTip("How each photo is framed for the network")
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.status = QLabel(EMPTY)
        # Its text changes several times a second: never a reason to lay the workspace out again.
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status.setMinimumWidth(260)
        self._last_progress = 0.0
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the batch (Esc); the rows done so far stay")
        self.cancel_button.clicked.connect(self.cancel)
        QShortcut(QKeySequence("Escape"), self, self.cancel)
        top = QHBoxLayout()
        for widget in (self.open_folder_button, self.add_files_button, self.recursive_box):
            top.addWidget(widget)
        top.addWidget(QLabel("Framing:"))
        top.addWidget(self.framing_combo)
        top.addStretch(1)
        top.addWidget(self.progress, 2)
        top.addWidget(self.cancel_button)

        self.class_filter = QLineEdit()
        self.class_filter.setPlaceholderText("Filter by class")
        self.class_filter.setClearButtonEnabled(True)
        self.class_filter.textChanged.connect(lambda text: self.proxy.set_filter(label=text))
        self.below_box = QCheckBox("Score &below")
        self.below_spin = QDoubleSpinBox()
        self.below_spin.setRange(0.0, 100.0)
        self.below_spin.setSuffix(" %")
        self.below_spin.setValue(50.0)
        self.below_box.toggled.connect(self._score_filter_changed)
        self.below_spin.valueChanged.connect(self._score_filter_changed)
        self.errors_box = QCheckBox("Errors o&nly")
        self.errors_box.toggled.connect(lambda on: self.proxy.set_filter(errors_only=on))
        filters = QHBoxLayout()
        filters.addWidget(self.class_filter, 2)
        filters.addWidget(self.below_box)
        filters.addWidget(self.below_spin)
        filters.addWidget(self.errors_box)
        filters.addStretch(1)
        filters.addWidget(self.status, 3)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setIconSize(QSize(THUMB_SIDE, THUMB_SIDE))
        self.table.verticalHeader().setDefaultSectionSize(THUMB_SIDE + 4)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a cut name keeps its end
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, THUMB_SIDE + 8)
        header.resizeSection(FILE, 200)
        header.resizeSection(CLASS, 180)
        header.resizeSection(TOP5, 320)
        self.table.activated.connect(self._activated)
        self.shown = ShownCount(self.proxy, self.table)  # "12 of 50 shown", "no row matches"
        filters.insertWidget(filters.count() - 2, self.shown.label)
        copy = QShortcut(QKeySequence.StandardKey.Copy, self.table, self.copy_selected)
        copy.setContext(Qt.ShortcutContext.WidgetShortcut)

        self.export_button = QPushButton("E&xport…")
        self.export_button.setToolTip("Save the table as CSV or JSON")
        self.export_button.clicked.connect(self.choose_export)
        self.copy_button = QPushButton("Cop&y Rows")
        self.copy_button.setToolTip("Copy the selected rows as tab-separated text (Ctrl+C)")
        self.copy_button.clicked.connect(self.copy_selected)
        self.sort_button = QPushButton("Copy into &Class Folders…")
        self.sort_button.setToolTip(
            "Copy each photo into a folder named after its class (originals stay where they are)"
        )
        self.sort_button.clicked.connect(self.choose_class_folders)
        self.clear_button = QPushButton("C&lear Table")
        self.clear_button.clicked.connect(self.clear)
        bottom = QHBoxLayout()
        for widget in (self.export_button, self.copy_button, self.sort_button):
            bottom.addWidget(widget)
        bottom.addStretch(1)
        bottom.addWidget(self.clear_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    # --- the protocol of workspaces ------------------------------------------------------------
    def start_model(self) -> None:
        """Nothing to start: this workspace uses the Photo workspace's model (Inception v3)."""

    @property
    def framing(self) -> Framing:
        return Framing(self.framing_combo.currentText())

    # --- running -----------------------------------------------------------------------------
    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Classify a folder of photos")
        if folder:
            self.open_paths([folder])

    def choose_files(self) -> None:
        patterns = " ".join(f"*{s}" for s in IMAGE_SUFFIXES)
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Classify photos", "", f"Images ({patterns});;All files (*)"
        )
        if paths:
            self.open_paths(paths)

    def open_paths(self, paths: list[str]) -> None:
        """Classify ``paths`` (files and folders) as one batch, after any batch running now
        is cancelled; its rows are added to the table."""
        if self.run is not None:
            self.run.cancel()  # (nothing when it has finished)
            self.run.deleteLater()  # its channel stops hearing the worker
        run = BatchRun(self._worker, paths, self.framing, self.recursive_box.isChecked(), self)
        run.rows.connect(self._rows)
        run.progress.connect(self._progress)
        run.finished.connect(self._finished)
        run.message.connect(self.message)
        self.run = run
        self.progress.setRange(0, 0)  # busy until the size is known
        self.status.setText("Listing…" if self.model.state.ready else "Waiting for the model…")
        run.start()
        self._update_buttons()

    def cancel(self) -> None:
        if self.run is not None and self.run.running:
            self.run.cancel()

    def _rows(self, rows: list[Row]) -> None:
        self.results.add_rows(rows)

    def _progress(self, done: int, total: int, failed: int) -> None:
        now = time.monotonic()
        if now - self._last_progress < PROGRESS_S and done != total:
            return  # a few updates a second are enough to read, and cost the GUI thread less
        self._last_progress = now
        if total >= 0:
            self.progress.setRange(0, max(1, total))
            self.progress.setValue(done)
        failures = f", {failed} failed" if failed else ""
        of = f" of {total}" if total >= 0 else ""
        left = time_left(self.run.seconds_left()) if self.run is not None else ""
        self.status.setText(f"{done}{of} done{failures}" + (f" · {left}" if left else ""))

    def _finished(self, cancelled: bool) -> None:
        run = self.run
        if run is not None:
            took = time.monotonic() - run.started
            failures = f", {run.failed} failed" if run.failed else ""
            verb = "Cancelled after" if cancelled else "Done:"
            self.status.setText(f"{verb} {run.done} photos in {took:.1f} s{failures}")
            for column in (FILE, CLASS):  # names read whole, up to a limit
                self.table.resizeColumnToContents(column)
                width = self.table.horizontalHeader().sectionSize(column)
                self.table.horizontalHeader().resizeSection(column, min(width, MAX_COLUMN))
            self.progress.setRange(0, 1)
            self.progress.setValue(1 if not cancelled else 0)
            self.notice.emit(self.status.text())
            if run.failed:  # one message a batch: each row says its own error
                self.message.emit(
                    f"{run.failed} of {run.done} photos could not be classified "
                    "(their rows say why: tick 'Errors only')"
                )
        self._update_buttons()
        self.batchFinished.emit(cancelled)

    def _update_buttons(self) -> None:
        running = self.run is not None and self.run.running
        has_rows = self.results.rowCount() > 0
        self.cancel_button.setEnabled(running)
        for button in (self.export_button, self.sort_button, self.copy_button):
            button.setEnabled(has_rows and not running)
        self.clear_button.setEnabled(has_rows and not running)

    def clear(self) -> None:
        self.results.clear()
        self.status.setText(EMPTY)
        self._update_buttons()

    def take(self, inputs: Inputs) -> bool:
        """Files and folders dropped or pasted here become a batch (web addresses do not)."""
        if not inputs.paths or inputs.urls:
            return False
        self.open_paths(inputs.paths)
        return True

    def shutdown(self, ms: int = 5000) -> bool:
        """At window close: stop the batch and let its threads end."""
        if self.run is not None:
            self.run.cancel()
            self.run.wait(ms / 1000)
        return True

    # --- the table ---------------------------------------------------------------------------
    def _score_filter_changed(self) -> None:
        below = self.below_spin.value() / 100 if self.below_box.isChecked() else None
        self.proxy.set_filter(below=below)

    def shown_records(self) -> list[Record]:
        """The rows the filter keeps, in the order shown."""
        return [
            self.proxy.data(self.proxy.index(r, 0), RECORD_ROLE)
            for r in range(self.proxy.rowCount())
        ]

    def selected_records(self) -> list[Record]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.proxy.data(self.proxy.index(r, 0), RECORD_ROLE) for r in rows]

    def _activated(self, index: QModelIndex) -> None:
        record: Record = self.proxy.data(index, RECORD_ROLE)
        if record.error is None or Path(record.path).is_file():
            self.openRequested.emit(record.path, Framing(record.framing or self.framing.mode))

    def copy_selected(self) -> None:
        """The selected rows (all shown rows when none is selected) as tab-separated text."""
        records = self.selected_records() or self.shown_records()
        lines = ["\t".join(c for c in ("File", *COLUMNS[CLASS : SCORE + 1], "Error"))]
        for r in records:
            score = f"{r.score * 100:.2f}%" if r.score is not None else ""
            lines.append("\t".join((display_path(r.path), r.label, score, r.error or "")))
        QGuiApplication.clipboard().setText("\n".join(lines) + "\n")
        self.notice.emit(f"Copied {len(records)} rows")

    # --- export and copying ------------------------------------------------------------------
    def choose_export(self) -> None:
        title = "Export the table"
        if self.shown.filtered():
            title = f"Export the {self.proxy.rowCount()} of {self.results.rowCount()} rows shown"
        path, chosen = QFileDialog.getSaveFileName(
            self, title, "results.csv", "CSV (*.csv);;JSON (*.json)"
        )
        if path:
            fmt = "json" if path.lower().endswith(".json") or "JSON" in chosen else "csv"
            self.export_to(path, fmt)

    def export_to(self, path: str, fmt: str) -> Job:
        """Write the rows shown to ``path`` (CSV or JSON) on a background thread, atomically."""
        from inception_desktop.core.batch.writers import export

        records = self.shown_records()
        which = f" of {self.results.rowCount()} (the filter's)" if self.shown.filtered() else ""
        job = Job(lambda _job: export(records, path, fmt), "export")
        job.returned.connect(lambda n: self.notice.emit(f"Exported {n}{which} rows to {path}"))
        job.errored.connect(lambda exc: self.message.emit(f"Export failed: {exc}"))
        return self._start(job)

    def choose_class_folders(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Copy the photos into class folders under")
        if folder:
            self.plan_class_folders(folder)

    def plan_class_folders(self, destination: str) -> class_folders.Plan:
        """Plan the copies of the rows shown and ask first, with the dry-run summary."""
        plan = class_folders.plan(self.shown_records(), destination)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Copy into class folders",
            plan.summary(),
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.button(QMessageBox.StandardButton.Ok).setText("Copy")
        box.button(QMessageBox.StandardButton.Ok).setEnabled(bool(plan.copies))
        box.accepted.connect(lambda: self._copy(plan))
        box.finished.connect(box.deleteLater)
        self.confirm_box = box
        box.open()
        return plan

    def _copy(self, plan: class_folders.Plan) -> Job:
        job = Job(lambda j: class_folders.execute(plan, cancelled=lambda: j.cancelled), "copy")
        job.returned.connect(
            lambda n: self.notice.emit(f"Copied {n} photos into {plan.destination}")
        )
        job.errored.connect(lambda exc: self.message.emit(f"Copying stopped: {exc}"))
        return self._start(job)

    def _start(self, job: Job) -> Job:
        self._jobs.append(job)
        job.finished.connect(lambda: self._jobs.remove(job) if job in self._jobs else None)
        return job.start()

    def set_drop_highlight(self, on: bool) -> None:
        self.table.setStyleSheet(
            "QTableView { border: 2px solid palette(highlight); }" if on else ""
        )

    def sizeHint(self) -> QSize:
        return QSize(900, 600)
