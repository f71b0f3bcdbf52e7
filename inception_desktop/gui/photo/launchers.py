"""Compare and Sweep: the photo shown under other framings, each answer in a dialog of its own.

Apart from the workspace because each is a request that outlives the moment it was asked for: a
launcher checks that it can start (a photo, a model that will come) and says why not, sends its
request, shows only the answer to the last one it sent (in one dialog, replaced by the next) and
forgets the dialog when it closes. Compare also asks for each framing's heat map while
explaining is on, and keeps the dialog's overlay at the explainer's opacity; a sweep's row can
be applied to the photo (through the :class:`Framer`).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from inception_desktop.gui.photo.compare_dialog import CompareDialog
from inception_desktop.gui.photo.explain import (
    CompareExplainRequest,
    CompareExplainResult,
    ExplainControls,
)
from inception_desktop.gui.photo.framer import Framer
from inception_desktop.gui.photo.model_gate import ModelGate
from inception_desktop.gui.photo.shelf import PhotoShelf
from inception_desktop.gui.photo.sweep import SweepAnswer, SweepDialog, SweepRequest
from inception_desktop.gui.runtime.channel import Channel, ModelWatch
from inception_desktop.gui.runtime.requests import CompareRequest, CompareResult


class CompareLauncher(QObject):
    """Every framing mode side by side for the photo on ``shelf``; ``dialog`` is the one open."""

    requested = Signal()  # a comparison was asked for (it shows once answered)
    message = Signal(str)
    notice = Signal(str)

    def __init__(
        self,
        channel: Channel,
        model: ModelWatch,
        gate: ModelGate,
        shelf: PhotoShelf,
        framer: Framer,
        controls: ExplainControls,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._channel = channel
        self._model = model
        self._gate = gate
        self._shelf = shelf
        self._framer = framer
        self._controls = controls
        self._parent = parent
        self.dialog: CompareDialog | None = None
        self._id = 0
        self._explain_id = 0
        self._heats: CompareExplainResult | None = None
        controls.opacityChanged.connect(self._set_opacity)

    def compare(self) -> None:
        """Every framing side by side; says why not when there is no photo or no model."""
        photo = self._shelf.current_photo()
        if photo is None:
            self.notice.emit("Compare needs a photo: open, paste or drop one first")
            return
        if self._gate.lacks_weights():
            self.notice.emit("Compare needs Inception v3: download or import its weights first")
            return
        framing = self._framer.framing
        request = CompareRequest(photo.loaded, framing, path=photo.path)
        self._id = request.id
        self._heats = None
        if self._controls.is_on():
            heats = CompareExplainRequest(
                photo.loaded, framing, self._controls.current_method(), photo.path
            )
            self._explain_id = heats.id
            self._channel.send(heats, self._explained, self.message.emit)
        self.requested.emit()
        if not self._model.state.ready:
            self.notice.emit("Comparing framings once Inception v3 has loaded…")
        self._channel.send(request, self._compared, self.message.emit)

    def _compared(self, result: CompareResult) -> None:
        if result.request_id != self._id:
            return
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = CompareDialog(result, self._framer.framing.mode, self._parent)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.destroyed.connect(self._closed)
        if self._heats is not None:
            self.dialog.set_heats(self._heats.heats, self._controls.current_opacity())
        # as wide as its class names ask (Qt's default stops at 2/3 of the screen), if it can
        room = self._parent.screen().availableGeometry().size() * 0.95
        self.dialog.resize(self.dialog.sizeHint().boundedTo(room))
        self.dialog.show()

    def _explained(self, result: CompareExplainResult) -> None:
        if result.request_id != self._explain_id:
            return
        self._heats = result
        if self.dialog is not None:
            self.dialog.set_heats(result.heats, self._controls.current_opacity())

    def _set_opacity(self, opacity: float) -> None:
        if self.dialog is not None:
            self.dialog.set_opacity(opacity)

    def _closed(self) -> None:
        self.dialog = None


class SweepLauncher(QObject):
    """The photo on ``shelf`` under many framings; ``dialog`` is the one open."""

    message = Signal(str)
    notice = Signal(str)

    def __init__(
        self,
        channel: Channel,
        gate: ModelGate,
        shelf: PhotoShelf,
        framer: Framer,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._channel = channel
        self._gate = gate
        self._shelf = shelf
        self._framer = framer
        self._parent = parent
        self.dialog: SweepDialog | None = None
        self._id = 0

    def sweep(self) -> None:
        """Classify the photo under many framings; a chart of the top class across them."""
        photo = self._shelf.current_photo()
        if photo is None:
            self.notice.emit("A framing sweep needs a photo: open, paste or drop one first")
            return
        if self._gate.lacks_weights():
            self.notice.emit("A framing sweep needs Inception v3: get its weights first")
            return
        from inception_desktop.core.explain.sweep import sweep_framings

        request = SweepRequest(photo.loaded, self._framer.framing)
        self._id = request.id
        count = len(sweep_framings(*photo.loaded.original_size))  # the number it will classify
        self.notice.emit(f"Sweeping framings: {count} crops, pads and shifts…")
        self._channel.send(request, self._swept, self.message.emit)

    def _swept(self, answer: SweepAnswer) -> None:
        if answer.request_id != self._id:
            return
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = SweepDialog(answer, self._parent)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.destroyed.connect(self._closed)
        self.dialog.applyFraming.connect(self._framer.apply)
        self.dialog.show()
        flips = len(answer.result.flipped)
        self.notice.emit(f"Sweep: {flips} of {len(answer.result.entries)} framings flip the top-1")

    def _closed(self) -> None:
        self.dialog = None
