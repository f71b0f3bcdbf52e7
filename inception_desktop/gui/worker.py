"""The one inference worker: a QObject living on its own QThread that owns every model.

The GUI thread calls :meth:`InferenceWorker.submit` (cheap, thread-safe): the request replaces
any pending one from the same source ("latest wins") and the worker is woken through a queued
signal. TensorFlow is imported and models are loaded here, on the worker thread, lazily. Every
exception becomes a ``failed`` signal with a sentence a person understands; the worker keeps
serving.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from inception_desktop.gui.requests import (
    CompareRequest,
    CompareResult,
    DigitRequest,
    DigitResult,
    Failure,
    PhotoRequest,
    PhotoResult,
)

log = logging.getLogger(__name__)

PHOTO, DIGIT = "photo", "digit"

#: A model factory: called on the worker thread, returns an object with ``classify``,
#: ``classify_batch``, ``name``, ``device`` and ``input_shape`` (a core Classifier, or a fake).
Factory = Callable[[Any], Any]


def default_factories(worker: InferenceWorker) -> dict[str, Factory]:
    """The real models, on the worker's current runtime; slow steps are reported as loading."""

    def photo(path: Any) -> Any:
        from inception_desktop.core import inception

        return inception.load_classifier(
            path, worker.runtime, stage=lambda text: worker.loading.emit(PHOTO, f"{text}…")
        )

    def digit(path: Any) -> Any:
        from inception_desktop.core.mnist.classifier import load_classifier

        return load_classifier(path, worker.runtime)

    return {PHOTO: photo, DIGIT: digit}


class InferenceWorker(QObject):
    """See the module docstring. Create it, ``moveToThread``, start the thread, then ``start``."""

    # kind, message: progress while TensorFlow and models load
    loading = Signal(str, str)
    # kind, model name, device
    modelReady = Signal(str, str, str)
    # kind, message (e.g. weights missing): the model is not available
    modelUnavailable = Signal(str, str)
    photoResult = Signal(object)
    digitResult = Signal(object)
    compareResult = Signal(object)
    failed = Signal(object)
    _wake = Signal()
    _load = Signal(str, object)
    _switch_runtime = Signal(str)

    def __init__(
        self, factories: dict[str, Factory] | None = None, runtime: str | None = None
    ) -> None:
        super().__init__()
        #: auto, litert or tensorflow (see core.runtime); read by the factories when they load.
        self.runtime = runtime
        self._factories = factories or default_factories(self)
        self._models: dict[str, Any] = {}
        self._paths: dict[str, Any] = {}  # kind → the file its model was loaded from
        self._lock = threading.Lock()
        self._pending: dict[str, Any] = {}
        self._wake.connect(self._drain)
        self._load.connect(self._load_model)
        self._switch_runtime.connect(self._set_runtime)

    # --- called from the GUI thread -------------------------------------------------------
    def submit(self, request: Any) -> None:
        """Queue ``request``, replacing a pending one from the same source."""
        with self._lock:
            self._pending[request.source] = request
        self._wake.emit()

    def load(self, kind: str, path: Any = None) -> None:
        """(Re)load the model of ``kind`` from ``path`` (None: the default), on the worker."""
        self._load.emit(kind, path)

    def set_runtime(self, runtime: str) -> None:
        """Use ``runtime`` from now on: the loaded models are loaded again on it."""
        self._switch_runtime.emit(runtime)

    # --- runs on the worker thread --------------------------------------------------------
    @Slot(str)
    def _set_runtime(self, runtime: str) -> None:
        if runtime == self.runtime:
            return
        self.runtime = runtime
        for kind in list(self._models):
            self._models.pop(kind)
            self._load_model(kind, self._paths.get(kind))

    @Slot(str, object)
    def _load_model(self, kind: str, path: Any) -> None:
        what = "Inception v3" if kind == PHOTO else "MNIST model"
        self.loading.emit(kind, f"Loading {what}…")
        started = time.perf_counter()
        try:
            model = self._factories[kind](path)
        except Exception as exc:
            log.info("loading %s failed: %s", kind, exc)
            self.modelUnavailable.emit(kind, str(exc))
            return
        self._models[kind] = model
        self._paths[kind] = path
        log.info(
            "%s ready in %.1f s on %s", model.name, time.perf_counter() - started, model.device
        )
        self.modelReady.emit(kind, model.name, model.device)
        self._drain()  # serve what arrived while loading

    @Slot()
    def _drain(self) -> None:
        while True:
            with self._lock:
                ready = [s for s, r in self._pending.items() if self._kind_of(r) in self._models]
                if not ready:
                    return
                request = self._pending.pop(ready[0])
            self._handle(request)

    @staticmethod
    def _kind_of(request: Any) -> str:
        return DIGIT if isinstance(request, DigitRequest) else PHOTO

    def _handle(self, request: Any) -> None:
        try:
            if isinstance(request, PhotoRequest):
                self.photoResult.emit(self._photo(request))
            elif isinstance(request, CompareRequest):
                self.compareResult.emit(self._compare(request))
            elif isinstance(request, DigitRequest):
                self.digitResult.emit(self._digit(request))
        except Exception as exc:
            log.warning("request %s failed: %s", request.id, exc, exc_info=True)
            self.failed.emit(Failure(request.id, request.source, _sentence(exc)))

    def _photo(self, request: PhotoRequest) -> PhotoResult:
        from inception_desktop.core.photo_input import network_input

        model = self._models[PHOTO]
        framed = network_input(request.loaded, request.framing, model.input_shape[0])
        return PhotoResult(request.id, framed, model.classify(framed.array, k=10))

    def _compare(self, request: CompareRequest) -> CompareResult:
        from dataclasses import replace

        from inception_desktop.core.framing import MODES
        from inception_desktop.core.photo_input import network_input

        model = self._models[PHOTO]
        framed = [
            network_input(request.loaded, replace(request.framing, mode=mode), model.input_shape[0])
            for mode in MODES
        ]
        predictions = model.classify_batch([f.array for f in framed], k=1000)
        return CompareResult(request.id, tuple(zip(framed, predictions, strict=True)))

    def _digit(self, request: DigitRequest) -> DigitResult:
        from inception_desktop.core.digits import normalize_digit

        steps = normalize_digit(request.canvas)
        if steps is None:
            return DigitResult(request.id, None, None)
        return DigitResult(request.id, steps, self._models[DIGIT].classify(steps.input, k=10))


def _sentence(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


class _PythonEventLoopThread(QThread):
    """A QThread whose event loop runs inside one Python call.

    With Qt's own ``run``, each queued slot enters Python afresh and gets a new Python thread
    state, which wipes ``threading.local`` data between calls. TensorFlow keeps its graph and
    eager contexts there: losing them between two model loads crashed the process (measured:
    loading the MNIST model, then Inception v3, segfaulted while tracing). Running ``exec`` from
    Python keeps one thread state for the thread's whole life.
    """

    def run(self) -> None:
        self.exec()


class WorkerThread:
    """Owns the QThread and the worker; ``stop`` ends it cleanly (no 'destroyed while running')."""

    def __init__(
        self, factories: dict[str, Factory] | None = None, runtime: str | None = None
    ) -> None:
        self.thread = _PythonEventLoopThread()
        self.thread.setObjectName("inference")
        self.worker = InferenceWorker(factories, runtime)
        self.worker.moveToThread(self.thread)
        self.thread.start()

    def stop(self, timeout_ms: int = 30000) -> bool:
        self.thread.quit()
        return self.thread.wait(timeout_ms)
