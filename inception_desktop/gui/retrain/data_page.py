"""The Retrain workspace's first step: which photos, in which classes, split how.

A folder with one subfolder per class (chosen, or dropped), or class folders added one by one;
each class with its count and a few thumbnails; warnings (few photos, imbalance) and skipped
files; a stratified split with a fixed seed, or a separate test tree. The page shows; the
workspace reads the folders (off the GUI thread) and decides.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from inception_desktop.gui.retrain.views import ClassTable


class DataPage(QWidget):
    """Buttons to choose the data, the split's settings, and what was read."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choose_button = QPushButton("Choose Data Folder…")
        self.choose_button.setToolTip("A folder with one subfolder per class (or drop one here)")
        self.add_button = QPushButton("Add Class Folder…")
        self.add_button.setToolTip("Add one folder of photos as a class (its name is the class)")
        self.test_button = QPushButton("Test Folder…")
        self.test_button.setToolTip(
            "Optional: a separate tree of the same class folders to validate on, instead of a split"
        )
        self.no_test_button = QPushButton("No Test Folder")
        buttons = QHBoxLayout()
        for button in (self.choose_button, self.add_button, self.test_button, self.no_test_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.validation_spin = QDoubleSpinBox()
        self.validation_spin.setRange(0.05, 0.5)
        self.validation_spin.setSingleStep(0.05)
        self.validation_spin.setValue(0.2)
        self.validation_spin.setToolTip("The share of each class held out to validate on")
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setToolTip("The same seed gives the same split and the same training")
        form = QHBoxLayout()
        form.addWidget(QLabel("Validation share:"))
        form.addWidget(self.validation_spin)
        form.addWidget(QLabel("Seed:"))
        form.addWidget(self.seed_spin)
        form.addStretch(1)
        self.data_label = QLabel("Choose or drop a folder with one subfolder per class.")
        self.data_label.setWordWrap(True)
        self.class_table = ClassTable()
        self.data_problems = QListWidget()
        self.data_problems.setAccessibleName("Warnings and skipped files")
        self.data_problems.setMaximumHeight(110)
        self.to_features_button = QPushButton("Next: Audit")
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addLayout(form)
        layout.addWidget(self.data_label)
        layout.addWidget(self.class_table, 1)
        layout.addWidget(QLabel("Warnings and skipped files:"))
        layout.addWidget(self.data_problems)
        layout.addWidget(self.to_features_button, 0, Qt.AlignmentFlag.AlignRight)

    def problems(self) -> list[str]:
        return [self.data_problems.item(i).text() for i in range(self.data_problems.count())]

    def set_problems(self, lines: list[str]) -> None:
        self.data_problems.clear()
        self.data_problems.addItems(lines)

    def add_problems(self, lines: list[str]) -> None:
        self.data_problems.addItems(lines)

    def update_enabled(self, busy: bool, has_data: bool, has_test: bool) -> None:
        for button in (self.choose_button, self.add_button, self.test_button):
            button.setEnabled(not busy)
        self.no_test_button.setEnabled(not busy and has_test)
        self.to_features_button.setEnabled(has_data)
