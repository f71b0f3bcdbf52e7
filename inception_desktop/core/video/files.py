"""Which paths are videos: by the container's suffix, decided before anything is opened.

The command line sends a path ending in one of :data:`VIDEO_SUFFIXES` through the frame source
instead of the photo loader, so ``classify clip.mp4`` reads frames and ``classify clip.png`` a
photo. Nothing here imports OpenCV: asking costs nothing when it is not installed.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Containers FFmpeg (OpenCV's file backend) reads on every platform.
VIDEO_SUFFIXES = (
    ".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv", ".ogv", ".3gp",
)  # fmt: skip


def is_video_path(path: str | Path) -> bool:
    """Whether ``path`` names a video by its suffix (case-insensitive)."""
    return os.path.splitext(os.fspath(path))[1].lower() in VIDEO_SUFFIXES
