"""The Photo workspace's explanations: which class to explain, when to ask, what to draw.

An object of its own because an explanation is a second, slower answer about the photo shown,
with state that classifying does not share: the class asked for (a click on its bar; otherwise
the top class), the request in flight and, where maps are made by occlusion, a coarse 4x4 first
look that the full 8x8 map replaces (and must not replace back), a delay so that a crop-box drag
asks once its answers settle, and the one-time notice of what the first map costs. The requests
and the controls themselves are in :mod:`.explain`; this object decides when to send them and
draws their answers over the network input, the photo and the bars.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from inception_desktop.gui.photo.explain import (
    ExplainControls,
    PhotoExplainRequest,
    PhotoExplainResult,
    PhotoHeat,
)
from inception_desktop.gui.photo.framer import Framer
from inception_desktop.gui.photo.model_gate import ModelGate
from inception_desktop.gui.photo.photo_view import PhotoView
from inception_desktop.gui.photo.shelf import PhotoShelf
from inception_desktop.gui.runtime.channel import Channel, ModelWatch
from inception_desktop.gui.runtime.requests import PhotoResult
from inception_desktop.gui.widgets.heat import has_gradients
from inception_desktop.gui.widgets.input_view import InputView
from inception_desktop.gui.widgets.score_bars import ScoreBars

#: An explanation is asked for this long after the last answer: a drag of the crop box answers
#: many times a second, and each map (seconds on LiteRT) would hold the worker from the next.
EXPLAIN_DELAY_MS = 250
#: Occlusion's first, coarse map (cells per side) before the 8x8 one, where maps are occluded.
COARSE_GRID = 4
#: The sources of the explainer's requests (latest wins within each).
FULL_SOURCE, COARSE_SOURCE = "explain", "explain-coarse"


class PhotoExplainer(QObject):
    """Explains the photo on ``shelf`` as ``framer`` frames it; ``controls`` is its widget."""

    message = Signal(str)
    notice = Signal(str)

    def __init__(
        self,
        channel: Channel,
        model: ModelWatch,
        gate: ModelGate,
        shelf: PhotoShelf,
        framer: Framer,
        views: tuple[InputView, PhotoView, ScoreBars],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._channel = channel
        self._model = model
        self._gate = gate
        self._shelf = shelf
        self._framer = framer
        self._input_view, self._view, self._bars = views
        self.heat: PhotoHeat | None = None  # the map shown
        self._result: PhotoResult | None = None  # the answer whose classes are explained
        self._class: int | None = None  # the class asked for (None: the top one)
        self._id = 0
        self._coarse_id = 0
        self._full_shown = False  # the full map of the last request is shown
        self._explained_once = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(EXPLAIN_DELAY_MS)
        self._timer.timeout.connect(self._explain)
        self.controls = ExplainControls()
        self.controls.toggled.connect(self._toggled)
        self.controls.opacityChanged.connect(self._set_opacity)
        self.controls.methodChanged.connect(lambda _m: self._re_explain())
        self._bars.rowClicked.connect(self.explain_row)

    # --- what the workspace tells it -------------------------------------------------------
    def answered(self, result: PhotoResult) -> None:
        """The photo shown was classified: explain it once the answers settle (a drag sends
        many), if explaining is on."""
        self._result = result
        if self.controls.is_on():
            self._timer.start()

    def another_photo(self) -> None:
        """Another photo is shown: explain its own top class, once it is classified. The maps
        asked for the previous photo are withdrawn (a pending 8x8 occlusion would hold the
        worker for seconds from the new photo's answer) and ignored if one is being made."""
        self._class = None
        self._result = None
        self._id = self._coarse_id = 0
        self._timer.stop()
        for source in (FULL_SOURCE, COARSE_SOURCE):
            self._channel.withdraw(source)
        self.controls.status.setText("")

    def forget(self) -> None:
        """No photo is shown."""
        self._result = None
        self._class = None
        self.drop_heat()

    def drop_heat(self) -> None:
        """The photo or framing changed: the heat shown no longer applies."""
        self.heat = None
        self._input_view.set_heat(None)
        self._view.set_heat(None)
        self._bars.set_marked(None)

    # --- what a person asks ----------------------------------------------------------------
    def explain_row(self, row: int) -> None:
        """Explain the class of the top-10's ``row`` (a click on its bar); turns explaining on."""
        if self._result is None or not 0 <= row < len(self._result.prediction.top):
            return
        self._class = self._result.prediction.top[row].index
        if self.controls.is_on():
            self._explain()
        else:
            self.controls.set_on(True)  # explains through the toggle

    def _toggled(self, on: bool) -> None:
        if on:
            self._re_explain()
        else:
            self._id = self._coarse_id = 0
            self._timer.stop()
            self.drop_heat()

    def _re_explain(self) -> None:
        if self.controls.is_on() and self._result is not None:
            self._explain()

    def _set_opacity(self, opacity: float) -> None:
        self._input_view.set_heat(self._input_view.heat(), opacity)
        self._view.set_heat(self._view.heat(), opacity)

    # --- requests and answers --------------------------------------------------------------
    def _explain(self) -> None:
        """Ask the worker for the explanation of the photo and framing shown (latest wins)."""
        self._timer.stop()
        photo = self._shelf.current_photo()
        if photo is None:
            return
        if self._gate.lacks_weights():
            self.controls.status.setText("Explaining needs Inception v3's weights")
            return
        method = self.controls.current_method()
        framing = self._framer.framing
        # Grad-CAM where the model serving has gradients (Inception v3 and a retrained model on
        # either runtime; a fake in tests has none): else occlusion, said now, not after the map.
        # While a model loads none serves: no claim then, and no coarse occlusion first.
        serving = self._model.serving_model()
        gradients = serving is None or has_gradients(serving)
        no_gradients = not gradients and method == "gradcam"
        occluded = method == "occlusion" or (not gradients and method in ("auto", "gradcam"))
        litert = "LiteRT" in self._model.state.device
        self._coarse_id = 0
        self._full_shown = False
        if occluded:
            # occlusion costs a forward pass per cell: a 4x4 first look, then 8x8
            coarse = PhotoExplainRequest(
                photo.loaded,
                framing,
                self._class,
                method,
                photo.path,
                grid=COARSE_GRID,
                source=COARSE_SOURCE,
            )
            self._coarse_id = coarse.id
            self._channel.send(coarse, self._explained)
        request = PhotoExplainRequest(
            photo.loaded, framing, self._class, method, photo.path, source=FULL_SOURCE
        )
        self._id = request.id
        if not self._explained_once:
            self._explained_once = True
            if occluded:
                self.notice.emit("Explaining by occlusion: 64 grey patches, batched on LiteRT…")
            elif not litert:
                self.notice.emit(
                    "Explaining with Grad-CAM: TensorFlow prepares the gradients on first use "
                    "(a few seconds)…"
                )
        self.controls.status.setText(
            "No gradients for Grad-CAM from this model here (a Keras model has them on View › "
            "Runtime › TensorFlow): explaining by occlusion…"
            if no_gradients
            else "Explaining…"
        )
        rid = request.id
        self._channel.send(request, self._explained, lambda text: self._failed(rid, text))

    def _explained(self, result: PhotoExplainResult) -> None:
        heat = result.heat
        coarse = result.request_id == self._coarse_id
        if not coarse and result.request_id != self._id:
            return  # stale: another photo, framing or class was asked for since
        if heat.framed.framing != self._framer.framing or (coarse and self._full_shown):
            return  # another framing now, or the full map came first
        self.heat = heat
        opacity = self.controls.current_opacity()
        self._input_view.set_heat(heat.heat, opacity)
        self._view.set_heat(heat.on_photo, opacity)
        top = self._result.prediction.top if self._result is not None else []
        rows = [s.index for s in top]
        row = rows.index(heat.class_index) if heat.class_index in rows else None
        self._bars.set_marked(row)
        text = heat.describe(self._bars.percent_texts()[row] if row is not None else None)
        if heat.note:
            text += f" — {heat.note}"
        if coarse:
            self._coarse_id = 0
            self.controls.status.setText(f"{text}; refining to 8x8…")
            return
        self._full_shown = True
        self.controls.status.setText(text)
        self.notice.emit(f"Explained: {text.split(' — ')[0]}")

    def _failed(self, request_id: int, message: str) -> None:
        if request_id == self._id:
            self.controls.status.setText(f"Cannot explain: {message}")
            self.message.emit(f"Cannot explain: {message}")
