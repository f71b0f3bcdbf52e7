"""The photo shown, classified: the request sent last, the preview without a model, the answer.

An object of its own because this is the workspace's one latest-wins conversation with the
worker: every change to the photo or its framing sends a new request, and only the answer to the
last one sent is shown (network input, what the network saw of the photo, the bars and the
headline); an older one still captions its thumbnail. Until a model serves, the photo is framed
off the GUI thread (a preview), and with its weights missing it waits to be classified once they
arrive. The bars' placeholder says why no scores show: no photo, no weights, the model loading,
or classifying.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QLabel, QSizePolicy

from inception_desktop.core.models.inception import INPUT_SIZE
from inception_desktop.gui.photo.captions import Captions
from inception_desktop.gui.photo.explainer import PhotoExplainer
from inception_desktop.gui.photo.framer import Framer
from inception_desktop.gui.photo.model_gate import ModelGate
from inception_desktop.gui.photo.photo_view import PhotoView
from inception_desktop.gui.photo.shelf import PhotoShelf
from inception_desktop.gui.runtime.background import Job
from inception_desktop.gui.runtime.channel import Channel, ModelWatch
from inception_desktop.gui.runtime.requests import PhotoRequest, PhotoResult
from inception_desktop.gui.widgets.input_view import InputView
from inception_desktop.gui.widgets.score_bars import ScoreBars

#: With no photo the bars say nothing: the photo view's one placeholder says what to do.
NO_PHOTO = ""
NO_WEIGHTS = "Inception v3 needs its weights: download or import them above"


class PhotoScores(QObject):
    """Classifies the photo on ``shelf`` as ``framer`` frames it; ``headline`` is its widget."""

    message = Signal(str)  # the shown photo's request failed, and why

    def __init__(
        self,
        channel: Channel,
        model: ModelWatch,
        gate: ModelGate,
        shelf: PhotoShelf,
        framer: Framer,
        captions: Captions,
        explainer: PhotoExplainer,
        views: tuple[InputView, PhotoView, ScoreBars],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._channel = channel
        self._model = model
        self._gate = gate
        self._shelf = shelf
        self._framer = framer
        self._captions = captions
        self._explainer = explainer
        self._input_view, self._view, self._bars = views
        self.result: PhotoResult | None = None  # the answer shown
        self.answer_unknown = False  # Photo › Answer "Unknown" (retrained models only)
        self._last_id = 0  # the request whose answer is to be shown
        self._preview: Job | None = None
        self._unsent = False  # the shown photo waits for the model to be classified
        self.headline = QLabel("")
        font = self.headline.font()
        font.setPointSize(round(font.pointSize() * 1.8))
        font.setBold(True)
        self.headline.setFont(font)
        self.headline.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        model.changed.connect(self.update_placeholders)
        gate.missingChanged.connect(self._weights_missing_changed)

    def classify(self) -> None:
        """Classify the photo shown as framed now (or preview its input without a model)."""
        photo = self._shelf.current_photo()
        if photo is None:
            return
        self._explainer.drop_heat()
        self._unsent = False
        if not self._model.state.ready or self.result is None:
            self._preview_input()
            if self._gate.weights_missing():
                self._unsent = True
                return
        request = PhotoRequest(
            photo.loaded, self._framer.framing, path=photo.path, unknown=self.answer_unknown
        )
        key, rid = photo.key, request.id
        self._last_id = rid
        self._channel.send(
            request,
            lambda result: self._answered(key, result),
            lambda message: self._failed(key, rid, message),
        )

    def classify_waiting(self) -> None:
        """A model serves now: classify what waited for the weights (its preview is shown)."""
        if self._unsent:
            self.classify()

    def another_photo(self) -> None:
        """Another photo is shown: the previous one's answer goes at once (its network input and
        scores beside another photo would be a wrong answer while the worker is busy, say with
        an explanation); this photo's framed input is previewed until its own answer comes."""
        self._last_id = 0
        self.result = None
        self.headline.setText("")
        self._input_view.set_array(None)
        self._bars.clear("")
        self.update_placeholders()

    def clear(self) -> None:
        """No photo is shown: no answer either."""
        self._last_id = 0
        self.result = None
        self._input_view.set_array(None)
        self.headline.setText("")
        self._bars.clear(NO_PHOTO)
        self.update_placeholders()

    def update_placeholders(self) -> None:
        """Say why no scores show: no photo, no weights, the model loading, or classifying."""
        if not self._shelf.has_photo():
            text = NO_PHOTO
        elif self._gate.lacks_weights():
            text = NO_WEIGHTS
        elif not self._model.state.ready:
            text = self._model.state.loading or "Loading Inception v3…"
        else:
            text = "Classifying…"
        if not self._bars.rows():
            self._bars.clear(text)
        self._input_view.set_placeholder("Network input" if self._shelf.has_photo() else "")

    def _weights_missing_changed(self, missing: bool) -> None:
        self.update_placeholders()
        if missing:
            self._preview_input()

    def _preview_input(self) -> None:
        """Frame the shown photo without the model, off the GUI thread: the network input and
        what the network would see are shown even before (or without) any weights."""
        photo = self._shelf.current_photo()
        if photo is None:
            return
        from inception_desktop.core.photo.prepare import network_input_for

        loaded, path, framing = photo.loaded, photo.path, self._framer.framing
        job = Job(lambda _job: network_input_for(loaded, path, framing, INPUT_SIZE), "preview")
        job.returned.connect(self._previewed)
        self._preview = job
        job.start()

    @Slot(object)
    def _previewed(self, framed: Any) -> None:
        if self.sender() is not self._preview:
            return  # an older framing's, or the model's answer came first
        self._preview = None
        self._input_view.set_array(framed.array, framed.content_rect)
        self._view.set_seen(framed.source_rect)

    def _answered(self, key: str, result: PhotoResult) -> None:
        self._captions.shown_answered(key, result)
        if result.request_id != self._last_id:
            return  # stale
        self.result = result
        self._preview = None
        self._input_view.set_array(result.framed.array, result.framed.content_rect)
        self._view.set_seen(result.framed.source_rect)
        self._bars.set_scores([(s.label, s.score) for s in result.prediction.top])
        best = result.prediction.best
        self.headline.setText(f"{best.label} — {self._bars.percent_texts()[0]}")
        if result.unknown is not None and result.unknown[0]:
            self.headline.setText(
                f"Unknown: none of its classes (best guess {best.label}, calibrated "
                f"{result.unknown[1]:.0%})"
            )
        self._model.update(ms=result.prediction.ms)
        self._explainer.answered(result)

    def _failed(self, key: str, request_id: int, message: str) -> None:
        self._captions.shown_failed(key)
        if request_id == self._last_id:
            self._bars.clear(message)
            self.headline.setText("")
            self.message.emit(message)  # one per photo shown; a thumbnail's says "error"
