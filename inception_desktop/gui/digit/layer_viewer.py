"""The Digit workspace's layer view (Digit › Feature Maps): one dialog, following the drawing.

It opens once (asked again, it comes to the front), asks the worker for the feature maps of the
digit shown each time the answer changes, shows only the latest answer's maps, and belongs to
its workspace: it hides while another workspace is in front and ends with Esc, Close or the
window manager.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from inception_desktop.core.digit.normalize import DigitSteps
from inception_desktop.gui.digit.explain import DigitLayersRequest, LayerDialog, LayersResult
from inception_desktop.gui.runtime.channel import Channel


class LayerViewer(QObject):
    """See the module docstring; ``dialog`` is the open one (None: closed)."""

    def __init__(self, channel: Channel, parent: QWidget) -> None:
        super().__init__(parent)
        self._channel = channel
        self._parent = parent
        self.dialog: LayerDialog | None = None
        self._id = 0

    def show(self, steps: DigitSteps | None) -> None:
        """Open (or raise) the dialog and show the maps of ``steps``' network input."""
        if self.dialog is None:
            self.dialog = LayerDialog(self._parent)
            # Esc, Close or the window manager end it (QDialog: finished), not only a close
            self.dialog.finished.connect(self._closed)
            self.dialog.show()
        else:
            self.dialog.raise_()
        self.follow(steps)

    def follow(self, steps: DigitSteps | None) -> None:
        """Ask for the maps of ``steps``' network input when the dialog is open."""
        dialog = self.dialog
        if dialog is None:
            return
        if steps is None:
            dialog.view.set_placeholder("Draw a digit to see its feature maps")
            return
        request = DigitLayersRequest(steps.input)
        self._id = rid = request.id
        self._channel.send(request, self._shown, lambda text: self._failed(rid, text))

    def close(self) -> None:
        """Close the dialog (when one is open)."""
        if self.dialog is not None:
            self.dialog.close()

    def set_visible(self, on: bool) -> None:
        """Hidden while its workspace is, back with it."""
        if self.dialog is not None:
            self.dialog.setVisible(on)

    def _closed(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None

    def _shown(self, result: LayersResult) -> None:
        if result.request_id != self._id or self.dialog is None:
            return
        self.dialog.view.set_layers(result.layers)
        self.dialog.status.setText(
            f"{result.model_name}: {len(result.layers)} convolutional layers, "
            f"{result.ms:.0f} ms on {result.runtime}. White: the most active pixel of each map."
        )

    def _failed(self, request_id: int, message: str) -> None:
        if request_id == self._id and self.dialog is not None:
            self.dialog.view.set_placeholder(f"No feature maps: {message}")
