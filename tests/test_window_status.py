"""What the status bar says about the workspace in front (issue 24, items 3 and 14)."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from inception_desktop.gui.shell.settings import Settings


def test_many_photos_says_which_model_serves_it(qtbot, make_window, tmp_path):
    """Made after Inception v3 loaded, Many Photos named no model ("not loaded  starting…")
    for the whole session, and again after a relaunch with it in front."""
    ini = str(tmp_path / "s.ini")
    win = make_window(settings=Settings(QSettings(ini, QSettings.Format.IniFormat)))
    QTest.keyClick(win, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert win.tabs.currentWidget() is win.batch
    assert win.status.model.text() == "Model: Fake Inception"
    assert win.status.device.text() == "FakeDevice"
    win.close()
    again = make_window(settings=Settings(QSettings(ini, QSettings.Format.IniFormat)))
    assert again.tabs.currentWidget() is again.batch
    qtbot.waitUntil(lambda: again.status.model.text() == "Model: Fake Inception", timeout=10000)
    assert again.status.device.text() == "FakeDevice"
