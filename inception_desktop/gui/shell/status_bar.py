"""The status bar: the current workspace's model, its runtime and device, its last inference time,
and whether it is loading."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

from inception_desktop.gui.runtime.channel import ModelState


class StatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = QLabel("")
        self.device = QLabel("starting…")
        self.device.setToolTip("Where the current workspace's model computes")
        self.timing = QLabel("")
        self.live = QLabel("")  # a camera or video running in the workspace in front
        self.live.setToolTip(
            "Frames shown per second, the model's time per frame, and the "
            "frames dropped (the model was busy with a newer one)"
        )
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setTextVisible(False)
        self.addPermanentWidget(self.live)
        self.addPermanentWidget(self.model)
        self.addPermanentWidget(self.timing)
        self.addPermanentWidget(self.device)
        self.addPermanentWidget(self.busy)
        self.busy.hide()
        self._loading: str | None = None

    def show_state(self, state: ModelState) -> None:
        """Show a workspace's model (called when it changes, and when the workspace does)."""
        self.set_model(state.name, state.device)
        self.timing.setText(f"Inference: {state.ms:.1f} ms" if state.ms is not None else "")
        self.live.setText(state.live)
        self.set_loading(state.loading)

    def set_loading(self, message: str | None) -> None:
        if message == self._loading:
            return  # (another message shown meanwhile stays)
        was_loading, self._loading = self._loading, message
        self.busy.setVisible(bool(message))
        if message:
            self.showMessage(message)
        elif was_loading and self.currentMessage() == was_loading:
            self.clearMessage()  # (a notice shown since then stays its time)

    def set_model(self, name: str, device: str) -> None:
        self.model.setText(f"Model: {name}")
        self.device.setText(device)
