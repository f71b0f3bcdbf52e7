"""The Retrain workspace's fourth step: how the head does on the validation photos.

Validation accuracy, per class, the confusion matrix and the misclassified photos with their
thumbnails (made on a pool thread); a click on a mistake opens it in the Photo workspace.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

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
        layout = QVBoxLayout(self)
        layout.addWidget(self.accuracy_label)
        layout.addWidget(split, 1)
        layout.addWidget(self.to_use_button, 0, Qt.AlignmentFlag.AlignRight)

    def show_evaluation(self, summary: dict[str, Any], classes: list[str]) -> None:
        wrong = summary["misclassified"]
        self.accuracy_label.setText(
            f"Validation accuracy: {summary['accuracy']:.1%} "
            f"({summary['size'] - len(wrong)} of {summary['size']} photos right)."
        )
        self.per_class.show_summary(summary["per_class"])
        self.confusion.show_matrix(summary["confusion_matrix"], classes)
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
