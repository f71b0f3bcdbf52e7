"""The Retrain workspace's last step: keep the model, use it, or export it.

Save writes the trained head (``.keras`` with its model card) where the person says; Use saves
it first if needed and makes it the Photo workspace's model; Export writes Inception v3 and the
head as one self-contained ``.tflite`` (in a child process: converting needs TensorFlow).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget


def augmented_words(card: dict[str, Any]) -> str:
    """What the head learnt from: '30 photos', or '90 examples: 30 photos and their mirror
    images and crops' (each augmentation adds one copy of every training photo)."""
    from inception_desktop.gui.retrain.features_page import VARIANT_NAMES

    photos = int(card["train"])
    said = [VARIANT_NAMES[v] for v in card.get("augmented") or () if v in VARIANT_NAMES]
    if not said:
        return f"{photos} photos"
    return f"{photos * (1 + len(said))} examples: {photos} photos and their {' and '.join(said)}"


class UsePage(QWidget):
    """The model card, Save, Use, Export, and what became of them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.card_label = QLabel("Train a model first.")
        self.card_label.setWordWrap(True)
        self.card_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_button = QPushButton("Save Model…")
        self.save_button.setToolTip("The head as .keras, with its classes, framing and weights")
        self.use_button = QPushButton("Use in Photo Workspace")
        self.use_button.setToolTip("Classify photos with these classes (saved first)")
        self.export_button = QPushButton("Export .tflite…")
        self.export_button.setToolTip(
            "Inception v3 and this head as one self-contained LiteRT file, with its labels "
            "beside it (converting takes about a minute)"
        )
        self.export_progress = QProgressBar()
        self.export_progress.setRange(0, 0)
        self.export_progress.hide()
        self.use_label = QLabel("")
        self.use_label.setWordWrap(True)
        grid = QGridLayout()
        grid.addWidget(self.save_button, 0, 0)
        grid.addWidget(self.use_button, 0, 1)
        grid.addWidget(self.export_button, 0, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.card_label)
        layout.addLayout(grid)
        layout.addWidget(self.export_progress)
        layout.addWidget(self.use_label)
        layout.addStretch(1)

    def show_card(self, card: dict[str, Any], saved: str | None) -> None:
        self.card_label.setText(
            f"Classes: {', '.join(card['classes'])}\n"
            f"Framing: {card['framing']['mode']} · trained on {augmented_words(card)}, "
            f"validated on {card['validation']}: {card['val_accuracy']:.1%}\n"
            f"Inception v3 weights md5: {card['weights_md5']}\n"
            + (f"Saved as {saved}" if saved else "Not saved yet.")
        )

    def update_enabled(self, busy: bool, has_model: bool) -> None:
        for button in (self.save_button, self.use_button, self.export_button):
            button.setEnabled(has_model and not busy)
