"""One open camera or video file, read frame by frame as RGB arrays with their times.

This is the one way into video for both front ends: ``classify VIDEO`` reads a file through
:func:`open_video`, the window reads a file or a camera through :func:`open_source` on its
capture thread. OpenCV is imported here, lazily (about 0.1 s), and only when a source is opened:
never at start-up, never on the window's thread. Every failure is a
:class:`~.errors.VideoError` that says what happened (see :mod:`.errors`): a file that is not a
video is found at opening, because the first frame is decoded then, and a camera that opens but
gives no picture is told apart from one that stops giving them later.

Files are opened with FFmpeg explicitly, never OpenCV's "image sequence" reader (which takes
``img%03d.png`` for a pattern of file names). A file's frame times are its index over its frame
rate (exact and repeatable); a camera's are seconds since it opened.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, NoReturn

import numpy as np

from inception_desktop.core.quiet import verbose
from inception_desktop.core.video.cameras import device_path, list_cameras, lists_devices
from inception_desktop.core.video.errors import (
    CameraBusyError,
    CameraLostError,
    CameraPermissionError,
    CaptureUnavailableError,
    NoCameraError,
    UndecodableVideoError,
)

#: Privacy settings that allow a program to use the camera, where the system asks.
PRIVACY_SETTING = {
    "darwin": "System Settings › Privacy & Security › Camera",
    "win32": "Settings › Privacy & security › Camera",
}


@dataclass(frozen=True)
class Frame:
    """A frame: ``index`` counts every frame of the source from 0 (skipped ones too), ``time`` is
    in seconds from the start, ``image`` is uint8 (H, W, 3) RGB."""

    index: int
    time: float
    image: np.ndarray = field(repr=False)


#: OpenCV's and FFmpeg's own log lines ("[ WARN:0@0.4] global cap.cpp…", "moov atom not
#: found") are for their developers: our errors say what went wrong (``--verbose`` keeps them).
QUIET_ENV = {"OPENCV_LOG_LEVEL": "ERROR", "OPENCV_FFMPEG_LOGLEVEL": "-8"}


def capture_available() -> bool:
    """Whether OpenCV is installed, found without importing it (the window asks at a click)."""
    import importlib.util

    return importlib.util.find_spec("cv2") is not None


def import_cv2(source: str = "video") -> Any:
    """OpenCV, or :class:`CaptureUnavailableError` with the command that installs it."""
    if not verbose():
        for name, value in QUIET_ENV.items():
            os.environ.setdefault(name, value)
    try:
        import cv2
    except ImportError:
        raise CaptureUnavailableError(source) from None
    return cv2


class FrameSource:
    """An open camera or video file (made by :func:`open_video` / :func:`open_camera`).

    A context manager: leaving it, or :meth:`close`, releases the camera. Not thread-safe: one
    thread reads it (the command line's, or the window's capture thread).
    """

    def __init__(self, capture: Any, name: str, is_camera: bool, cv2: Any) -> None:
        self._capture = capture
        self._cv2 = cv2
        self.name = name
        self.is_camera = is_camera
        fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
        #: Frames per second the source declares (0.0: unknown).
        self.fps = fps if 0 < fps < 1000 else 0.0
        count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        #: Frames in a file as its container declares them (None: a camera, or not declared).
        self.frame_count = count if count > 0 and not is_camera else None
        self._index = -1  # the last frame grabbed
        self._grabbed = False  # a frame is grabbed and not yet retrieved
        self._start = time.monotonic()
        self.closed = False
        self._grab(first=True)

    # --- reading ---------------------------------------------------------------------------
    def read(self) -> Frame | None:
        """The next frame, or None at the end of a file (a camera never ends: it raises
        :class:`CameraLostError` when it stops giving frames)."""
        if not self._grabbed and not self._grab():
            return None
        self._grabbed = False
        ok, bgr = self._capture.retrieve()
        if not ok or bgr is None:
            return self._failed()
        image = self._cv2.cvtColor(bgr, self._cv2.COLOR_BGR2RGB)
        return Frame(self._index, self.time_of(self._index), image)

    def skip(self) -> bool:
        """Pass over the next frame without converting it (sampling); False at the end."""
        if self._grabbed:
            self._grabbed = False
            return True
        if not self._grab():
            return False
        self._grabbed = False
        return True

    def time_of(self, index: int) -> float:
        """Seconds from the start to frame ``index`` (a camera: to now)."""
        if self.is_camera:
            return time.monotonic() - self._start
        if self.fps > 0:
            return index / self.fps
        return float(self._capture.get(self._cv2.CAP_PROP_POS_MSEC) or 0.0) / 1000.0

    def _grab(self, first: bool = False) -> bool:
        if self.closed:
            return False
        if self._capture.grab():
            self._index += 1
            self._grabbed = True
            return True
        if first:
            self.close()
            if self.is_camera:
                raise CameraBusyError(
                    self.name,
                    "the camera opened but gives no picture: another program is probably "
                    "using it; close it and start again",
                )
            raise UndecodableVideoError(self.name, "no frame of it could be decoded")
        if self.is_camera:
            self._failed()
        return False

    def _failed(self) -> Frame | None:
        self.close()
        if self.is_camera:
            raise CameraLostError(
                self.name,
                f"the camera stopped giving pictures after {self._index + 1} frames: "
                "was it unplugged? Plug it in and start again",
            )
        raise UndecodableVideoError(self.name, f"frame {self._index} could not be decoded")

    # --- the end ---------------------------------------------------------------------------
    def close(self) -> None:
        """Release the camera or file (twice is harmless)."""
        if not self.closed:
            self.closed = True
            self._capture.release()

    def __enter__(self) -> FrameSource:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def open_video(path: str | Path) -> FrameSource:
    """Open the video file ``path``; its first frame is decoded now, so a file that is not a
    video (or is missing) raises :class:`UndecodableVideoError` here."""
    name = os.fspath(path)
    if not os.path.isfile(name):
        why = "no such file" if not os.path.exists(name) else "not a file"
        raise UndecodableVideoError(name, why)
    cv2 = import_cv2(name)
    capture = cv2.VideoCapture(name, cv2.CAP_FFMPEG)
    if not capture.isOpened():
        capture.release()
        raise UndecodableVideoError(name, "not a video that can be decoded (FFmpeg cannot open it)")
    return FrameSource(capture, name, is_camera=False, cv2=cv2)


def open_camera(index: int) -> FrameSource:
    """Open camera ``index`` (see :mod:`.cameras`); its first frame is grabbed now, so a camera
    that is missing, refused or busy raises here (:class:`NoCameraError`,
    :class:`CameraPermissionError`, :class:`CameraBusyError`)."""
    name = f"Camera {index}"
    if index < 0:
        raise NoCameraError(name, "a camera's index is 0 or more")
    if lists_devices():
        device = device_path(index)
        if not device.exists():
            _no_camera(name, index)
        if not os.access(device, os.R_OK | os.W_OK):
            raise CameraPermissionError(
                name,
                f"this program may not use {device}: add your user to its group "
                f"(sudo usermod -aG video $USER) and log in again",
            )
    cv2 = import_cv2(name)
    backend = cv2.CAP_V4L2 if lists_devices() else cv2.CAP_ANY
    capture = cv2.VideoCapture(index, backend)
    if not capture.isOpened():
        capture.release()
        if lists_devices():
            raise CameraBusyError(
                name, f"{device_path(index)} could not be opened: another program may be using it"
            )
        privacy = PRIVACY_SETTING.get(sys.platform, "the system's camera privacy settings")
        raise NoCameraError(
            name,
            "the camera could not be opened: it is not connected, another program is using "
            f"it, or this program is not allowed to use it ({privacy})",
        )
    return FrameSource(capture, name, is_camera=True, cv2=cv2)


def open_source(source: int | str | Path) -> FrameSource:
    """A camera (an int: its index) or a video file (a path): what the window opens."""
    if isinstance(source, int):
        return open_camera(source)
    return open_video(source)


def _no_camera(name: str, index: int) -> NoReturn:
    others = [c.index for c in list_cameras()]
    found = f"cameras found: {', '.join(map(str, others))}" if others else "no camera is connected"
    raise NoCameraError(name, f"there is no camera {index} ({found})")
