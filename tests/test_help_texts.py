"""Help's windows tell the whole truth (issue 24, item 10): every key, every file, every
workspace."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox


def _box(title: str) -> QMessageBox:
    boxes = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and w.isVisible() and w.windowTitle() == title
    ]
    assert boxes, f"no {title!r} window"
    return boxes[-1]


def _help_action(window, text: str):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    return next(a for a in menu.actions() if a.text().replace("&", "") == text)


def test_f1_lists_the_pen_keys(qtbot, window):
    QTest.keyClick(window, Qt.Key.Key_F1)
    text = _box("Keyboard shortcuts").text()
    assert "<b>[ and ]</b>" in text and "thicker pen" in text
    assert "Close the Feature maps window" in text


def test_where_files_live_names_the_history_and_the_features_cache(
    qtbot, window, isolated_cache, tmp_path
):
    _help_action(window, "Where Files Live").trigger()
    text = _box("Where files live").text()
    assert str(tmp_path / "data" / "history.sqlite3") in text and "INCEPTION_DESKTOP_DATA" in text
    assert str(isolated_cache / "features") in text


def test_about_names_every_workspace(qtbot, window):
    _help_action(window, "About Inception Desktop").trigger()
    text = _box("About Inception Desktop").text()
    for what in ("photos", "Many Photos", "digits", "retrain", "history"):
        assert what in text
