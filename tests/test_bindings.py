"""The Qt binding must not over-release None (PySide6 6.12.0 on CPython 3.11 does and aborts)."""

from __future__ import annotations

import ctypes
import sys

import pytest

from inception_desktop.gui.runtime import bindings


def test_void_qt_calls_keep_none_refcount(qapp):
    """10,000 calls of void methods the window makes all the time leave None's count as it was."""
    from PySide6.QtWidgets import QLabel, QWidget

    widget, label = QWidget(), QLabel()
    calls = (widget.update, lambda: label.setText("7"), qapp.processEvents, label.clear)
    for call in calls:
        call()
        before = sys.getrefcount(None)
        for _ in range(10_000):
            call()
        drift = sys.getrefcount(None) - before
        # The defect loses 10,000 here; a stray reference held elsewhere may move it by one or two.
        assert abs(drift) <= 5, f"{call} changed None's reference count by {drift}"


def test_probe_measures_a_real_over_release():
    """The start-up probe reports a binding that drops a reference to None on every call."""
    decref = ctypes.pythonapi.Py_DecRef
    decref.argtypes = [ctypes.py_object]
    incref = ctypes.pythonapi.Py_IncRef
    incref.argtypes = [ctypes.py_object]
    count = 0

    def leaky() -> None:
        nonlocal count
        count += 1
        decref(None)

    try:
        drift = bindings.none_drift([leaky], repeat=200)
    finally:
        for _ in range(count):
            incref(None)  # give back every reference taken away
    if sys.version_info >= (3, 12):
        assert drift == 0.0  # immortal None: the count does not move
    else:
        assert drift == pytest.approx(-1.0)


def test_probe_of_the_loaded_binding_is_clean(qapp):
    assert bindings.probe_loaded_binding() == 0.0
    assert bindings.binding_problem() is None


@pytest.mark.parametrize(
    ("pyside", "python", "refused"),
    [
        ("6.12.0", (3, 11), True),
        ("6.12.0", (3, 12), False),
        ("6.11.3", (3, 11), False),
        ("6.12.1", (3, 11), False),
        (None, (3, 11), False),
    ],
)
def test_known_bad_combinations(pyside, python, refused):
    reason = bindings.known_bad_reason(pyside, python)
    assert (reason is not None) == refused
    if refused:
        assert "6.11.3" in reason and "pip install" in reason
