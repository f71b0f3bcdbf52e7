"""The one inference worker: a QObject living on its own QThread that owns every model.

A view calls :meth:`InferenceWorker.submit` (cheap, thread-safe, from the GUI thread): the request
replaces any pending one from the same source ("latest wins"), the replaced one is announced by
``superseded(id)`` so its sender can forget it, and the worker is woken through a queued signal.
On the worker thread a request is served by its own ``serve(model)`` with the loaded model of its
``kind``; the answer is ``finished(id, result)`` or ``failed(id, message)``. The worker knows no
request type and routes nothing: each view listens for the ids it sent (see ``.channel``).

TensorFlow is imported and models are loaded here, on the worker thread, lazily; readiness is
reported per kind (``loading``, ``modelReady``, ``modelUnavailable``). Every exception becomes a
sentence a person understands; the worker keeps serving.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from inception_desktop.core.errors import first_line
from inception_desktop.gui.runtime.requests import ModelKind, Request

log = logging.getLogger(__name__)

PHOTO, DIGIT = ModelKind.PHOTO, ModelKind.DIGIT

#: A model factory: called on the worker thread, returns an object with ``classify``,
#: ``classify_batch``, ``name``, ``device`` and ``input_shape`` (a core Classifier, or a fake).
Factory = Callable[[Any], Any]

#: What the progress message calls each model while it loads.
MODEL_NAMES: dict[str, str] = {PHOTO: "Inception v3", DIGIT: "MNIST model"}


def default_factories(worker: InferenceWorker | None = None) -> dict[str, Factory]:
    """The real models, on the worker's current runtime and precision (the defaults without a
    worker); slow steps are reported as loading."""

    def runtime() -> str | None:
        return worker.runtime if worker is not None else None

    def precision() -> str | None:
        return worker.precision if worker is not None else None

    def stage(text: str) -> None:
        if worker is not None:
            worker.loading.emit(PHOTO, f"{text}…")

    def ready(model: Any) -> Any:
        """``model`` sized for one input before it is announced: LiteRT packs its weights now
        (~0.2 s for Inception v3), not in the first answer, whose time the status bar shows as
        the network's."""
        model.prepare(1)
        return model

    def photo(path: Any) -> Any:
        """Inception v3 on ``path``'s weights (None: the installed ones), or, when ``path`` is a
        retrained model, Inception's features (installed weights) with that model's head: its
        class names are the labels. Weights other than the ones it was trained on are refused."""
        from inception_desktop.core.classifiers import photo_classifier
        from inception_desktop.core.training.retrain import RetrainError
        from inception_desktop.core.training.retrain.classifier import WeightsMismatchError

        try:
            return ready(photo_classifier(path, runtime(), stage=stage, precision=precision()))
        except WeightsMismatchError as exc:  # the window's advice, not the command line's
            raise RetrainError(
                f"{exc.reason}. Import the weights it was trained on (Photo › Import "
                "Weights File…), or retrain it on the installed ones"
            ) from None

    def digit(path: Any) -> Any:
        from inception_desktop.core.classifiers import MNIST, load_classifier

        name = MNIST if path is None else path
        return ready(load_classifier(name, None, runtime(), precision=precision()))

    return {PHOTO: photo, DIGIT: digit}


