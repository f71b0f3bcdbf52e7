"""Frames shown as they come, the newest one classified, one request at a time.

Between a :class:`~.frame_reader.FrameReader` and a view's :class:`~.channel.Channel`: every
frame taken from the reader is shown (``frameShown``); a request is sent only when the previous
one has answered, failed or been superseded, and then for the newest frame; frames that arrive
meanwhile replace each other and count as dropped. So the scores follow the picture at the rate
the model allows, nothing queues (in the reader, here or in the worker), and the GUI thread only
shows pictures. As the Digit workspace's live drawing, but paced by answers rather than a timer:
a frame rate is not a drawing rate, and a timer would either queue or idle.

The counts (shown, classified, dropped), the shown frame rate over the last second and the
model's own milliseconds per frame are :attr:`stats`, for the status bar.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from inception_desktop.gui.runtime.channel import Channel
from inception_desktop.gui.runtime.frame_reader import FrameReader, LiveFrame
from inception_desktop.gui.runtime.requests import Request

#: The frame rate shown is over this many seconds of frames.
RATE_WINDOW_S = 1.0


@dataclass(frozen=True)
class LiveStats:
    """What the status bar says about a live source."""

    shown: int = 0
    classified: int = 0
    dropped: int = 0  # read but never classified (replaced by a newer frame)
    fps: float = 0.0  # frames shown per second, over the last second
    ms: float | None = None  # the model's time for the last frame classified

    def text(self) -> str:
        ms = f" · {self.ms:.0f} ms/frame" if self.ms is not None else ""
        return f"Live: {self.fps:.1f} fps{ms} · {self.dropped} dropped"


class LiveFeed(QObject):
    """See the module docstring. ``make_request(frame)`` builds the request for a frame (the
    view's framing, its model); answers come back as ``answered(frame, result)``."""

    frameShown = Signal(object)  # LiveFrame
    answered = Signal(object, object)  # (LiveFrame, result)
    failed = Signal(str)  # a request failed (each different message once)
    statsChanged = Signal()

    def __init__(
        self,
        channel: Channel,
        make_request: Callable[[LiveFrame], Request],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._channel = channel
        self._make_request = make_request
        self._reader: FrameReader | None = None
        self.frame: LiveFrame | None = None  # the frame shown
        self.frozen = False
        self._in_flight = 0  # the id of the request waiting for its answer (0: none)
        self._pending: LiveFrame | None = None  # the newest frame not yet sent
        self._times: deque[float] = deque()
        self._last_failure = ""
        self.stats = LiveStats()

    def follow(self, reader: FrameReader | None) -> None:
        """Show and classify ``reader``'s frames (None: none; the counts start again)."""
        if self._reader is not None:
            self._reader.frameReady.disconnect(self._frame_ready)
        self._reader = reader
        self._pending = None
        self._times.clear()
        self._last_failure = ""
        self.stats = LiveStats()
        self.frozen = False
        if reader is not None:
            reader.frameReady.connect(self._frame_ready)
        self.statsChanged.emit()

    def set_frozen(self, on: bool) -> None:
        """Hold the frame shown (and its scores); frames read meanwhile are let go uncounted."""
        self.frozen = on
        self._pending = None

    def resend(self) -> None:
        """Classify the frame shown again (the framing changed), after any answer awaited."""
        if self.frame is not None:
            self._offer(self.frame, replacing=False)

    @Slot()
    def _frame_ready(self) -> None:
        if self._reader is None:
            return
        frame, skipped = self._reader.take()
        if frame is None or self.frozen:
            return
        now = time.monotonic()
        self._times.append(now)
        while self._times and self._times[0] < now - RATE_WINDOW_S:
            self._times.popleft()
        self.frame = frame
        self._count(shown=1, dropped=skipped)
        self.frameShown.emit(frame)
        self._offer(frame)

    def _offer(self, frame: LiveFrame, replacing: bool = True) -> None:
        if self._in_flight:
            if self._pending is not None and replacing:
                self._count(dropped=1)
            self._pending = frame
            return
        self._send(frame)

    def _send(self, frame: LiveFrame) -> None:
        request = self._make_request(frame)
        self._in_flight = request.id
        self._channel.send(
            request,
            lambda result: self._done(frame, result),
            self._failed,
            lambda: self._done(frame, None),
        )

    def _done(self, frame: LiveFrame, result: Any) -> None:
        self._in_flight = 0
        if result is None:
            self._count(dropped=1)
        elif self._reader is not None:
            prediction = getattr(result, "prediction", None)
            ms = getattr(prediction, "ms", None)
            self._count(classified=1, ms=ms if ms is not None else self.stats.ms)
            self.answered.emit(frame, result)
        self._next()

    def _failed(self, message: str) -> None:
        self._in_flight = 0
        if message != self._last_failure:
            self._last_failure = message
            self.failed.emit(message)
        self._next()

    def _next(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None and self._reader is not None:
            self._send(pending)

    def _count(self, shown: int = 0, classified: int = 0, dropped: int = 0, **changes) -> None:
        s = self.stats
        span = self._times[-1] - self._times[0] if len(self._times) > 1 else 0.0
        fps = (len(self._times) - 1) / span if span > 0 else s.fps
        self.stats = LiveStats(
            s.shown + shown,
            s.classified + classified,
            s.dropped + dropped,
            fps,
            changes.get("ms", s.ms),
        )
        self.statsChanged.emit()
