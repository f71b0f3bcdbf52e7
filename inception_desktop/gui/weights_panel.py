"""Shown in the Photo workspace while Inception v3 weights are missing: Download or Import.

The download runs on a pool thread through :mod:`inception_desktop.core.weights`, reports
progress to the bar, and stops at Cancel leaving nothing behind.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inception_desktop.core import weights
from inception_desktop.core.download import CancelToken

log = logging.getLogger(__name__)


class _Signals(QObject):
    progress = Signal(int, int)  # bytes, total (0 when unknown)
    finished = Signal(str)  # path
    failed = Signal(str)


class _Job(QRunnable):
    def __init__(self, signals: _Signals, token: CancelToken, action: str, source: str = ""):
        super().__init__()
        self.signals, self.token, self.action, self.source = signals, token, action, source

    def run(self) -> None:
        try:
            if self.action == "download":
                path = weights.download(
                    progress=lambda done, total: self.signals.progress.emit(done, total or 0),
                    cancel=self.token,
                )
            else:
                # Never trust=True here: checking an unofficial file builds the model, and
                # TensorFlow belongs to the inference thread. The CLI offers --trust.
                path = weights.import_file(self.source)
        except weights.WeightsError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:
            log.exception("weights %s failed", self.action)
            self.signals.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            self.signals.finished.emit(str(path))


class WeightsPanel(QWidget):
    installed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._signals = _Signals()
        self._signals.progress.connect(self._on_progress)
        self._signals.finished.connect(self._on_finished)
        self._signals.failed.connect(self._on_failed)
        self._token: CancelToken | None = None
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
        self.import_button.clicked.connect(self._choose_file)
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
        return self._token is not None

    def start_download(self) -> None:
        self._start("download")

    def import_file(self, path: str) -> None:
        self._start("import", path)

    def cancel(self) -> None:
        if self._token is not None:
            self._token.cancel()
            self.status.setText("Cancelling…")

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import Inception v3 weights", "", "HDF5 weights (*.h5 *.hdf5);;All files (*)"
        )
        if path:
            self.import_file(path)

    def _start(self, action: str, source: str = "") -> None:
        if self._token is not None:
            return
        self._token = CancelToken()
        self.download_button.setEnabled(False)
        self.import_button.setEnabled(False)
        self.cancel_button.setVisible(action == "download")
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.status.setText("Downloading…" if action == "download" else "Checking the file…")
        QThreadPool.globalInstance().start(_Job(self._signals, self._token, action, source))

    def _on_progress(self, done: int, total: int) -> None:
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * done / total))
            self.status.setText(f"Downloading… {done / 1e6:.1f} of {total / 1e6:.1f} MB")
        else:
            self.status.setText(f"Downloading… {done / 1e6:.1f} MB")

    def _reset(self) -> None:
        self._token = None
        self.download_button.setEnabled(True)
        self.import_button.setEnabled(True)
        self.cancel_button.hide()
        self.progress.hide()

    def _on_finished(self, path: str) -> None:
        self._reset()
        self.status.setText(f"Installed {path}. Loading Inception v3…")
        self.installed.emit(path)

    def _on_failed(self, message: str) -> None:
        self._reset()
        self.status.setText(message)
