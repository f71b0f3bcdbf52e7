"""The cameras this machine has, by index and name, found without opening any of them.

Opening a camera to see whether it exists turns its light on and can take a second, so cameras
are listed from what the system says: on Linux the V4L2 capture nodes (``/dev/videoN`` whose
``/sys/class/video4linux/videoN/index`` is 0; the others are the same camera's metadata nodes),
named by their ``name`` file. Elsewhere (DirectShow, AVFoundation) OpenCV numbers cameras from 0
and offers no names, so the first :data:`GUESSED` indices are offered as "Camera N".
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

#: Where V4L2 puts camera devices and describes them (tests point these at a folder of theirs).
DEVICE_DIR = Path("/dev")
SYSFS_DIR = Path("/sys/class/video4linux")
#: Indices offered where cameras cannot be listed.
GUESSED = 2


@dataclass(frozen=True)
class CameraInfo:
    """A camera as a person picks it: its index (what OpenCV opens) and its name."""

    index: int
    name: str

    def label(self) -> str:
        """The name, and the index where the name does not say it ("USB Camera (2)")."""
        plain = f"Camera {self.index}"
        return plain if self.name == plain else f"{self.name} ({self.index})"


def lists_devices() -> bool:
    """Whether cameras are device files here (Linux), so their absence can be told for sure."""
    return sys.platform.startswith("linux")


def device_path(index: int) -> Path:
    """The device file of camera ``index`` (Linux)."""
    return DEVICE_DIR / f"video{index}"


def list_cameras() -> list[CameraInfo]:
    """The cameras to offer, in index order (see the module docstring); may be empty on Linux."""
    if not lists_devices():
        return [CameraInfo(i, f"Camera {i}") for i in range(GUESSED)]
    found: list[CameraInfo] = []
    try:
        names = [p.name for p in DEVICE_DIR.iterdir()]
    except OSError:
        return found
    for name in names:
        match = re.fullmatch(r"video(\d+)", name)
        if match is None:
            continue
        index = int(match.group(1))
        if _node_index(index) not in (None, 0):
            continue  # a metadata node of a camera already listed
        found.append(CameraInfo(index, _name(index) or f"Camera {index}"))
    return sorted(found, key=lambda c: c.index)


def _node_index(index: int) -> int | None:
    try:
        return int((SYSFS_DIR / f"video{index}" / "index").read_text().strip())
    except (OSError, ValueError):
        return None


def _name(index: int) -> str | None:
    try:
        return (SYSFS_DIR / f"video{index}" / "name").read_text().strip() or None
    except OSError:
        return None
