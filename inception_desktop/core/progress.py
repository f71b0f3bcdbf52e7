"""How long counted work has left, said the same way by the command line and the window.

One estimator for every long job (features of a folder, a batch of photos, an audit): the rate is
measured from the first report on, so whatever was already done when it started (photos found in
a cache, a resumed run) does not make the rest look fast. This module imports nothing heavy.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: Reports before which no estimate is given: the first batches include the runtime's start.
MIN_REPORTS = 2


def time_left_text(seconds: float | None) -> str:
    """'about 3 min left', 'about 12 s left', or '' while unknown."""
    if seconds is None:
        return ""
    if seconds >= 90:
        return f"about {round(seconds / 60)} min left"
    return f"about {max(1, round(seconds))} s left"


class TimeLeft:
    """Seconds left of ``total`` items from the rate since the first :meth:`update`.

    Args:
        clock: seconds, monotonic (tests pass their own).
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._start: tuple[float, int] | None = None
        self._reports = 0

    def reset(self) -> None:
        """Forget the rate: the next :meth:`update` starts a new measurement."""
        self._start = None
        self._reports = 0

    def update(self, done: int, total: int) -> float | None:
        """The estimate after ``done`` of ``total`` items; None while unknown (the first report,
        no progress since it, or nothing left)."""
        now = self._clock()
        self._reports += 1
        if self._start is None:
            self._start = (now, done)
            return None
        started, first = self._start
        rate = (done - first) / max(1e-6, now - started)
        if done >= total or rate <= 0 or self._reports < MIN_REPORTS:
            return None
        return (total - done) / rate

    def text(self, done: int, total: int) -> str:
        """:meth:`update` as :func:`time_left_text` says it."""
        return time_left_text(self.update(done, total))
