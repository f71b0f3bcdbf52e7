"""The Retrain workspace's fourth step: how the head does on the validation photos.

Validation accuracy, per class, the confusion matrix and the misclassified photos with their
thumbnails (made on a pool thread); a click on a mistake opens it in the Photo workspace.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from inception_desktop.gui.retrain.thumbs import thumb_strip
from inception_desktop.gui.retrain.views import (
    GALLERY_THUMB,
    MAX_GALLERY,
    ConfusionTable,
    MistakeGallery,
    PerClassTable,
)
from inception_desktop.gui.runtime.background import Job


def boxed(title: str, widget: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    QVBoxLayout(box).addWidget(widget)
    return box


class EvaluatePage(QWidget):
    """The validation summary. ``photoChosen(path)``: a mistake clicked."""

    photoChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.accuracy_label = QLabel("Train a model first.")
        self.accuracy_label.setWordWrap(True)
        self.per_class = PerClassTable()
        self.confusion = ConfusionTable()
        self.gallery = MistakeGallery()
        self.gallery.photoChosen.connect(self.photoChosen)
        tables = QSplitter(Qt.Orientation.Horizontal)
        tables.addWidget(boxed("Per class", self.per_class))
        tables.addWidget(boxed("Confusion matrix (rows: true class)", self.confusion))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(tables)
        split.addWidget(boxed("Misclassified (click one to open it as a photo)", self.gallery))
        self.to_use_button = QPushButton("Next: Use")
        self.audit_button = QPushButton("Audit the Data…")
        self.audit_button.setToolTip("Look for misfiled, duplicated or odd photos behind mistakes")
        self.confusion.cellClicked.connect(self._cell_chosen)
        self._mistakes: list[dict[str, Any]] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self.accuracy_label)
        layout.addWidget(split, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.audit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.to_use_button)
        layout.addLayout(buttons)

    def show_evaluation(self, summary: dict[str, Any], classes: list[str]) -> None:
        wrong = summary["misclassified"]
        self.accuracy_label.setText(
            f"Validation accuracy: {summary['accuracy']:.1%} "
            f"({summary['size'] - len(wrong)} of {summary['size']} photos right)."
        )
        self.per_class.show_summary(summary["per_class"])
        self.confusion.show_matrix(summary["confusion_matrix"], classes)
        self._mistakes = list(wrong)
        self._show_gallery(wrong)

    def _cell_chosen(self, true: int, predicted: int) -> None:
        """A confusion-matrix cell selects its photos: the gallery shows that cell's mistakes
        (a cell on the diagonal, or a second click on the same cell, shows them all again)."""
        headers = self.confusion.verticalHeaderItem
        true_name, predicted_name = headers(true).text(), headers(predicted).text()
        chosen = [m for m in self._mistakes
                  if m["true"] == true_name and m["predicted"] == predicted_name]  # fmt: skip
        if true == predicted or self._cell == (true, predicted):
            self._cell, chosen = None, self._mistakes
        else:
            self._cell = (true, predicted)
        self._show_gallery(chosen)

    _cell: tuple[int, int] | None = None

    def _show_gallery(self, wrong: list[dict[str, Any]]) -> None:
        self.gallery.show_mistakes(wrong)
        paths = [entry["path"] for entry in wrong[:MAX_GALLERY]]
        if not paths:
            return

        def work(job: Job):
            for row, path in enumerate(paths):
                yield row, thumb_strip([Path(path)], GALLERY_THUMB)

        thumbs = Job(work, name="retrain-gallery")  # not exclusive: it only reads photos
        thumbs.yielded.connect(lambda pair: self.gallery.set_thumbnail(*pair))
        thumbs.start()
