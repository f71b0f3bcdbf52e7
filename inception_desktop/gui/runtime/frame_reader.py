"""A camera or video file read on a thread of its own, the newest frame kept (never a queue).

The capture thread opens the source (OpenCV is imported there, never on the GUI thread), reads
frame after frame, mirrors it when asked and makes its QImage, and puts it in a one-frame slot:
a frame not yet taken is replaced by the next one (counted as skipped), so a GUI thread that
falls behind sees the newest frame, never a backlog, and the memory held is one frame whatever
the rates. ``frameReady`` is emitted only when the slot was empty, so at most one notification
waits in the GUI thread's queue at a time.

A video file is played at its own frame rate (paced against the wall clock, re-anchored after a
pause), with pause and step; a camera is read as fast as it gives frames. The work runs as a
:class:`~.background.Job` (errors as signals, cancellation) on a pool of its own: it lasts as
long as the source is on, and must not hold one of the global pool's few threads (photos
decode there). Stopping ends the loop within one frame (or 0.1 s of pacing) and releases the
camera on the capture thread; ``stopped`` follows.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QThreadPool, Signal, Slot
from PySide6.QtGui import QImage

from inception_desktop.core.errors import InceptionDesktopError, first_line
from inception_desktop.gui.runtime.background import Job

#: Longest single sleep while pacing or paused: how soon a stop, pause or step is noticed.
TICK_S = 0.1


@dataclass(frozen=True)
class LiveFrame:
    """A frame as shown: ``image`` uint8 (H, W, 3) RGB (mirrored if asked), ``qimage`` the same
    pixels for a view, ``index`` and ``time`` (seconds) as the source counts them."""

    index: int
    time: float
    image: np.ndarray = field(repr=False)
    qimage: QImage = field(repr=False)


def rgb_qimage(image: np.ndarray) -> QImage:
    """A QImage owning a copy of ``image`` (made on the capture thread: QImage is thread-safe)."""
    image = np.ascontiguousarray(image)
    h, w = image.shape[:2]
    return QImage(image.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class FrameReader(QObject):
    """Reads ``source`` (a camera index or a video file) on its own thread; see the module."""

    opened = Signal(str, float)  # the source's name and declared frame rate (0: unknown)
    frameReady = Signal()  # a newer frame waits in take()
    failed = Signal(str)  # why it stopped, for a person (a VideoError's message)
    ended = Signal()  # a video file's last frame was read
    stopped = Signal()  # the source is released: after a stop, an end or a failure

    def __init__(self, source: int | str | Path, mirror: bool = False, parent=None) -> None:
        super().__init__(parent)
        self.source = source if isinstance(source, int) else str(source)
        self.is_camera = isinstance(source, int)
        self._mirror = mirror
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._slot: LiveFrame | None = None
        self._skipped = 0
        self._paused = False
        self._steps = 0
        self.read = 0  # frames read from the source
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._job: Job | None = None
        self.running = False

    # --- control (GUI thread) --------------------------------------------------------------
    def start(self) -> None:
        job = Job(self._run, f"capture {self.source}")
        job.yielded.connect(self._opened)
        job.returned.connect(self._returned)
        job.errored.connect(self._errored)
        job.finished.connect(self._finished)
        self._job = job
        self.running = True
        job.start(self._pool)

    def stop(self) -> None:
        """Stop reading and release the source (``stopped`` follows, from the capture thread's
        end)."""
        if self._job is not None:
            self._job.cancel()
        self._wake.set()

    def wait(self, ms: int = 5000) -> bool:
        """Wait for the capture thread to end (True if it did)."""
        return self._pool.waitForDone(ms)

    def set_paused(self, on: bool) -> None:
        """A video file: hold at the frame shown (a camera keeps reading: its picture is live)."""
        with self._lock:
            self._paused = on
        self._wake.set()

    def paused(self) -> bool:
        return self._paused

    def step(self) -> None:
        """While paused: read and show the next frame."""
        with self._lock:
            self._steps += 1
        self._wake.set()

    def set_mirror(self, on: bool) -> None:
        """Mirror frames from the next one on (left and right swapped, as in a mirror)."""
        self._mirror = on

    def take(self) -> tuple[LiveFrame | None, int]:
        """The newest frame (None if none came since the last take) and how many frames were
        replaced unseen before it."""
        with self._lock:
            frame, skipped = self._slot, self._skipped
            self._slot, self._skipped = None, 0
        return frame, skipped

    # --- the capture thread ----------------------------------------------------------------
    def _run(self, job: Job) -> bool:
        """Read until stopped (False) or until a file ends (True); errors propagate."""
        from inception_desktop.core.video.source import open_source

        with open_source(self.source) as video:
            job.report((video.name, video.fps))
            anchor: tuple[float, float] | None = None  # (wall clock, video time) when pacing
            while not job.cancelled:
                if not video.is_camera and not self._may_read():
                    anchor = None
                    self._wake.wait(TICK_S)
                    self._wake.clear()
                    continue
                frame = video.read()
                if frame is None:
                    return True
                if not video.is_camera:
                    anchor = self._pace(job, anchor, frame.time)
                self._publish(frame.index, frame.time, frame.image)
        return False

    def _may_read(self) -> bool:
        with self._lock:
            if not self._paused:
                return True
            if self._steps:
                self._steps -= 1
                return True
            return False

    def _pace(
        self, job: Job, anchor: tuple[float, float] | None, at: float
    ) -> tuple[float, float] | None:
        """Sleep until video time ``at`` is due on the wall clock; a step or the first frame
        after a pause is shown at once and re-anchors the clock."""
        if anchor is None or self._paused:
            return None if self._paused else (time.monotonic(), at)
        wall, start = anchor
        while not job.cancelled and not self._paused:
            left = wall + (at - start) - time.monotonic()
            if left <= 0:
                break
            self._wake.wait(min(left, TICK_S))
            self._wake.clear()
        return anchor

    def _publish(self, index: int, at: float, image: np.ndarray) -> None:
        if self._mirror:
            image = np.ascontiguousarray(image[:, ::-1])
        frame = LiveFrame(index, at, image, rgb_qimage(image))
        with self._lock:
            empty = self._slot is None
            if not empty:
                self._skipped += 1
            self._slot = frame
            self.read += 1
        if empty:
            self.frameReady.emit()

    # --- back on the GUI thread ------------------------------------------------------------
    @Slot(object)
    def _opened(self, value: object) -> None:
        name, fps = value if isinstance(value, tuple) else (str(self.source), 0.0)
        self.opened.emit(str(name), float(fps))

    @Slot(object)
    def _returned(self, at_end: object) -> None:
        if at_end:
            self.ended.emit()

    @Slot(object)
    def _errored(self, error: object) -> None:
        if isinstance(error, InceptionDesktopError):
            self.failed.emit(str(error))
        else:  # a bug: said as one, and the window goes on
            name = self.source if not self.is_camera else f"Camera {self.source}"
            self.failed.emit(f"{name}: reading stopped: {first_line(error)}")  # type: ignore[arg-type]

    @Slot()
    def _finished(self) -> None:
        self.running = False
        self._job = None
        self.stopped.emit()
