"""Videos the tests write themselves with OpenCV (so no test depends on a file it did not make).

``moving_shapes`` is a clip of coloured shapes moving over a plain background: every frame is
different, so a window that shows "the newest frame" can be checked against the frame index
drawn into it. ``written_digit`` is a dark digit on white paper, as a phone would film a page.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

FOURCC = "MJPG"  # in .avi: written and read by every OpenCV build, FFmpeg's or not


def _writer(path: Path, size: tuple[int, int], fps: float):
    import cv2

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*FOURCC), fps, size)
    assert writer.isOpened(), f"OpenCV cannot write {path}"
    return writer


def shape_frame(index: int, size: tuple[int, int] = (320, 240)) -> np.ndarray:
    """Frame ``index`` of :func:`moving_shapes`, RGB: a red disc moving right, a blue square
    moving down, and the background's green level counting frames (index * 8 % 256)."""
    import cv2

    w, h = size
    rgb = np.zeros((h, w, 3), np.uint8)
    rgb[:] = (40, (index * 8) % 256, 40)
    cx = 30 + (index * 7) % (w - 60)
    cv2.circle(rgb, (cx, h // 3), 25, (230, 30, 30), -1)
    top = 10 + (index * 5) % (h - 70)
    cv2.rectangle(rgb, (w // 2, top), (w // 2 + 50, top + 50), (30, 30, 230), -1)
    return rgb


def moving_shapes(path: Path, frames: int = 30, fps: float = 10.0, size=(320, 240)) -> Path:
    """Write :func:`shape_frame` 0..frames-1 to ``path`` (an .avi) at ``fps``."""
    import cv2

    writer = _writer(path, size, fps)
    for i in range(frames):
        writer.write(cv2.cvtColor(shape_frame(i, size), cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def written_digit(path: Path, digit: str = "7", frames: int = 10, fps: float = 10.0) -> Path:
    """A dark ``digit`` drawn on white paper (slightly drifting), ``frames`` long."""
    import cv2

    size = (320, 240)
    writer = _writer(path, size, fps)
    for i in range(frames):
        page = np.full((size[1], size[0], 3), 245, np.uint8)
        cv2.putText(
            page,
            digit,
            (120 + i % 3, 190),
            cv2.FONT_HERSHEY_SIMPLEX,
            6,
            (20, 20, 20),
            18,
            cv2.LINE_AA,
        )
        writer.write(page)
    writer.release()
    return path
