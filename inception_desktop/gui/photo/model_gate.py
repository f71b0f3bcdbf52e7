"""Whether Inception v3 can serve the Photo workspace: loaded, loading, or missing its weights.

An object of its own because the workspace's parts each need the same answer and must not keep
their own copy of it: with the weights missing, photos are still framed (a preview without the
model), the weights panel offers Download and Import, and Compare, Sweep and explanations say why
they cannot start rather than wait for a model that will not come; while a model loads they wait.
A model that fails to load is reported; a failed reload leaves the model loaded before serving,
so it does not count as missing weights. The gate owns the weights ``panel`` and these facts; the
worker and its :class:`ModelWatch` own the model itself.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from inception_desktop.core.store import weights
from inception_desktop.gui.photo.weights_panel import WeightsPanel
from inception_desktop.gui.runtime.channel import ModelWatch
from inception_desktop.gui.runtime.requests import ModelKind
from inception_desktop.gui.runtime.worker import InferenceWorker


class ModelGate(QObject):
    """Inception v3 for the Photo workspace, as ``model`` (the workspace's watch) reports it."""

    ready = Signal()  # a model serves now (the panel and ``missingChanged`` have followed)
    missingChanged = Signal(bool)  # the weights are missing (True) or no longer (False)
    message = Signal(str)  # the model cannot be used, and why

    def __init__(
        self, worker: InferenceWorker, model: ModelWatch, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self._model = model
        self._has_model = False
        self._missing = False
        self.panel = WeightsPanel()
        self.panel.hide()
        self.panel.installed.connect(lambda _path: worker.load(ModelKind.PHOTO))
        # Download and Import wait while a model loads, whoever started the load.
        model.changed.connect(lambda: self.panel.set_model_loading(model.state.loading is not None))
        model.ready.connect(self._ready)
        model.unavailable.connect(self._unavailable)

    def start(self) -> None:
        """Load Inception v3, or offer its weights when they are missing."""
        if weights.status().present:
            self._worker.load(ModelKind.PHOTO)
        else:
            self._model.update(name="Inception v3 (weights missing)", device="")
            self._set_missing(True)

    def weights_missing(self) -> bool:
        """The weights panel is shown: no weights, or no model could be made from them."""
        return self._missing

    def lacks_weights(self) -> bool:
        """Nothing will serve until a person gets the weights (no model was ever loaded)."""
        return self._missing and not self._has_model

    def _ready(self, _name: str) -> None:
        self._has_model = True
        self.panel.status.setText("")  # an earlier failure no longer applies
        self._set_missing(False)
        self.ready.emit()

    def _unavailable(self, message: str) -> None:
        if not self._has_model:  # (a failed reload leaves the model loaded before serving)
            self._model.update(name="Inception v3 (unavailable)", device="")
            self._set_missing(True)
        self.panel.status.setText(message)
        self.message.emit(f"Cannot use the model: {message}")

    def _set_missing(self, missing: bool) -> None:
        self._missing = missing
        self.panel.setVisible(missing)
        self.missingChanged.emit(missing)
