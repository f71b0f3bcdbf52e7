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
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

from inception_desktop.core.models.prediction import Prediction
from inception_desktop.core.photo.framing import FramedInput, Framing
from inception_desktop.core.video.as_photo import FRAME_FORMAT, loaded_frame
from inception_desktop.core.video.errors import CaptureUnavailableError
from inception_desktop.core.video.source import capture_available
from inception_desktop.gui.photo.framer import Framer
from inception_desktop.gui.photo.image_loader import Photo
from inception_desktop.gui.photo.photo_view import PhotoView
from inception_desktop.gui.runtime.channel import Channel, ModelWatch
from inception_desktop.gui.runtime.frame_reader import FrameReader, LiveFrame
from inception_desktop.gui.runtime.live_feed import LiveFeed
from inception_desktop.gui.runtime.mime import Inputs
from inception_desktop.gui.runtime.requests import ModelKind, next_id
from inception_desktop.gui.widgets.input_view import InputView
from inception_desktop.gui.widgets.live_bar import LiveBar
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


class PhotoCamera(QObject):
    """See the module docstring. ``views``: the network input, the photo view and the bars."""

    message = Signal(str)
    notice = Signal(str)
    liveChanged = Signal(bool)
    cameraChosen = Signal(int)  # a camera started: the window remembers it

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
        super().__init__(parent)
        self._model = model
        self._framer = framer
        self._open_photos = open_photos
        self._input_view, self._view, self._bars = views
        self._title, self._headline = labels
        self.reader: FrameReader | None = None
        self.photo: Photo | None = None  # the frame shown, as the framer sees a photo
        self._name = ""
        self.camera = 0  # the camera offered first (the window sets the remembered one)
        self.feed = LiveFeed(channel, self._request, self)
        self.feed.frameShown.connect(self._shown)
        self.feed.answered.connect(self._answered)
        self.feed.failed.connect(self.message)
        self.feed.statsChanged.connect(self._stats)
        self.bar = LiveBar(snapshot=True)
        self.bar.hide()
        self.bar.cameraStartRequested.connect(self.start_camera)
        self.bar.stopRequested.connect(self.stop)
        self.bar.closeRequested.connect(self.close)
        self.bar.pauseToggled.connect(self._pause)
        self.bar.stepRequested.connect(self._step)
        self.bar.mirrorToggled.connect(self._mirror)
        self.bar.freezeToggled.connect(self.feed.set_frozen)
        self.bar.snapshotRequested.connect(self.snapshot)

    # --- what the workspace asks -------------------------------------------------------------
    def live(self) -> bool:
        """Whether a source runs (its frames, not the strip's photo, are shown)."""
        return self.reader is not None

    def open_bar(self) -> None:
        """Show the controls, the cameras listed now."""
        self.bar.list_cameras(self.camera)
        self.bar.show()
        if not capture_available():
            self.bar.show_missing()

    def start_camera(self, index: int | None = None) -> None:
        """Start camera ``index`` (None: the one chosen in the bar, else the remembered one)."""
        self.open_bar()
        index = self.bar.chosen_camera() if index is None else index
        if self._start(index):
            self.camera = index

    def play(self, path: str | Path) -> None:
        """Play the video file ``path`` through the same path as a camera."""
        self.open_bar()
        self._start(str(path))

    def stop(self) -> None:
        """Stop the source: the camera is released on its thread, the photo comes back."""
        reader, self.reader = self.reader, None
        if reader is None:
            return
        reader.stop()
        self.feed.follow(None)
        self.photo = None
        self.bar.show_running(None)
        self._model.update(live="")
        self.liveChanged.emit(False)

    def close(self) -> None:
        self.stop()
        self.bar.hide()

    def snapshot(self) -> None:
        """The frame shown, into the photo strip (opened as a pasted picture is)."""
        frame = self.feed.frame
        if frame is not None and self.live():
            self._open_photos(Inputs(image=frame.qimage.copy()))
            self.notice.emit(f"Snapshot of {self._name}, frame {frame.index}, put in the strip")

    def reframe(self) -> None:
        """The framing changed: classify the frame shown again."""
        self.feed.resend()

    def shutdown(self, ms: int) -> bool:
        reader = self.reader
        self.stop()
        return reader.wait(ms) if reader is not None else True

    # --- the source ------------------------------------------------------------------------
    def _start(self, source: int | str) -> bool:
        self.stop()
        if not capture_available():
            self.message.emit(str(CaptureUnavailableError("Camera")))
            return False
        reader = FrameReader(source, mirror=self.bar.mirror_button.isChecked(), parent=self)
        reader.opened.connect(self._opened)
        reader.failed.connect(lambda text, r=reader: self._reader_failed(r, text))
        reader.ended.connect(lambda r=reader: self._ended(r))
        reader.stopped.connect(reader.deleteLater)
        if isinstance(source, int):  # remembered once it gives a picture
            reader.opened.connect(lambda *_: self.cameraChosen.emit(source))
        self.reader = reader
        self._name = f"Camera {source}" if isinstance(source, int) else Path(source).name
        self.feed.follow(reader)
        self.bar.show_running("camera" if isinstance(source, int) else "video")
        self._title.setText(f"{self._name} — starting…")
        self.liveChanged.emit(True)
        reader.start()
        return True

    def _opened(self, name: str, fps: float) -> None:
        rate = f", {fps:g} fps" if fps else ""
        self.notice.emit(f"Playing {Path(name).name}{rate}")

    def _reader_failed(self, reader: FrameReader, text: str) -> None:
        self.message.emit(text)
        if reader is self.reader:
            self.stop()

    def _ended(self, reader: FrameReader) -> None:
        if reader is self.reader:
            self.notice.emit(f"{self._name}: the end (its last frame stays shown)")
            self.bar.freeze_button.setChecked(True)

    def _pause(self, on: bool) -> None:
        if self.reader is not None:
            self.reader.set_paused(on)

    def _step(self) -> None:
        if self.reader is not None:
            if not self.reader.paused():
                self.bar.pause_button.setChecked(True)
            self.reader.step()

    def _mirror(self, on: bool) -> None:
        if self.reader is not None:
            self.reader.set_mirror(on)

    # --- frames and answers ----------------------------------------------------------------
    def _request(self, frame: LiveFrame) -> FrameRequest:
        return FrameRequest(frame.image, self._name, self._framer.framing)

    def _shown(self, frame: LiveFrame) -> None:
        first = self.photo is None or self.photo.qimage.size() != frame.qimage.size()
        h, w = frame.image.shape[:2]
        loaded = loaded_frame(frame.image, self._name)  # shares the frame's pixels
        self.photo = Photo(loaded, frame.qimage, frame.qimage, f"live:{self._name}")
        if first:
            self._view.set_image(frame.qimage)
            self._framer.frame(self.photo)  # a box belongs to its picture: none yet
        else:
            self._view.set_frame(frame.qimage)
        self._title.setText(f"{self._name} — {w}x{h} {FRAME_FORMAT} {frame.index}")

    def _answered(self, frame: LiveFrame, result: FrameResult) -> None:
        if self.feed.frozen and frame is not self.feed.frame:
            return
        self._input_view.set_array(result.framed.array, result.framed.content_rect)
        self._view.set_seen(result.framed.source_rect)
        self._bars.set_scores([(s.label, s.score) for s in result.prediction.top])
        best = result.prediction.best
        self._headline.setText(f"{best.label} — {self._bars.percent_texts()[0]}")

    def _stats(self) -> None:
        if self.live():
            stats = self.feed.stats
            self._model.update(live=stats.text(), ms=stats.ms)
