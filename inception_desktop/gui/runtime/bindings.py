"""Refusing a Qt binding that is known to crash the app, before the window opens.

PySide6 6.12.0 on CPython 3.11 releases one reference to ``None`` that it never took on every call
of a void Qt method (``QWidget.update()``, ``QLabel.setText()``, ``processEvents()``…): measured
−1.0 per call with ``sys.getrefcount(None)``; 6.8.3, 6.9.3, 6.10.3 and 6.11.3 measure 0. The real
window makes ~500 such calls per digit drawn, so ``None``'s count reaches zero after a few hundred
digits and the interpreter aborts (``Fatal Python error: none_dealloc``). From Python 3.12 ``None``
is immortal and the same defect is harmless.

Two checks, as qutebrowser's ``checkpyver`` does for its own hazards: a list of known-bad releases
(answered from package metadata, without importing Qt), and a probe that measures the drift on the
binding actually loaded, so an unknown bad release is caught too.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable

#: (PySide6 version, first Python version where the defect is harmless).
KNOWN_BAD: dict[tuple[int, ...], tuple[int, int]] = {(6, 12, 0): (3, 12)}
#: What to install instead (kept in step with pyproject.toml).
ADVICE = (
    "pip install 'pyside6-essentials>=6.8.3,!=6.12.0' (6.11.3 is verified), or use Python 3.12+"
)
PROBE_CALLS = 2000


def _parse(version: str) -> tuple[int, ...]:
    parts: list[int] = []
    for piece in version.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def installed_pyside_version() -> str | None:
    """The installed PySide6 version from package metadata (no Qt import), or None."""
    from importlib import metadata  # ~20 ms: only when the check runs, not at every import

    for dist in ("PySide6-Essentials", "PySide6"):
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return None


def known_bad_reason(
    pyside_version: str | None, python: tuple[int, ...] = tuple(sys.version_info[:2])
) -> str | None:
    """Why this PySide6/Python pair is refused, or None when it is not on the known-bad list."""
    if pyside_version is None:
        return None
    fixed_in = KNOWN_BAD.get(_parse(pyside_version)[:3])
    if fixed_in is None or tuple(python[:2]) >= fixed_in:
        return None
    py = ".".join(map(str, python[:2]))
    return (
        f"PySide6 {pyside_version} on Python {py} is known to crash this app: it over-releases "
        f"None on every void Qt call and aborts after a few hundred interactions. {ADVICE}."
    )


def none_drift(calls: Iterable[Callable[[], object]], repeat: int = PROBE_CALLS) -> float:
    """References to ``None`` lost per call (0.0 on a sound binding; −1.0 on PySide6 6.12.0/3.11).

    Each callable is called once first (so caches and lazy wrappers settle), then ``repeat``
    times; the result is the mean change of ``sys.getrefcount(None)`` per call, worst callable.
    """
    worst = 0.0
    for call in calls:
        call()
        before = sys.getrefcount(None)
        for _ in range(repeat):
            call()
        drift = (sys.getrefcount(None) - before) / repeat
        worst = min(worst, drift)
    return worst


def probe_loaded_binding(repeat: int = PROBE_CALLS) -> float:
    """Measure :func:`none_drift` on void methods of the PySide6 that is imported (a few ms)."""
    from PySide6.QtCore import QObject, QTimer

    obj = QObject()
    timer = QTimer()
    return none_drift((lambda: obj.setObjectName("probe"), timer.stop), repeat)


def binding_problem() -> str | None:
    """A message for a person when the Qt binding would crash the app, else None."""
    reason = known_bad_reason(installed_pyside_version())
    if reason is not None:
        return reason
    if sys.version_info >= (3, 12):
        return None  # None is immortal: a drift cannot kill the process
    drift = probe_loaded_binding()
    if drift < -0.5:
        import PySide6

        return (
            f"PySide6 {PySide6.__version__} loses {-drift:.1f} references to None per Qt call on "
            f"Python {sys.version_info[0]}.{sys.version_info[1]}; the app would abort after a "
            f"while. {ADVICE}."
        )
    return None
