"""Python's cyclic garbage collector, run on the GUI thread only.

Automatic collection runs in whichever thread happens to allocate. When that is the inference
thread, it can free the last reference to a widget's Python wrapper and so delete a QWidget off the
GUI thread: a segfault (seen in the test suite while the worker loaded a model). The usual cure in
PyQt/PySide applications: switch automatic collection off and collect from a timer on the GUI
thread, generation by generation, with the interpreter's own thresholds.
"""

from __future__ import annotations

import gc
import logging

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

INTERVAL_MS = 500


class GarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start(INTERVAL_MS)

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
