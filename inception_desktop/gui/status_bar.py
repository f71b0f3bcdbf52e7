"""The status bar: model, device, last inference time, and a loading state."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget


class StatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = QLabel("")
        self.device = QLabel("starting…")
        self.device.setToolTip("Where the current workspace's model computes")
        self.timing = QLabel("")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setTextVisible(False)
        self.addPermanentWidget(self.model)
        self.addPermanentWidget(self.timing)
        self.addPermanentWidget(self.device)
        self.addPermanentWidget(self.busy)

    def set_loading(self, message: str | None) -> None:
        self.busy.setVisible(bool(message))
        if message:
            self.showMessage(message)
        else:
            self.clearMessage()

    def set_model(self, name: str, device: str) -> None:
        self.model.setText(f"Model: {name}")
        self.device.setText(device)

    def set_timing(self, ms: float) -> None:
        self.timing.setText(f"Inference: {ms:.1f} ms")
