"""The Digit workspace's live source: a digit written on paper, read through a camera or a video.

Each frame is read by the one rule for digit images (:func:`~inception_desktop.core.digit.image.
read_digit`: the paper's colour from the border, the ink normalised as MNIST was made), on the
worker's thread, so a filmed page and the same page dropped as a photo read alike. The newest
frame is sent when the previous answer is in (:class:`~..runtime.live_feed.LiveFeed`); the
workspace shows each answer as it shows a dropped image's (the page as read on the canvas, its
steps and scores). Failures are one message each; stopping releases the camera.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from PySide6.QtCore import QObject, Signal

from inception_desktop.core.digit.normalize import DigitSteps
from inception_desktop.core.models.prediction import Prediction
from inception_desktop.core.video.errors import CaptureUnavailableError
from inception_desktop.core.video.source import capture_available
from inception_desktop.gui.runtime.channel import Channel, ModelWatch
from inception_desktop.gui.runtime.frame_reader import FrameReader, LiveFrame
from inception_desktop.gui.runtime.live_feed import LiveFeed
from inception_desktop.gui.runtime.requests import ModelKind, next_id
from inception_desktop.gui.widgets.live_bar import LiveBar


@dataclass(frozen=True)
class LiveDigitReading:
    """A frame read as a digit (``picture``: the page as read, ink dark on white). No
    ``history``: a stream of frames is not a list of digits."""

    request_id: int
    steps: DigitSteps | None
    prediction: Prediction | None
    picture: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class LiveDigitRequest:
    kind: ClassVar[ModelKind] = ModelKind.DIGIT
    image: np.ndarray = field(repr=False)
    source: str = "digit-live"
    id: int = field(default_factory=next_id)

    def serve(self, model: Any) -> LiveDigitReading:
        from inception_desktop.core.digit.image import read_digit

        reading = read_digit(self.image)
        steps = reading.steps
        prediction = None if steps is None else model.classify(steps.input, k=10)
        return LiveDigitReading(self.id, steps, prediction, reading.picture)


class DigitCamera(QObject):
    """See the module docstring; ``show(reading)`` is the workspace's way of showing one."""

    message = Signal(str)
    notice = Signal(str)
    cameraChosen = Signal(int)

    def __init__(
        self,
        channel: Channel,
        model: ModelWatch,
        show: Callable[[LiveDigitReading], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._show = show
        self.reader: FrameReader | None = None
        self.camera = 0
        self.feed = LiveFeed(channel, lambda frame: LiveDigitRequest(frame.image), self)
        self.feed.answered.connect(self._answered)
        self.feed.failed.connect(self.message)
        self.feed.statsChanged.connect(self._stats)
        self.bar = LiveBar(snapshot=False)
        self.bar.hide()
        self.bar.cameraStartRequested.connect(self.start_camera)
        self.bar.stopRequested.connect(self.stop)
        self.bar.closeRequested.connect(self.close)
        self.bar.pauseToggled.connect(lambda on: self.reader and self.reader.set_paused(on))
        self.bar.stepRequested.connect(self._step)
        self.bar.mirrorToggled.connect(lambda on: self.reader and self.reader.set_mirror(on))
        self.bar.freezeToggled.connect(self.feed.set_frozen)

    def live(self) -> bool:
        return self.reader is not None

    def open_bar(self) -> None:
        self.bar.list_cameras(self.camera)
        self.bar.show()
        if not capture_available():
            self.bar.show_missing()

    def start_camera(self, index: int | None = None) -> None:
        self.open_bar()
        index = self.bar.chosen_camera() if index is None else index
        if self._start(index):
            self.camera = index

    def play(self, path: str | Path) -> None:
        self.open_bar()
        self._start(str(path))

    def stop(self) -> None:
        reader, self.reader = self.reader, None
        if reader is not None:
            reader.stop()
            self.feed.follow(None)
            self.bar.show_running(None)
            self._model.update(live="")

    def close(self) -> None:
        self.stop()
        self.bar.hide()

    def shutdown(self, ms: int) -> bool:
        reader = self.reader
        self.stop()
        return reader.wait(ms) if reader is not None else True

    def _start(self, source: int | str) -> bool:
        self.stop()
        if not capture_available():
            self.message.emit(str(CaptureUnavailableError("Camera")))
            return False
        reader = FrameReader(source, mirror=self.bar.mirror_button.isChecked(), parent=self)
        reader.failed.connect(lambda text, r=reader: self._failed(r, text))
        reader.ended.connect(lambda: self.bar.freeze_button.setChecked(True))
        reader.stopped.connect(reader.deleteLater)
        if isinstance(source, int):  # remembered once it gives a picture
            reader.opened.connect(lambda *_: self.cameraChosen.emit(source))
        self.reader = reader
        self.feed.follow(reader)
        self.bar.show_running("camera" if isinstance(source, int) else "video")
        reader.start()
        return True

    def _failed(self, reader: FrameReader, text: str) -> None:
        self.message.emit(text)
        if reader is self.reader:
            self.stop()

    def _step(self) -> None:
        if self.reader is not None:
            if not self.reader.paused():
                self.bar.pause_button.setChecked(True)
            self.reader.step()

    def _answered(self, frame: LiveFrame, reading: LiveDigitReading) -> None:
        if not self.feed.frozen or frame is self.feed.frame:
            self._show(reading)

    def _stats(self) -> None:
        if self.live():
            self._model.update(live=self.feed.stats.text())
