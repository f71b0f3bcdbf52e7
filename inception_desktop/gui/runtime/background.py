"""The one way the GUI runs work in the background (except inference): a :class:`Job`.

Modelled on superqt's ``thread_worker``: the work runs on Qt's global thread pool, and everything
it has to say comes back as signals on the GUI thread: ``yielded`` for each value a generator
yields (or ``job.report`` sends), ``returned`` for its return value, ``errored`` for an exception
(never only a log line), then ``finished``. ``cancel()`` stops a generator at its next ``yield``
and sets ``job.token`` (a :class:`~inception_desktop.core.store.download.CancelToken`) for work that
polls it, such as a download.

Why not superqt's worker itself: its ``run`` wraps every job in ``warnings.catch_warnings()``,
which swaps the process-wide warning filters from a pool thread; two jobs overlapping restore each
other's filters, and a warning raised meanwhile on the GUI thread goes to a job's signal.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from inception_desktop.core.store.download import CancelToken

log = logging.getLogger(__name__)


class Job(QObject):
    """``work(job)`` on a pool thread; see the module docstring. Create, connect, ``start``."""

    yielded = Signal(object)
    returned = Signal(object)
    errored = Signal(object)  # the exception
    finished = Signal()

    #: Started jobs, kept alive until their ``finished`` has been delivered.
    _alive: ClassVar[set[Job]] = set()

    def __init__(self, work: Callable[[Job], Any], name: str = "job") -> None:
        super().__init__()
        self._work = work
        self.name = name
        self.token = CancelToken()
        self.finished.connect(self._forget)  # a slot of this GUI-thread object: queued

    def start(self, pool: QThreadPool | None = None) -> Job:
        Job._alive.add(self)
        (pool or QThreadPool.globalInstance()).start(_Runnable(self))
        return self

    def cancel(self) -> None:
        """Ask the work to stop: at its next ``yield``, or when it next polls ``token``."""
        self.token.cancel()

    @property
    def cancelled(self) -> bool:
        return self.token.cancelled

    def report(self, value: Any) -> None:
        """Send ``value`` as ``yielded`` (for work that reports from a callback: any thread)."""
        self.yielded.emit(value)

    def _run(self) -> None:  # on the pool thread
        try:
            result = self._work(self)
            if inspect.isgenerator(result):
                result = self._iterate(result)
            if not self.cancelled:
                self.returned.emit(result)
        except Exception as exc:
            log.debug("%s failed", self.name, exc_info=True)
            self.errored.emit(exc)
        finally:
            self.finished.emit()

    def _iterate(self, generator) -> Any:
        while not self.cancelled:
            try:
                value = next(generator)
            except StopIteration as stop:
                return stop.value
            self.yielded.emit(value)
        generator.close()
        return None

    @Slot()
    def _forget(self) -> None:
        # Not deleted while its own signal is being delivered: on the next turn of the loop.
        QTimer.singleShot(0, lambda: Job._alive.discard(self))


class _Runnable(QRunnable):
    def __init__(self, job: Job) -> None:
        super().__init__()
        self._job = job

    def run(self) -> None:
        self._job._run()
