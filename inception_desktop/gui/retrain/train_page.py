"""The Retrain workspace's third step: the head's settings, Train and Stop, and the live curve.

The settings are ``retrain``'s options, one box each (the window starts that very command in a
child process), so a model trained here and one trained on the command line with the same
options and seed are the same model.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from inception_desktop.gui.retrain.curve import CurveView


class TrainPage(QWidget):
    """The head's settings, Train, Stop, the epoch line and the curve."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hidden_spin = QSpinBox()
        self.hidden_spin.setRange(0, 2048)
        self.hidden_spin.setSingleStep(64)
        self.hidden_spin.setSpecialValueText("none")
        self.hidden_spin.setToolTip("Units of a hidden layer between the features and the answer")
        self.dropout_spin = QDoubleSpinBox()
        self.dropout_spin.setRange(0.0, 0.9)
        self.dropout_spin.setSingleStep(0.1)
        self.dropout_spin.setValue(0.3)
        self.dropout_spin.setToolTip("Dropout after the hidden layer (used only with one)")
        self.balance_check = QCheckBox("Class weights (each class counts the same)")
        self.balance_check.setChecked(True)
        self.epochs_spin = QSpinBox()
        self.epochs_spin.setRange(1, 1000)
        self.epochs_spin.setValue(100)
        self.early_check = QCheckBox("Stop early when validation loss stops improving")
        self.early_check.setChecked(True)
        self.patience_spin = QSpinBox()
        self.patience_spin.setRange(1, 100)
        self.patience_spin.setValue(5)
        self.patience_spin.setSuffix(" epochs")
        self.early_check.toggled.connect(self.patience_spin.setEnabled)
        form = QFormLayout()
        form.addRow("Hidden layer:", self.hidden_spin)
        form.addRow("Dropout:", self.dropout_spin)
        form.addRow("", self.balance_check)
        form.addRow("Epochs at most:", self.epochs_spin)
        form.addRow(self.early_check, self.patience_spin)
        self.train_button = QPushButton("Train")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("End training after this epoch, keeping the head as it is")
        row = QHBoxLayout()
        row.addWidget(self.train_button)
        row.addWidget(self.stop_button)
        row.addStretch(1)
        self.epoch_label = QLabel("")
        self.curve = CurveView()
        self.to_evaluate_button = QPushButton("Next: Evaluate")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.epoch_label)
        layout.addWidget(self.curve, 1)
        layout.addWidget(self.to_evaluate_button, 0, Qt.AlignmentFlag.AlignRight)

    def options(self) -> list[str]:
        """The settings as ``retrain``'s options."""
        hidden = self.hidden_spin.value()
        patience = self.patience_spin.value() if self.early_check.isChecked() else 0
        out = ["--hidden", str(hidden), "--epochs", str(self.epochs_spin.value())]
        out += ["--patience", str(patience), "--dropout", f"{self.dropout_spin.value():g}"]
        out.append("--class-weights" if self.balance_check.isChecked() else "--no-class-weights")
        return out

    def show_epoch(self, epoch: int, logs: dict[str, float]) -> None:
        self.curve.add_epoch(logs)
        self.epoch_label.setText(
            f"epoch {epoch}/{self.epochs_spin.value()}: loss {logs.get('loss', 0):.4f}, "
            f"accuracy {logs.get('accuracy', 0):.1%} · validation loss "
            f"{logs.get('val_loss', 0):.4f}, accuracy {logs.get('val_accuracy', 0):.1%}"
        )

    def show_trained(self, card: dict[str, Any], accuracy: float) -> None:
        self.curve.set_best_epoch(card["best_epoch"])
        stopped = " (stopped by hand)" if card.get("stopped_by_hand") else ""
        self.epoch_label.setText(
            f"{card['epochs']} epochs{stopped} (best: {card['best_epoch']}, its weights kept); "
            f"validation accuracy {accuracy:.1%}"
        )

    def update_enabled(
        self, busy: bool, has_features: bool, training: bool, has_model: bool
    ) -> None:
        self.train_button.setEnabled(has_features and not busy)
        self.stop_button.setEnabled(training)
        self.to_evaluate_button.setEnabled(has_model)