class InferenceWorker(QObject):
    """See the module docstring. Create it, ``moveToThread``, start the thread, then ``start``."""

    # kind, message: progress while TensorFlow and models load
    loading = Signal(str, str)
    # kind, model name, runtime and device
    modelReady = Signal(str, str, str)
    # kind, message (e.g. weights missing): the model is not available
    modelUnavailable = Signal(str, str)
    # request id, result (whatever the request's serve returned)
    finished = Signal(int, object)
    # request id, a sentence for a person
    failed = Signal(int, str)
    # request id of a pending request replaced by a newer one from the same source
    superseded = Signal(int)
    _wake = Signal()
    _load = Signal(str, object)
    _switch_runtime = Signal(str)
    _switch_precision = Signal(str)

    def __init__(
        self,
        factories: dict[str, Factory] | None = None,
        runtime: str | None = None,
        precision: str | None = None,
    ) -> None:
        super().__init__()
        #: auto, litert or tensorflow (see core.runtime); read by the factories when they load.
        self.runtime = runtime
        #: fp32 or int8 (see core.models.precision); read by the factories when they load.
        self.precision = precision
        self._asked: dict[str, str | None] = {}  # set_runtime / set_precision, GUI side
        self._factories = factories or default_factories(self)
        self._models: dict[str, Any] = {}
        self._paths: dict[str, Any] = {}  # kind → the file its model was loaded from
        self._lock = threading.Lock()
        self._pending: dict[str, Request] = {}
        self._wake.connect(self._drain)
        self._load.connect(self._load_model)
        self._switch_runtime.connect(self._set_runtime)
        self._switch_precision.connect(self._set_precision)

    # --- called from the GUI thread -------------------------------------------------------
    def submit(self, request: Request) -> None:
        """Queue ``request``, replacing (and announcing) a pending one from the same source."""
        with self._lock:
            replaced = self._pending.get(request.source)
            self._pending[request.source] = request
        if replaced is not None:
            self.superseded.emit(replaced.id)
        self._wake.emit()

    def withdraw(self, source: str) -> None:
        """Drop the pending request of ``source``, if any (announced as superseded): an answer
        no one will show must not hold the worker from the next one."""
        with self._lock:
            withdrawn = self._pending.pop(source, None)
        if withdrawn is not None:
            self.superseded.emit(withdrawn.id)

    def load(self, kind: str, path: Any = None) -> None:
        """(Re)load the model of ``kind`` from ``path`` (None: the default), on the worker."""
        self._load.emit(kind, path)

    def serving(self, kind: str) -> tuple[str, str] | None:
        """The name and device of the model of ``kind`` serving now (None: none yet), for a
        view made after it loaded. Read from the GUI thread: the worker sets it before
        emitting ``modelReady``."""
        model = self._models.get(kind)
        return None if model is None else (model.name, model.device)

    def serving_model(self, kind: str) -> Any:
        """The model of ``kind`` serving now (None: none yet), for the GUI thread to ask what it
        can do (whether it explains by Grad-CAM) — never to run it: it belongs to the worker."""
        return self._models.get(kind)

    def loaded_path(self, kind: str) -> Any:
        """The file the model of ``kind`` now serving was loaded from (None: the default).
        Read from the GUI thread after ``modelReady``: the worker set it before emitting."""
        return self._paths.get(kind)

    def set_runtime(self, runtime: str) -> None:
        """Use ``runtime`` from now on: the loaded models are loaded again on it."""
        self._asked["runtime"] = runtime
        self._switch_runtime.emit(runtime)

    def set_precision(self, precision: str) -> None:
        """Use ``precision`` (fp32 or int8) from now on: the loaded models are loaded again."""
        self._asked["precision"] = precision
        self._switch_precision.emit(precision)

    @property
    def chosen_runtime(self) -> str | None:
        """The runtime last asked for, at once (``runtime`` changes on the worker's thread when
        it gets there): what work started on the GUI thread now should run on."""
        return self._asked.get("runtime", self.runtime)

    @property
    def chosen_precision(self) -> str | None:
        """The precision last asked for, at once (see :attr:`chosen_runtime`)."""
        return self._asked.get("precision", self.precision)

    # --- runs on the worker thread --------------------------------------------------------
    @Slot(str)
    def _set_runtime(self, runtime: str) -> None:
        if runtime == self.runtime:
            return
        self.runtime = runtime
        self._reload()

    @Slot(str)
    def _set_precision(self, precision: str) -> None:
        if precision == self.precision:
            return
        self.precision = precision
        self._reload()

    def _reload(self) -> None:
        for kind in list(self._models):
            self._models.pop(kind)
            self._load_model(kind, self._paths.get(kind))

    @Slot(str, object)
    def _load_model(self, kind: str, path: Any) -> None:
        self.loading.emit(kind, f"Loading {MODEL_NAMES.get(kind, kind)}…")
        started = time.perf_counter()
        try:
            model = self._factories[kind](path)
        except Exception as exc:
            log.info("loading %s failed: %s", kind, exc)
            self.modelUnavailable.emit(kind, first_line(exc, 300))
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
                ready = [s for s, r in self._pending.items() if r.kind in self._models]
                if not ready:
                    return
                request = self._pending.pop(ready[0])
            self._serve(request)

    def _serve(self, request: Request) -> None:
        try:
            result = request.serve(self._models[request.kind])
        except Exception as exc:
            log.warning("request %s failed: %s", request.id, exc, exc_info=True)
            self.failed.emit(request.id, first_line(exc, 300))
        else:
            self.finished.emit(request.id, result)


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
        self,
        factories: dict[str, Factory] | None = None,
        runtime: str | None = None,
        precision: str | None = None,
    ) -> None:
        self.thread = _PythonEventLoopThread()
        self.thread.setObjectName("inference")
        self.worker = InferenceWorker(factories, runtime, precision)
        self.worker.moveToThread(self.thread)
        self.thread.start()

    def stop(self, timeout_ms: int = 30000) -> bool:
        self.thread.quit()
        return self.thread.wait(timeout_ms)
