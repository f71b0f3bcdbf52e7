"""Which frames of a video to classify: every N-th, or F per second of the video's own time.

The command line's ``--every N`` and ``--fps F``. Sampling follows the video's clock (frame
times), not the wall clock, so the same file gives the same frames on any machine however fast
it classifies. Skipped frames are only grabbed, never converted to RGB.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from inception_desktop.core.errors import InceptionDesktopError
from inception_desktop.core.video.source import Frame, FrameSource


class SamplingError(InceptionDesktopError, ValueError):
    """``--every`` or ``--fps`` out of range, or both given."""


@dataclass(frozen=True)
class Sampling:
    """Keep every ``every``-th frame (from the first), or, with ``fps``, the first frame at or
    after each multiple of 1/``fps`` seconds."""

    every: int = 1
    fps: float | None = None

    def __post_init__(self) -> None:
        if self.every < 1:
            raise SamplingError(f"--every takes a whole number of frames, 1 or more: {self.every}")
        if self.fps is not None and not self.fps > 0:
            raise SamplingError(f"--fps takes a positive number of frames per second: {self.fps}")
        if self.fps is not None and self.every != 1:
            raise SamplingError("--every and --fps choose frames two ways: give one of them")


def sampled_frames(source: FrameSource, sampling: Sampling) -> Iterator[Frame]:
    """The frames of ``source`` that ``sampling`` keeps, in order, until its end."""
    index = 0
    due = 0.0  # --fps: the time of the next frame to keep
    while True:
        if sampling.fps is not None:
            keep = source.time_of(index) + 1e-9 >= due
        else:
            keep = index % sampling.every == 0
        if keep:
            frame = source.read()
            if frame is None:
                return
            if sampling.fps is not None:
                while due <= frame.time + 1e-9:
                    due += 1.0 / sampling.fps
            yield frame
        elif not source.skip():
            return
        index += 1


def estimated_samples(source: FrameSource, sampling: Sampling) -> int | None:
    """How many frames ``sampling`` keeps of a file, from its declared length (a progress bar's
    total; None when the container does not say)."""
    count = source.frame_count
    if count is None:
        return None
    if sampling.fps is None:
        return -(-count // sampling.every)
    if source.fps <= 0:
        return None
    return max(1, round(count / source.fps * sampling.fps))
