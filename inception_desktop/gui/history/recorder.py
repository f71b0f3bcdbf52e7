"""Keeping every classification the person makes, without ever blocking the window.

:class:`HistoryRecorder` listens to the inference worker's ``finished(id, result)`` (one signal for
every answer, whoever asked) and keeps the entries each classification gives of itself (its
``history(now)``: a photo, a digit, each row of a batch; see :mod:`..runtime.recordable`). Other
answers (a framing comparison, an explanation's extra maps) have none and are left out. Answers
that follow each other for one source (a digit being drawn, classified live every few strokes; a
crop box being dragged over a photo) are kept once, as the last of them: an answer is written when
no newer one for the same photo or canvas came for :data:`SETTLE_MS`. On the GUI thread this is
only building a few small records; hashing the files and writing SQLite happen on one background
thread, fed by a queue. ``settings.keep_history`` turns it off; a database problem reaches the
window once as ``message`` (see :class:`~inception_desktop.core.batch.history.HistoryStore`).
"""

from __future__ import annotations

import hashlib
import logging
import queue
import threading
import time
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from inception_desktop.core.batch.history import Entry, HistoryStore, file_hash
from inception_desktop.gui.runtime.recordable import Kept

log = logging.getLogger(__name__)

#: An answer is kept once no newer one for the same source came for this long (ms).
SETTLE_MS = 1500


def entries_for(result: Any, now: float | None = None) -> list[Kept]:
    """The history entries a worker answer gives of itself (see
    :mod:`~inception_desktop.gui.runtime.recordable`); [] when it is not a classification."""
    history = getattr(result, "history", None)
    if not callable(history):
        return []
    entries: list[Kept] = history(time.time() if now is None else now)
    return entries


class HistoryRecorder(QObject):
    """See the module docstring. ``stop()`` at window close writes what is queued."""

    message = Signal(str)  # a problem with the history database (once per problem)
    written = Signal(int)  # entries kept by one write (for tests and the History view)
    _problem = Signal(str)
    _wrote = Signal(int)

    def __init__(self, worker: Any, settings: Any, store: HistoryStore | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.store = store or HistoryStore()
        self.store.on_problem = self._problem.emit  # from the writing thread: queued
        self._problem.connect(self._report)
        self._wrote.connect(self._written)
        self._queue: queue.Queue[list[tuple[Entry, Any]] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._write_loop, name="history", daemon=True)
        self._thread.start()
        self._said: set[str] = set()
        self._settling: dict[str, list[tuple[Entry, Any]]] = {}  # source → its latest answer
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._settled)
        worker.finished.connect(self._finished)  # a slot of this GUI-thread object: queued

    @property
    def enabled(self) -> bool:
        return bool(getattr(self.settings, "keep_history", True))

    @Slot(int, object)
    def _finished(self, _request_id: int, result: Any) -> None:
        if not self.enabled:
            return
        try:
            entries = entries_for(result)
        except Exception:  # a result of an unexpected shape is not worth a lost answer
            log.warning("history: cannot record %r", type(result), exc_info=True)
            return
        if not entries:
            return
        if entries[0][0].kind == "batch":
            self._queue.put(entries)
            return
        record = entries[0][0].record
        self._settling[f"{entries[0][0].kind}:{record.path}"] = entries  # the latest wins
        self._settle.start()

    @Slot()
    def _settled(self) -> None:
        for entries in self._settling.values():
            self._queue.put(entries)
        self._settling.clear()

    @Slot(int)
    def _written(self, kept: int) -> None:
        self.written.emit(kept)  # on the GUI thread

    @Slot(str)
    def _report(self, text: str) -> None:
        if text not in self._said:
            self._said.add(text)
            self.message.emit(text)

    def flush(self, timeout: float = 10.0) -> None:
        """Write what waits (settling answers included) and wait until it is written."""
        self._settle.stop()
        self._settled()
        done = threading.Event()
        self._queue.put([(None, done)])  # type: ignore[list-item]
        done.wait(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        self._settle.stop()
        self._settled()
        self._queue.put(None)
        self._thread.join(timeout)
        self.store.close()

    # --- the writing thread ------------------------------------------------------------------
    def _write_loop(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if item and item[0][0] is None:  # a flush marker
                item[0][1].set()
                continue
            entries = [
                Entry(e.kind, e.record, e.time, _content_hash(source), e.weights_hash)
                for e, source in item
            ]
            try:
                kept = self.store.add(entries)
            except Exception as exc:  # never let the thread die: history is a convenience
                log.warning("history: writing failed", exc_info=True)
                self._problem.emit(f"history: could not keep a classification: {exc}")
                continue
            self._wrote.emit(kept)


def _content_hash(source: Any) -> str | None:
    if isinstance(source, np.ndarray):
        return "pixels:" + hashlib.sha256(np.ascontiguousarray(source).tobytes()).hexdigest()
    if isinstance(source, str) and source:
        return file_hash(source)
    return None
