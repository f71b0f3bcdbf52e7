"""The Retrain workspace's second step: Inception v3's pooled features of every photo.

With the framing chosen and, optionally, mirrored and cropped copies of the training photos;
with progress, the time left and Cancel. The core caches them on disk by content, so a second
run is instant and a cancelled one resumes where it stopped.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inception_desktop.core.photo.framing_modes import MODES
from inception_desktop.core.progress import TimeLeft
from inception_desktop.core.training.retrain import DEFAULT_FRAMING

#: How the features' summary names each augmentation's photos.
VARIANT_NAMES = {"flip": "mirror images", "crop": "crops"}


def augmented_text(variants: tuple[str, ...]) -> str:
    """ " (and their mirror images and crops)" for the features' summary; "" without any."""
    said = [VARIANT_NAMES[v] for v in variants if v in VARIANT_NAMES]
    return f" (and their {' and '.join(said)})" if said else ""


class FeaturesPage(QWidget):
    """The framing, the augmentations, Compute and Cancel, and the progress.

    ``settingsChanged``: the framing or an augmentation changed (computed features are stale)."""

    settingsChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.framing_combo = QComboBox()
        for mode in MODES:
            self.framing_combo.addItem(mode.capitalize(), mode)
        self.framing_combo.setCurrentIndex(MODES.index(DEFAULT_FRAMING))
        self.framing_combo.setToolTip(
            "How each photo becomes Inception's square input; the model remembers it"
        )
        self.framing_combo.currentIndexChanged.connect(self.settingsChanged)
        self.compute_button = QPushButton("Compute Features")
        self.cancel_button = QPushButton("Cancel")
        self.progress = QProgressBar()
        self.progress.setFormat("%v of %m photos")
        self.time_left = QLabel("")
        self.features_label = QLabel(
            "Inception v3 computes 2048 numbers per photo, once: they are cached on disk, so a "
            "second run on the same photos is instant."
        )
        self.features_label.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel("Framing:"))
        row.addWidget(self.framing_combo)
        row.addWidget(self.compute_button)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        # On a row of their own: beside the buttons they made the window ~970 px wide at least.
        augment_row = QHBoxLayout()
        augment_row.addWidget(QLabel("Also learn from:"))
        self.augment_check = self._variant_check(
            augment_row,
            "mirrored copies",
            "The training photos mirrored left-right are trained on too: their features are "
            "computed as well (about twice the time, once: they are cached).",
        )
        self.crop_check = self._variant_check(
            augment_row,
            "cropped copies",
            "A crop of each training photo (70-90% of each side, drawn per photo, the same every "
            "time) is trained on too, framed as the photos are: more computing, once (cached).",
        )
        augment_row.addWidget(QLabel("(slower: their features are computed too)"))
        augment_row.addStretch(1)
        self.to_train_button = QPushButton("Next: Train")
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(augment_row)
        layout.addWidget(self.progress)
        layout.addWidget(self.time_left)
        layout.addWidget(self.features_label)
        layout.addStretch(1)
        layout.addWidget(self.to_train_button, 0, Qt.AlignmentFlag.AlignRight)
        self._left = TimeLeft()

    def _variant_check(self, row: QHBoxLayout, text: str, tip: str) -> QCheckBox:
        check = QCheckBox(text)
        check.setToolTip(f"{tip} Validation always sees the photos as they are.")
        check.toggled.connect(self.settingsChanged)
        row.addWidget(check)
        return check

    def framing(self) -> str:
        return str(self.framing_combo.currentData())

    def augment(self) -> tuple[str, ...]:
        checks = (("flip", self.augment_check), ("crop", self.crop_check))
        return tuple(variant for variant, check in checks if check.isChecked())

    def started(self, total: int) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(0)
        self.time_left.setText("Loading Inception v3…")
        self._left.reset()

    def show_stage(self, text: str) -> None:
        self.time_left.setText(f"{text}…")

    def show_progress(self, stage: str, done: int, total: int) -> None:
        """``done`` of ``total`` photos of ``stage`` ("features", "validation", "mirrored"...)."""
        if self.progress.maximum() != total:
            self.progress.setRange(0, max(1, total))
            self._left.reset()
        self.progress.setValue(done)
        left = self._left.text(done, total)
        what = "photos" if stage == "features" else f"{stage} photos"
        self.time_left.setText(
            "Done" if done >= total else f"{done} of {total} {what}" + (f", {left}" if left else "")
        )

    def update_enabled(self, busy: bool, has_data: bool, has_features: bool, running: bool) -> None:
        self.compute_button.setEnabled(has_data and not busy)
        for widget in (self.framing_combo, self.augment_check, self.crop_check):
            widget.setEnabled(not busy)
        self.cancel_button.setEnabled(running)
        self.to_train_button.setEnabled(has_features)
