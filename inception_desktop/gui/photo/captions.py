"""The strip's captions: each thumbnail's top class, classified in the background.

Apart from the shelf because the shelf knows photos and not models: captions are requests to the
worker, with their own pacing. One caption request is in flight at a time, so a big folder costs
the worker one photo at a time and the shown photo's own request never waits behind a queue of
them; a photo no longer in memory is decoded again from its file on the worker's thread (every
thumbnail gets a caption, however many photos are open). A thumbnail is
framed as the workspace frames photos, without the crop box (a box belongs to the photo it was
drawn on). The photo shown is captioned by its own answer (:meth:`Captions.shown_answered`); one
left before that answer came is classified on its own, since its request is about to be replaced
(latest wins). When another model serves (Photo › Model, a reload), every caption is asked again:
a label of the previous model under a thumbnail would be a wrong answer.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from PySide6.QtCore import QObject

from inception_desktop.core.photo.framing import Framing
from inception_desktop.gui.photo.framer import Framer
from inception_desktop.gui.photo.image_loader import Photo
from inception_desktop.gui.photo.shelf import PhotoShelf
from inception_desktop.gui.runtime.channel import Channel, ModelWatch
from inception_desktop.gui.runtime.requests import ModelKind, PhotoRequest, PhotoResult, next_id

ERROR = "error"


@dataclass(frozen=True)
class FileCaptionRequest:
    """Classify the photo in ``path`` as the command line would (decoded on the worker's thread):
    the caption of a thumbnail whose photo is no longer in memory."""

    kind: ClassVar[ModelKind] = ModelKind.PHOTO
    path: str
    framing: Framing
    source: str = "thumbnail-file"
    id: int = field(default_factory=next_id)

    def serve(self, model: Any) -> PhotoResult:
        from inception_desktop.core.photo.prepare import photo_input

        framed = photo_input(self.path, self.framing, model.input_shape[0])
        prediction = model.classify(framed.array, k=10)
        return PhotoResult(self.id, framed, prediction, self.path, self.framing)


class Captions(QObject):
    """Captions the thumbnails on ``shelf`` through ``channel`` once ``model`` is ready, framed
    as ``framer`` frames photos."""

    def __init__(
        self,
        shelf: PhotoShelf,
        channel: Channel,
        model: ModelWatch,
        framer: Framer,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._shelf = shelf
        self._channel = channel
        self._model = model
        self._framer = framer
        self._queue: deque[str] = deque()  # keys of photos whose caption waits
        self._asking: int | None = None  # the caption request in flight
        self._served = False  # a model has served before (another one now: caption again)
        self._stale: set[int] = set()  # requests sent to the model before the one now serving
        model.ready.connect(self._model_ready)
        shelf.added.connect(self._added)
        shelf.leaving.connect(self._leaving)
        shelf.cleared.connect(self._cleared)

    def next(self) -> None:
        """Caption one more photo, unless a caption request is in flight or the model is not
        ready (the workspace calls this once it is)."""
        while self._asking is None and self._queue and self._model.state.ready:
            key = self._queue.popleft()
            what = self._shelf.uncaptioned(key)
            if isinstance(what, Photo):
                self._asking = self._classify(key, what)
            elif what is not None:
                self._asking = self._classify_file(key, what)

    def shown_answered(self, key: str, result: PhotoResult) -> None:
        """The answer for the photo shown captions its thumbnail, unless it framed a crop box of
        a photo that is no longer shown."""
        if result.framed.framing.box is None or self._shelf.is_current(key):
            self._shelf.set_caption(key, result.prediction.best.label)

    def shown_failed(self, key: str) -> None:
        self._shelf.set_caption(key, ERROR)

    def _model_ready(self, _name: str) -> None:
        """A model serves: if another served before, every caption is asked again (the answers
        still coming from the previous one are ignored)."""
        if self._served:
            if self._asking is not None:
                self._stale.add(self._asking)
            self._queue = deque(self._shelf.uncaption_all())
        self._served = True
        self.next()

    def _added(self, keys: list[str]) -> None:
        self._queue.extend(keys)
        self.next()

    def _cleared(self) -> None:
        self._queue.clear()

    def _leaving(self, key: str, photo: Photo) -> None:
        if self._shelf.caption_pending(key):
            self._classify(key, photo)

    def _classify(self, key: str, photo: Photo) -> int:
        framing = replace(self._framer.framing, box=None)
        request = PhotoRequest(photo.loaded, framing, source=f"thumbnail-{key}", path=photo.path)
        return self._send(key, request)

    def _classify_file(self, key: str, path: str) -> int:
        framing = replace(self._framer.framing, box=None)
        return self._send(key, FileCaptionRequest(path, framing, source=f"thumbnail-{key}"))

    def _send(self, key: str, request: PhotoRequest | FileCaptionRequest) -> int:
        rid = request.id
        self._channel.send(
            request,
            lambda result: self._answered(key, result),
            lambda _message: self._failed(key, rid),
            lambda: self._done(rid),
        )
        return rid

    def _answered(self, key: str, result: PhotoResult) -> None:
        if result.request_id not in self._stale:
            self._shelf.set_caption(key, result.prediction.best.label)
        self._done(result.request_id)

    def _failed(self, key: str, request_id: int) -> None:
        if request_id not in self._stale:
            self._shelf.set_caption(key, ERROR)
        self._done(request_id)

    def _done(self, request_id: int) -> None:
        """A caption request ended (answered, failed or replaced): the next one may go."""
        self._stale.discard(request_id)
        if request_id == self._asking:
            self._asking = None
            self.next()
