"""A short soak of the real window: a binding that over-releases ``None`` (PySide6 6.12.0 on
CPython 3.11) shows as negative drift here long before it aborts the app, and a window that holds
on to photos shows as growing memory. The long run, with timings, is ``benchmarks/soak.py``."""

from __future__ import annotations

import pytest

from benchmarks import soak

DIGITS, DRAGS, PHOTOS = 100, 50, 20


@pytest.mark.slow
def test_the_window_survives_a_soak_without_none_drift_or_growth(qtbot, window, tmp_path):
    photos = soak.make_jpegs(tmp_path / "photos", PHOTOS + soak.WARMUP)
    phases = {p.name: p for p in soak.soak(window, DIGITS, DRAGS, photos)}
    digits = phases["digits drawn and cleared"]
    drags = phases["crop boxes dragged"]
    opened = phases["photos opened and removed"]
    assert (digits.count, drags.count, opened.count) == (DIGITS, DRAGS, PHOTOS)
    # Steady state: drawing and dragging leave None's count where it was (a few references of
    # slack for caches that settle late; 6.12.0 loses at least one per void call, dozens per
    # interaction).
    for p in (digits, drags):
        assert abs(p.none_drift) <= p.count // 20, (p.name, p.refs_before, p.refs_after)
    # Opening photos may only ever add references to None: PySide6 6.11 leaks one for each
    # Python-made object that C++ deletes (a strip item), which never frees None; it must
    # never take any away.
    assert opened.none_drift >= 0, (opened.refs_before, opened.refs_after)
    for p in (digits, drags, opened):
        assert p.rss_growth < 0.10, (p.name, p.rss_before, p.rss_after)
    assert window.photo.photo_count() == 0 and window.photo.decoded_count() == 0
