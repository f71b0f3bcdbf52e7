"""What can go wrong with a camera or a video file, each as its own project error.

Each is an :class:`~inception_desktop.core.errors.InceptionDesktopError` whose message says what
happened and what to do, so the window puts it in the problem list as it is and the command line
prints it as it is. Separate classes (not one with a code) because callers react differently:
a lost camera ends a run that had frames, a missing OpenCV offers the install command.
"""

from __future__ import annotations

import sys

from inception_desktop.core.errors import InceptionDesktopError

#: What installs the capture library, in the words of the package's own extra.
EXTRA_COMMAND = 'pip install "inception-desktop[camera]"'


def venv_command() -> str:
    """The same install, for the Python running now (a virtual environment's own pip)."""
    return f'"{sys.executable}" -m pip install opencv-python-headless'


class VideoError(InceptionDesktopError):
    """A camera or a video file that cannot give frames; ``source`` names it."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}", reason)
        self.source = source


class CaptureUnavailableError(VideoError):
    """OpenCV (the optional ``camera`` extra) is not installed."""

    def __init__(self, source: str) -> None:
        super().__init__(
            source,
            f"live video needs OpenCV, which is not installed: {EXTRA_COMMAND} "
            f"(or {venv_command()})",
        )


class NoCameraError(VideoError):
    """No camera answers to this index."""


class CameraBusyError(VideoError):
    """The camera exists but gives no picture: another program holds it."""


class CameraLostError(VideoError):
    """The camera stopped giving frames while running (unplugged, or taken away)."""


class CameraPermissionError(VideoError):
    """The system refuses this program access to the camera."""


class UndecodableVideoError(VideoError):
    """A file that is missing, not a video, or whose frames cannot be decoded."""
