"""A live source for a workspace: a camera or a video file, its controls, its frames, its answers.

What the Photo and the Digit workspaces share about a camera: the
:class:`~.live_bar.LiveBar` (camera list, play, pause, step, mirror, freeze), the capture thread
(:class:`~..runtime.frame_reader.FrameReader`, one at a time, released on stop) and the
:class:`~..runtime.live_feed.LiveFeed` that sends the newest frame when the previous answer is
in. A workspace's source says how a frame becomes a request (:meth:`LiveSource.request_for`) and
how an answer is shown (:meth:`LiveSource.show_answer`); every failure (no OpenCV, no camera, a
file that is not a video, a camera unplugged) is one ``message``, the source is released and the
rest of the workspace goes on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from inception_desktop.core.video.errors import CaptureUnavailableError
from inception_desktop.core.video.source import capture_available
from inception_desktop.gui.runtime.channel import Channel, ModelWatch
from inception_desktop.gui.runtime.frame_reader import FrameReader, LiveFrame
from inception_desktop.gui.runtime.live_feed import LiveFeed
from inception_desktop.gui.widgets.live_bar import LiveBar


class LiveSource(QObject):
    """See the module docstring. ``snapshot``: whether the bar offers Snapshot."""

    message = Signal(str)
    notice = Signal(str)
    liveChanged = Signal(bool)
    cameraChosen = Signal(int)  # a camera gave a picture: the window remembers it

    def __init__(
        self, channel: Channel, model: ModelWatch, snapshot: bool, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._model = model
        self.reader: FrameReader | None = None
        self.name = ""  # the source running: "Camera 0", a file's name
        self.camera = 0  # the camera offered first (the window sets the remembered one)
        self.feed = LiveFeed(channel, self.request_for, self)
        self.feed.answered.connect(self._answered)
        self.feed.failed.connect(self.message)
        self.feed.statsChanged.connect(self._stats)
        self.bar = LiveBar(snapshot=snapshot)
        self.bar.hide()
        self.bar.cameraStartRequested.connect(self.start_camera)
        self.bar.stopRequested.connect(self.stop)
        self.bar.closeRequested.connect(self.close)
        self.bar.pauseToggled.connect(lambda on: self.reader and self.reader.set_paused(on))
        self.bar.stepRequested.connect(self._step)
        self.bar.mirrorToggled.connect(lambda on: self.reader and self.reader.set_mirror(on))
        self.bar.freezeToggled.connect(self.feed.set_frozen)

    # --- what a workspace's source says ------------------------------------------------------
    def request_for(self, frame: LiveFrame) -> Any:
        """The worker request that classifies ``frame``."""
        raise NotImplementedError

    def show_answer(self, frame: LiveFrame, answer: Any) -> None:
        """Show the answer to ``frame`` (only the shown frame's while frozen)."""
        raise NotImplementedError

    def started(self) -> None:
        """A source starts (:attr:`name` is set)."""

    def stopped(self) -> None:
        """The source stopped: what it showed goes."""

    # --- what the workspace asks -------------------------------------------------------------
    def live(self) -> bool:
        """Whether a source runs (its frames are shown)."""
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
        """Stop the source: the camera is released on its thread."""
        reader, self.reader = self.reader, None
        if reader is None:
            return
        reader.stop()
        self.feed.follow(None)
        self.bar.show_running(None)
        self._model.update(live="")
        self.stopped()
        self.liveChanged.emit(False)

    def close(self) -> None:
        self.stop()
        self.bar.hide()

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
        reader.failed.connect(lambda text, r=reader: self._failed(r, text))
        reader.ended.connect(lambda r=reader: self._ended(r))
        reader.stopped.connect(reader.deleteLater)
        if isinstance(source, int):  # remembered once it gives a picture
            reader.opened.connect(lambda *_: self.cameraChosen.emit(source))
        self.reader = reader
        self.name = f"Camera {source}" if isinstance(source, int) else Path(source).name
        self.feed.follow(reader)
        self.bar.show_running("camera" if isinstance(source, int) else "video")
        self.started()
        self.liveChanged.emit(True)
        reader.start()
        return True

    def _opened(self, name: str, fps: float) -> None:
        rate = f", {fps:g} fps" if fps else ""
        self.notice.emit(f"Playing {Path(name).name}{rate}")

    def _failed(self, reader: FrameReader, text: str) -> None:
        self.message.emit(text)
        if reader is self.reader:
            self.stop()

    def _ended(self, reader: FrameReader) -> None:
        if reader is self.reader:
            self.notice.emit(f"{self.name}: the end (its last frame stays shown)")
            self.bar.freeze_button.setChecked(True)

    def _step(self) -> None:
        if self.reader is not None:
            if not self.reader.paused():
                self.bar.pause_button.setChecked(True)
            self.reader.step()

    def _answered(self, frame: LiveFrame, answer: Any) -> None:
        if not self.feed.frozen or frame is self.feed.frame:
            self.show_answer(frame, answer)

    def _stats(self) -> None:
        if self.live():
            stats = self.feed.stats
            self._model.update(live=stats.text(), ms=stats.ms)
