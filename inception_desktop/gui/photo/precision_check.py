"""Photo › Precision Check: the photo model's float32 and int8 answers on the photos in the strip
(Precision Check) or in a folder and its subfolders (Precision Check of a Folder).

The window shows what ``inception-desktop precision`` prints, from the same core function
(:func:`inception_desktop.core.precision_check.check`), run as a background :class:`Job` (two
LiteRT models, no TensorFlow; a missing int8 conversion is made by ``inception-desktop convert``
in a child process). The dialog lists the numbers and every photo whose top class changed, with
both answers; a click on one shows that photo (opening it in the strip when it came from a
folder).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inception_desktop.core.errors import InceptionDesktopError, first_line
from inception_desktop.core.precision_check import PrecisionReport
from inception_desktop.gui.photo.framer import Framer
from inception_desktop.gui.photo.model_gate import ModelGate
from inception_desktop.gui.photo.shelf import PhotoShelf
from inception_desktop.gui.runtime.background import Job
from inception_desktop.gui.runtime.requests import ModelKind
from inception_desktop.gui.runtime.worker import InferenceWorker


def summary_lines(report: PrecisionReport) -> list[str]:
    """The numbers, as the command line prints them."""
    sizes = report.sizes
    return [
        f"{report.photos} photos, float32 against int8",
        f"Top-1 agreement: {report.top1_agreement:.1%}",
        f"Top-5 overlap: {report.top5_overlap:.1%}",
        f"Largest score difference: {report.max_score_diff:.4f}",
        f"Speed-up: {report.speedup:.2f}x ({report.ms.get('fp32', 0):.1f} ms against "
        f"{report.ms.get('int8', 0):.1f} ms a photo)",
        f"File size: {sizes['fp32'] / 1e6:.1f} MB against {sizes['int8'] / 1e6:.1f} MB",
    ]


class PrecisionDialog(QDialog):
    """The report; ``openRequested(path)`` when a changed photo is clicked."""

    openRequested = Signal(str)

    def __init__(self, report: PrecisionReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Precision Check: float32 against int8")
        self.summary = QLabel("\n".join(summary_lines(report)))
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.changed = QListWidget()
        for entry in report.changed:
            item = QListWidgetItem(f"{Path(entry.path).name}: {entry.fp32} → {entry.int8}")
            item.setData(Qt.ItemDataRole.UserRole, entry.path)
            item.setToolTip(entry.path)
            self.changed.addItem(item)
        self.changed.itemActivated.connect(self._open)
        self.changed.itemClicked.connect(self._open)
        heading = (
            f"{len(report.changed)} photos change their top class (click one to show it):"
            if report.changed
            else "No photo changes its top class."
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel(heading))
        layout.addWidget(self.changed)
        layout.addWidget(buttons)

    def _open(self, item: QListWidgetItem) -> None:
        self.openRequested.emit(str(item.data(Qt.ItemDataRole.UserRole)))


class PrecisionLauncher(QObject):
    """Runs the check over the strip's photos, or a folder's, with the photo model in use;
    ``dialog`` is the one shown (replaced by the next check's). ``open_photo(path)`` opens a
    changed photo that is not in the strip."""

    message = Signal(str)
    notice = Signal(str)
    answered = Signal()

    def __init__(
        self,
        worker: InferenceWorker,
        gate: ModelGate,
        shelf: PhotoShelf,
        framer: Framer,
        parent: QWidget,
        open_photo: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._open_photo = open_photo
        self._worker = worker
        self._gate = gate
        self._shelf = shelf
        self._framer = framer
        self._parent = parent
        self.job: Job | None = None
        self.dialog: PrecisionDialog | None = None

    def check(self, folder: str | None = None) -> None:
        """Start a check of the strip's photos, or of ``folder``'s (and its subfolders'); says
        why not: no photos, no weights, one already running."""
        if folder is not None:
            if not Path(folder).is_dir():
                self.notice.emit(f"Precision Check: {folder} is not a folder")
                return
            photos, where = [folder], f"the photos in {Path(folder).name or folder}"
        else:
            photos = [p for p in self._shelf.list.sources() if Path(p).is_file()]
            where = f"{len(photos)} photos"
        if not photos:
            self.notice.emit("Precision Check needs photos: open, paste or drop some first")
            return
        if self._gate.lacks_weights():
            self.notice.emit("Precision Check needs Inception v3: get its weights first")
            return
        if self.job is not None:
            self.notice.emit("A precision check is running")
            return
        model, weights = model_and_weights(self._worker.loaded_path(ModelKind.PHOTO))
        framing = self._framer.framing

        def work(job: Job) -> PrecisionReport:
            from inception_desktop.core.precision_check import check

            return check(
                photos,
                model,
                weights=weights,
                framing=framing,
                recursive=folder is not None,
                stage=job.report,
                progress=lambda done, total: job.report(f"Reading photo {done} of {total}"),
                stop=lambda: job.cancelled,
            )

        self.notice.emit(f"Checking int8 against float32 on {where}…")
        self.job = Job(work, "precision check")
        self.job.yielded.connect(lambda text: self.notice.emit(f"{text}…"))
        self.job.returned.connect(self._show)
        self.job.errored.connect(self._failed)
        self.job.finished.connect(self._done)
        self.job.start()

    def _done(self) -> None:
        self.job = None

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, InceptionDesktopError):
            self.message.emit(f"Precision Check: {exc}")
        else:
            self.message.emit(f"Precision Check failed (a bug): {first_line(exc)}")

    def _show(self, report: PrecisionReport) -> None:
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = PrecisionDialog(report, self._parent)
        self.dialog.openRequested.connect(self._open)
        self.dialog.show()
        self.answered.emit()

    def _open(self, path: str) -> None:
        sources = self._shelf.list.sources()
        if path in sources:
            self._shelf.select(sources.index(path))
        elif self._open_photo is not None:  # a folder's photo: into the strip, shown
            self._open_photo(path)


def model_and_weights(path: Any) -> tuple[str, str | None]:
    """The model name and weights for :func:`~inception_desktop.core.precision_check.check`
    from the file the photo model was loaded from (None: Inception v3 on the installed
    weights; a retrained model; or an Inception v3 weights file)."""
    from inception_desktop.core.classifiers import INCEPTION, is_retrained_model

    if path is None:
        return INCEPTION, None
    if is_retrained_model(path):
        return str(path), None
    return INCEPTION, str(path)
