"""Shown in the Photo workspace while Inception v3 weights are missing: Download or Import.

The download runs as a background :class:`~inception_desktop.gui.background.Job` through
:mod:`~inception_desktop.core.store.weights`,
reports progress to the bar, and stops at Cancel (the job's
token) leaving nothing behind; its failures, expected or not, are shown in the panel.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inception_desktop.core.errors import InceptionDesktopError, first_line
from inception_desktop.core.store import weights
from inception_desktop.gui.background import Job

log = logging.getLogger(__name__)


def _download(job: Job) -> Path:
    return weights.download(
        progress=lambda done, total: job.report((done, total or 0)), cancel=job.token
    )


def _importer(source: str):
    def work(job: Job) -> Path:
        # Never trust=True here: checking an unofficial file builds the model, and TensorFlow
        # belongs to the inference thread. The CLI offers --trust.
        return weights.import_file(source)

    return work


class WeightsPanel(QWidget):
    installed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._job: Job | None = None
        self.message = QLabel(
            "<b>Inception v3 needs its ImageNet weights</b> (a one-time download of "
            f"{weights.SIZE_MB} MB, kept in your cache folder).<br>If you already have "
            f"<tt>{weights.FILE_NAME}</tt>, import it instead."
        )
        self.message.setWordWrap(True)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.download_button = QPushButton(f"Download ({weights.SIZE_MB} MB)")
        self.download_button.clicked.connect(self.start_download)
        self.import_button = QPushButton("Import file…")
        self.import_button.clicked.connect(self.choose_file)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.progress = QProgressBar()
        self.progress.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.download_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)

    def busy(self) -> bool:
        return self._job is not None

    def start_download(self) -> None:
        self._start("download")

    def import_file(self, path: str) -> None:
        self._start("import", path)

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.status.setText("Cancelling…")

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import Inception v3 weights", "", "HDF5 weights (*.h5 *.hdf5);;All files (*)"
        )
        if path:
            self.import_file(path)

    def _start(self, action: str, source: str = "") -> None:
        if self._job is not None:
            return
        self.download_button.setEnabled(False)
        self.import_button.setEnabled(False)
        self.cancel_button.setVisible(action == "download")
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.status.setText("Downloading…" if action == "download" else "Checking the file…")
        work = _download if action == "download" else _importer(source)
        self._job = Job(work, f"weights {action}")
        self._job.yielded.connect(self._on_progress)
        self._job.returned.connect(self._on_installed)
        self._job.errored.connect(self._on_failed)
        self._job.finished.connect(self._on_done)
        self._job.start()

    # Job signals come from a pool thread: slots of this QObject run them on the GUI thread.
    @Slot(object)
    def _on_progress(self, progress: tuple[int, int]) -> None:
        done, total = progress
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * done / total))
            self.status.setText(f"Downloading… {done / 1e6:.1f} of {total / 1e6:.1f} MB")
        else:
            self.status.setText(f"Downloading… {done / 1e6:.1f} MB")

    @Slot(object)
    def _on_installed(self, path: Path) -> None:
        self.status.setText(f"Installed {path}. Loading Inception v3…")
        self.installed.emit(str(path))

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        if isinstance(exc, InceptionDesktopError):
            self.status.setText(str(exc))
        else:  # a bug: the person still hears of it, the log keeps the trace
            log.error("weights job failed", exc_info=exc)
            self.status.setText(f"{type(exc).__name__}: {first_line(exc)}")

    @Slot()
    def _on_done(self) -> None:
        self._job = None
        self.download_button.setEnabled(True)
        self.import_button.setEnabled(True)
        self.cancel_button.hide()
        self.progress.hide()
