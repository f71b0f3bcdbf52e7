"""The Photo workspace's live source: a camera or a video file, classified as it plays.

A part like the others (given the parts it reads from, never the workspace): it owns the
:class:`~..widgets.live_bar.LiveBar`, the :class:`~..runtime.frame_reader.FrameReader` of the
source running and its :class:`~..runtime.live_feed.LiveFeed`. Frames are shown in the photo
view as they come (the crop box and framing stay on them, applied live), and the newest one is
classified when the previous answer is in, with the framer's framing of that moment: the network
input, what it saw, the bars and the headline follow. While live, the photo view is the
source's; the strip's photos wait, and the workspace shows its photo again when the source stops
(``liveChanged(False)``). Freeze holds the picture and its scores; Snapshot puts the picture in
the strip, where it is a photo like a pasted one. Every failure (no OpenCV, no camera, a file
that is not a video, a camera unplugged) is one message; the source is released, the rest of
the workspace goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel

from inception_desktop.core.models.prediction import Prediction
from inception_desktop.core.photo.framing import FramedInput, Framing
from inception_desktop.core.video.as_photo import FRAME_FORMAT, loaded_frame
from inception_desktop.gui.photo.framer import Framer
from inception_desktop.gui.photo.image_loader import Photo
from inception_desktop.gui.photo.photo_view import PhotoView
from inception_desktop.gui.runtime.channel import Channel, ModelWatch
from inception_desktop.gui.runtime.frame_reader import LiveFrame
from inception_desktop.gui.runtime.mime import Inputs
from inception_desktop.gui.runtime.requests import ModelKind, next_id
from inception_desktop.gui.widgets.input_view import InputView
from inception_desktop.gui.widgets.live_source import LiveSource
from inception_desktop.gui.widgets.score_bars import ScoreBars


@dataclass(frozen=True)
class FrameResult:
    """A live frame's answer. No ``history``: a stream of frames is not a list of photos (a
    snapshot is kept, as a photo)."""

    request_id: int
    framed: FramedInput
    prediction: Prediction


@dataclass(frozen=True)
class FrameRequest:
    """Frame a live frame as a photo (box in the frame's pixels) and classify it."""

    kind: ClassVar[ModelKind] = ModelKind.PHOTO
    image: np.ndarray = field(repr=False)
    name: str
    framing: Framing
    source: str = "live"  # apart from the shown photo's "photo": neither replaces the other
    id: int = field(default_factory=next_id)

    def serve(self, model: Any) -> FrameResult:
        from inception_desktop.core.video.as_photo import frame_input

        framed = frame_input(self.image, self.name, self.framing, model.input_shape[0])
        return FrameResult(self.id, framed, model.classify(framed.array, k=10))


class PhotoCamera(LiveSource):
    """See the module docstring. ``views``: the network input, the photo view and the bars."""

    def __init__(
        self,
        channel: Channel,
        model: ModelWatch,
        framer: Framer,
        open_photos: Callable[[Inputs], None],
        views: tuple[InputView, PhotoView, ScoreBars],
        labels: tuple[QLabel, QLabel],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(channel, model, snapshot=True, parent=parent)
        self._framer = framer
        self._open_photos = open_photos
        self._input_view, self._view, self._bars = views
        self._title, self._headline = labels
        self.photo: Photo | None = None  # the frame shown, as the framer sees a photo
        self.feed.frameShown.connect(self._shown)
        self.bar.snapshotRequested.connect(self.snapshot)

    def snapshot(self) -> None:
        """The frame shown, into the photo strip (opened as a pasted picture is)."""
        frame = self.feed.frame
        if frame is not None and self.live():
            self._open_photos(Inputs(image=frame.qimage.copy()))
            self.notice.emit(f"Snapshot of {self.name}, frame {frame.index}, put in the strip")

    def reframe(self) -> None:
        """The framing changed: classify the frame shown again."""
        self.feed.resend()

    # --- the live source's parts -------------------------------------------------------------
    def request_for(self, frame: LiveFrame) -> FrameRequest:
        return FrameRequest(frame.image, self.name, self._framer.framing)

    def started(self) -> None:
        self._title.setText(f"{self.name} — starting…")

    def stopped(self) -> None:
        self.photo = None

    def _shown(self, frame: LiveFrame) -> None:
        first = self.photo is None or self.photo.qimage.size() != frame.qimage.size()
        h, w = frame.image.shape[:2]
        loaded = loaded_frame(frame.image, self.name)  # shares the frame's pixels
        self.photo = Photo(loaded, frame.qimage, frame.qimage, f"live:{self.name}")
        if first:
            self._view.set_image(frame.qimage)
            self._framer.frame(self.photo)  # a box belongs to its picture: none yet
        else:
            self._view.set_frame(frame.qimage)
        self._title.setText(f"{self.name} — {w}x{h} {FRAME_FORMAT} {frame.index}")

    def show_answer(self, frame: LiveFrame, answer: FrameResult) -> None:
        self._input_view.set_array(answer.framed.array, answer.framed.content_rect)
        self._view.set_seen(answer.framed.source_rect)
        self._bars.set_scores([(s.label, s.score) for s in answer.prediction.top])
        best = answer.prediction.best
        self._headline.setText(f"{best.label} — {self._bars.percent_texts()[0]}")
