"""The strip's captions: each thumbnail's top class, classified in the background.

Apart from the shelf because the shelf knows photos and not models: captions are requests to the
worker, with their own pacing. One caption request is in flight at a time, and only for photos
still in memory (the others are captioned when shown), so a big folder costs the worker one photo
at a time and the shown photo's own request never waits behind a queue of them. A thumbnail is
framed as the workspace frames photos, without the crop box (a box belongs to the photo it was
drawn on). The photo shown is captioned by its own answer (:meth:`Captions.shown_answered`); one
left before that answer came is classified on its own, since its request is about to be replaced
(latest wins).
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace

from PySide6.QtCore import QObject

from inception_desktop.gui.photo.framer import Framer
from inception_desktop.gui.photo.image_loader import Photo
from inception_desktop.gui.photo.shelf import PhotoShelf
from inception_desktop.gui.runtime.channel import Channel, ModelWatch
from inception_desktop.gui.runtime.requests import PhotoRequest, PhotoResult

ERROR = "error"


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
        shelf.added.connect(self._added)
        shelf.leaving.connect(self._leaving)
        shelf.cleared.connect(self._cleared)

    def next(self) -> None:
        """Caption one more photo, unless a caption request is in flight or the model is not
        ready (the workspace calls this once it is)."""
        while self._asking is None and self._queue and self._model.state.ready:
            key = self._queue.popleft()
            photo = self._shelf.uncaptioned(key)
            if photo is not None:
                self._asking = self._classify(key, photo)

    def shown_answered(self, key: str, result: PhotoResult) -> None:
        """The answer for the photo shown captions its thumbnail, unless it framed a crop box of
        a photo that is no longer shown."""
        if result.framed.framing.box is None or self._shelf.is_current(key):
            self._shelf.set_caption(key, result.prediction.best.label)

    def shown_failed(self, key: str) -> None:
        self._shelf.set_caption(key, ERROR)

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
        rid = request.id
        self._channel.send(
            request,
            lambda result: self._answered(key, result),
            lambda _message: self._failed(key, rid),
            lambda: self._done(rid),
        )
        return rid

    def _answered(self, key: str, result: PhotoResult) -> None:
        self._shelf.set_caption(key, result.prediction.best.label)
        self._done(result.request_id)

    def _failed(self, key: str, request_id: int) -> None:
        self._shelf.set_caption(key, ERROR)
        self._done(request_id)

    def _done(self, request_id: int) -> None:
        """A caption request ended (answered, failed or replaced): the next one may go."""
        if request_id == self._asking:
            self._asking = None
            self.next()
