"""Python's cyclic garbage collector, run on the GUI thread only.

Automatic collection runs in whichever thread happens to allocate. When that is the inference
thread, it can free the last reference to a widget's Python wrapper and so delete a QWidget off the
GUI thread: a segfault (seen in the test suite while the worker loaded a model). The usual cure in
PyQt/PySide applications: switch automatic collection off and collect from a timer on the GUI
thread, generation by generation, with the interpreter's own thresholds.

Re-tested with a good binding (PySide6 6.11.3, CPython 3.11.7), since the first crash was seen
when a PySide6 that over-releases ``None`` could have been the cause: the GUI thread made and
dropped widgets in reference cycles while the worker (a ``run()``-from-Python QThread, as the app)
loaded the MNIST model and Inception v3 and classified in a loop, for 45 s. With automatic
collection 3 runs of 6 segfaulted ("Garbage-collecting"), and each run that survived finalised
1,305-1,611 of ~11,000 widgets on the worker thread; with this collector 5 runs of 5 survived and
no widget was finalised off the GUI thread. Still needed.

A full collection scans every object the process holds, on the GUI thread: 23 ms for the idle
window's ~45,000 objects (a frame and a half, measured), enough to push a batch's worst GUI stall
past 50 ms when it lands on a chunk of rows. So, once the window has started, the collector
collects once and then freezes the survivors (``gc.freeze``: modules, classes, the window's widgets,
objects that live as long as the app), and later full collections scan only what was made since:
<0.1 ms. TensorFlow's import is frozen the same way where it happens
(:func:`inception_desktop.core.quiet.import_tensorflow`): its ~420,000 objects made every full
collection cost 175 ms.
"""

from __future__ import annotations

import gc
import logging

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

INTERVAL_MS = 500
#: How long after start-up the survivors are frozen: the window shown and its models asked for.
FREEZE_AFTER_MS = 2000


class GarbageCollector(QObject):
    def __init__(
        self, parent: QObject | None = None, freeze_after_ms: int | None = FREEZE_AFTER_MS
    ) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start(INTERVAL_MS)
        if freeze_after_ms is not None:
            QTimer.singleShot(freeze_after_ms, self, self.freeze)

    def freeze(self) -> None:
        """Collect everything now, then keep the survivors out of every later collection."""
        gc.collect()
        gc.freeze()

    def check(self) -> int:
        """Collect the generations whose counts passed their thresholds; returns objects freed."""
        c0, c1, c2 = gc.get_count()
        if c0 <= self.threshold[0]:
            return 0
        generation = 0
        if c1 > self.threshold[1]:
            generation = 1
            if c2 > self.threshold[2]:
                generation = 2
        return gc.collect(generation)

    def stop(self) -> None:
        self._timer.stop()
        if self._was_enabled:
            gc.enable()
