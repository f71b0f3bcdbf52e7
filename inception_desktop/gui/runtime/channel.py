"""A view's line to the inference worker: its requests out, their answers and its model's state in.

Each view owns a :class:`Channel` (as the widget in Qt's Mandelbrot example connects to its own
results): it sends a request with what to do with the answer, and hears only about the ids it
sent. Every request ends in exactly one of ``finished``, ``failed`` or ``superseded``, and each of
them forgets the request, so nothing is kept for an answer that will never come.

Each view also owns a :class:`ModelWatch` for the one model kind it uses: the worker's readiness
signals for other kinds are ignored there, so the window routes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from inception_desktop.gui.runtime.requests import Request
from inception_desktop.gui.runtime.worker import InferenceWorker

log = logging.getLogger(__name__)

OnResult = Callable[[Any], None]
OnFailure = Callable[[str], None]
OnDropped = Callable[[], None]


@dataclass(frozen=True)
class _Waiting:
    on_result: OnResult
    on_failure: OnFailure | None
    on_dropped: OnDropped | None


class Channel(QObject):
    """Sends requests to ``worker`` and calls back, on the GUI thread, for those sent here."""

    def __init__(self, worker: InferenceWorker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._waiting: dict[int, _Waiting] = {}
        # Slots of this QObject: answers from the worker thread are queued onto the GUI thread.
        worker.finished.connect(self._finished)
        worker.failed.connect(self._failed)
        worker.superseded.connect(self._superseded)

    def send(
        self,
        request: Request,
        on_result: OnResult,
        on_failure: OnFailure | None = None,
        on_dropped: OnDropped | None = None,
    ) -> int:
        """Submit ``request``; exactly one callback runs later (``on_dropped`` when a newer
        request from the same source replaced it before it was served). Returns its id."""
        self._waiting[request.id] = _Waiting(on_result, on_failure, on_dropped)
        self._worker.submit(request)
        return request.id

    def withdraw(self, source: str) -> None:
        """Withdraw the pending request of ``source`` (its ``on_dropped`` runs, if it was one
        sent here and not yet served)."""
        self._worker.withdraw(source)

    def waiting(self) -> int:
        """How many requests sent here still wait for an answer."""
        return len(self._waiting)

    @Slot(int, object)
    def _finished(self, request_id: int, result: Any) -> None:
        waiting = self._waiting.pop(request_id, None)
        if waiting is not None:
            waiting.on_result(result)

    @Slot(int, str)
    def _failed(self, request_id: int, message: str) -> None:
        waiting = self._waiting.pop(request_id, None)
        if waiting is not None and waiting.on_failure is not None:
            waiting.on_failure(message)

    @Slot(int)
    def _superseded(self, request_id: int) -> None:
        waiting = self._waiting.pop(request_id, None)
        if waiting is not None and waiting.on_dropped is not None:
            waiting.on_dropped()


@dataclass(frozen=True)
class ModelState:
    """What the status bar says about a workspace's model."""

    name: str = "not loaded"
    device: str = "starting…"
    loading: str | None = None  # a progress message while it loads
    ms: float | None = None  # the last inference time
    ready: bool = False  # a model of this kind has been loaded (and serves)
    live: str = ""  # a camera or video running: its frame rate, ms per frame, dropped frames


class ModelWatch(QObject):
    """The state of one model ``kind``, from the worker's signals for that kind only."""

    changed = Signal()
    ready = Signal(str)  # model name
    unavailable = Signal(str)  # why

    def __init__(self, worker: InferenceWorker, kind: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self._worker = worker
        self.state = ModelState()
        serving = worker.serving(kind)  # a view made after its model loaded starts ready
        if serving is not None:
            self.state = ModelState(name=serving[0], device=serving[1], ready=True)
        worker.loading.connect(self._loading)
        worker.modelReady.connect(self._ready)
        worker.modelUnavailable.connect(self._unavailable)

    def serving_model(self) -> Any:
        """The model serving now (None: none yet): to ask what it can do, never to run it."""
        return self._worker.serving_model(self.kind)

    def update(self, **changes: Any) -> None:
        self.state = replace(self.state, **changes)
        self.changed.emit()

    @Slot(str, str)
    def _loading(self, kind: str, message: str) -> None:
        if kind == self.kind:
            self.update(loading=message)

    @Slot(str, str, str)
    def _ready(self, kind: str, name: str, device: str) -> None:
        if kind == self.kind:
            self.update(name=name, device=device, loading=None, ready=True)
            self.ready.emit(name)

    @Slot(str, str)
    def _unavailable(self, kind: str, message: str) -> None:
        if kind == self.kind:
            self.update(loading=None)
            self.unavailable.emit(message)
