"""Shown in the Photo workspace while Inception v3 weights are missing: Download or Import.

The download runs as a background :class:`~inception_desktop.gui.runtime.background.Job` through
:mod:`~inception_desktop.core.store.weights`, reports its progress with speed and time left, and
stops at Cancel (the job's token) leaving nothing behind; its failures, expected or not, are shown
in the panel in words. Sizes are SI (1 MB = 10^6 bytes) everywhere: "96.1 MB" on the button and in
the progress.

Importing a file that is not the official one asks, in a dialog, whether to trust it (what the
command line's ``--trust`` does): a window never sends its user to a command-line flag.

While the window loads a model the buttons are disabled (:meth:`WeightsPanel.set_model_loading`):
installing weights under a loading model would race it for the same file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inception_desktop.core.errors import InceptionDesktopError, first_line
from inception_desktop.core.store import weights
from inception_desktop.core.store.download import TransferMeter, size_text
from inception_desktop.gui.runtime.background import Job

log = logging.getLogger(__name__)

#: Checks that a file which is not the official one loads into Inception v3 (raises WeightsError).
Check = Callable[[Path], object]


def _download(job: Job) -> Path:
    return weights.download(
        progress=lambda done, total: job.report((done, total or 0)), cancel=job.token
    )


def _architecture_check(path: Path) -> None:
    """The command line's check for a trusted file: it loads into Inception v3 or is refused.

    It builds the network (TensorFlow, several seconds), on the job's pool thread: never on the
    GUI thread, and only after the person chose to trust the file.
    """
    from inception_desktop.core.models.inception import check_weights

    check_weights(path)


def _importer(source: str, check: Check | None) -> Callable[[Job], Path]:
    def work(job: Job) -> Path:
        # Without a check, only the official file is accepted (UnofficialWeightsError otherwise,
        # which the panel turns into a question); with one, the person trusted this file.
        if check is None:
            return weights.import_file(source)
        return weights.import_file(source, trust=True, check=check)

    return work


def _unbroken(text: str) -> str:
    """``text`` on one line in a word-wrapped label (no-break spaces): a size and its md5 are
    compared line against line."""
    return text.replace(" ", "\u00a0")


class WeightsPanel(QWidget):
    installed = Signal(str)

    def __init__(self, parent: QWidget | None = None, check: Check | None = None) -> None:
        """``check``: how a trusted, unofficial file is verified (the architecture check by
        default; tests pass a quicker one)."""
        super().__init__(parent)
        self._check = check or _architecture_check
        self._job: Job | None = None
        self._loading = False
        self._meter = TransferMeter()
        self.trust_dialog: QMessageBox | None = None
        self.message = QLabel(
            "<b>Inception v3 needs its ImageNet weights</b> (a one-time download of "
            f"{weights.SIZE_TEXT}, kept in your cache folder).<br>If you already have "
            f"<tt>{weights.FILE_NAME}</tt>, import it instead."
        )
        self.message.setWordWrap(True)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.download_button = QPushButton(f"Download ({weights.SIZE_TEXT})")
        self.download_button.clicked.connect(self.start_download)
        self.import_button = QPushButton("Import file…")
        self.import_button.clicked.connect(self.choose_file)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.progress = QProgressBar()
        self.progress.hide()
        # Speed and time left keep moving while no byte arrives (a stalled connection shows it).
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)
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

    def set_model_loading(self, loading: bool) -> None:
        """Disable Download and Import while the window loads a model (and enable them after).

        The window calls this when it starts loading Inception v3 and when the load ends, well
        or badly; the menu's Download and Import go through :meth:`start_download` and
        :meth:`choose_file`, which do nothing meanwhile.
        """
        self._loading = loading
        self._update_buttons()
        if loading and self._job is None:
            self.status.setText("Loading Inception v3…")
        elif not loading and self.status.text() == "Loading Inception v3…":
            self.status.setText("")

    def start_download(self) -> None:
        self._start("download")

    def import_file(self, path: str) -> None:
        self._start("import", path)

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.status.setText("Cancelling…")

    def choose_file(self) -> None:
        if not self._available():
            return
        path, _ = QFileDialog.getOpenFileName(
            self, "Import Inception v3 weights", "", "HDF5 weights (*.h5 *.hdf5);;All files (*)"
        )
        if path:
            self.import_file(path)

    def _available(self) -> bool:
        return self._job is None and not self._loading and self.trust_dialog is None

    def _update_buttons(self) -> None:
        idle = self._available()
        self.download_button.setEnabled(idle)
        self.import_button.setEnabled(idle)

    def _start(self, action: str, source: str = "", trusted: bool = False) -> None:
        if not self._available():
            return
        downloading = action == "download"
        self.cancel_button.setVisible(downloading)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        if downloading:
            self.status.setText("Connecting…")
            self._meter = TransferMeter()
            self._ticker.start()
            work: Callable[[Job], Path] = _download
        else:
            self.status.setText(
                "Checking that the file loads into Inception v3 (this takes a few seconds)…"
                if trusted
                else "Checking the file…"
            )
            work = _importer(source, self._check if trusted else None)
        self._job = Job(work, f"weights {action}")
        self._update_buttons()
        self._job.yielded.connect(self._on_progress)
        self._job.returned.connect(self._on_installed)
        self._job.errored.connect(self._on_failed)
        self._job.finished.connect(self._on_done)
        self._job.start()

    # Job signals come from a pool thread: slots of this QObject run them on the GUI thread.
    @Slot(object)
    def _on_progress(self, progress: tuple[int, int]) -> None:
        done, total = progress
        self._meter.update(done, total or None)
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * done / total))
        self._show_progress()

    def _tick(self) -> None:
        if self._job is not None and self._meter.done:
            self._meter.update(self._meter.done, self._meter.total)
            self._show_progress()

    def _show_progress(self) -> None:
        self.status.setText(f"Downloading… {self._meter.describe()}")

    @Slot(object)
    def _on_installed(self, path: Path) -> None:
        self.status.setText(f"Installed {path}. Loading Inception v3…")
        self.installed.emit(str(path))

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        if isinstance(exc, weights.UnofficialWeightsError):
            self.status.setText("This is not the official weights file.")
            self._ask_trust(exc)
        elif isinstance(exc, InceptionDesktopError):
            self.status.setText(str(exc))
        else:  # a bug: the person still hears of it, the log keeps the trace
            log.error("weights job failed", exc_info=exc)
            self.status.setText(f"{type(exc).__name__}: {first_line(exc)}")

    @Slot()
    def _on_done(self) -> None:
        self._job = None
        self._ticker.stop()
        self._update_buttons()
        self.cancel_button.hide()
        self.progress.hide()

    # --- a file that is not the official one -----------------------------------------------
    def _ask_trust(self, exc: weights.UnofficialWeightsError) -> None:
        """Ask whether to install an unofficial file anyway, with what that means (the dialog
        is window-modal and opened without blocking: the event loop keeps running)."""
        dialog = QMessageBox(self)
        dialog.setIcon(QMessageBox.Icon.Warning)
        dialog.setWindowTitle("Not the official weights file")
        dialog.setText(f"“{exc.source.name}” is not the official Inception v3 weights file.")
        dialog.setInformativeText(
            _unbroken(f"This file: {size_text(exc.size)}, md5 {exc.md5}")
            + "\n"
            + _unbroken(f"The official file: {weights.SIZE_TEXT}, md5 {weights.expected_md5()}")
            + "\n\n"
            "Weights files (.h5) can be crafted to make the program misbehave: import one only "
            "if you trust where it came from. It is then checked to load into Inception v3 "
            "before it is installed."
        )
        self.trust_import_button = dialog.addButton(
            "&Import anyway", QMessageBox.ButtonRole.AcceptRole
        )
        dialog.addButton(QMessageBox.StandardButton.Cancel)
        dialog.setDefaultButton(QMessageBox.StandardButton.Cancel)
        source = str(exc.source)
        dialog.finished.connect(lambda _result: self._trust_answered(dialog, source))
        self.trust_dialog = dialog
        self._update_buttons()
        dialog.open()

    def _trust_answered(self, dialog: QMessageBox, source: str) -> None:
        accepted = dialog.clickedButton() is self.trust_import_button
        self.trust_dialog = None
        dialog.deleteLater()
        self._update_buttons()
        if accepted:
            self._start("import", source, trusted=True)
        else:
            self.status.setText("Import cancelled; nothing was installed.")
