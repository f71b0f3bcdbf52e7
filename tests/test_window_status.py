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


def _retrained_file(path, mode: str):
    """A file whose model card says it was trained on ``mode`` framing (the fake factory
    serves it; the window reads the card)."""
    import json
    import zipfile

    from inception_desktop.core.models.mnist_file import METADATA_MEMBER

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(METADATA_MEMBER, json.dumps({"framing": {"mode": mode}}))
    return path


def test_a_model_restored_at_start_keeps_the_framing_the_person_left(
    qtbot, make_window, fakes, monkeypatch, tmp_path
):
    """Chosen now, a retrained model sets its framing and says so; restored at the next start,
    it leaves the framing the person chose afterwards (Crop), in the window and the settings."""
    from inception_desktop.gui.shell import model_memory

    monkeypatch.setattr(model_memory, "weights_installed", lambda: True)
    ini = str(tmp_path / "s.ini")
    model = _retrained_file(tmp_path / "pets.keras", "pad")
    factories = {"photo": lambda path: fakes["photo"], "digit": lambda path: fakes["digit"]}
    win = make_window(factories, settings=Settings(QSettings(ini, QSettings.Format.IniFormat)))
    win.photo.set_mode("crop")
    win.menus.photo_model_menu.use(str(model))
    qtbot.waitUntil(lambda: win.photo.mode == "pad", timeout=10000)
    assert "Framing set to Pad" in win.status.currentMessage()
    win.photo.set_mode("crop")  # the person's choice, after the model's
    win.close()
    again = make_window(
        factories, settings=Settings(QSettings(ini, QSettings.Format.IniFormat)), installed=False
    )
    qtbot.waitUntil(
        lambda: again.menus.photo_model_menu.checked_path() == str(model), timeout=10000
    )
    assert again.photo.mode == "crop" and again.settings.framing == "crop"
    assert again.menus.framing_group.checkedAction().data() == "crop"


def test_the_empty_photo_workspace_offers_only_what_works(qtbot, make_window, tmp_path):
    """No photo: nothing that needs one is enabled, one placeholder says what to do, and
    without weights the status bar does not say 'starting…' for ever."""
    from tests.test_photo_workspace import _photo, drop, files_mime, shown

    win = make_window(installed=False, ready=False)
    ws = win.photo
    qtbot.waitUntil(lambda: ws.weights_panel.isVisible(), timeout=5000)
    needs_a_photo = (
        ws.copy_input_button,
        ws.copy_scores_button,
        ws.sweep_button,
        ws.framing_bar.compare_button,
        ws.explain_controls.toggle,
        ws.explain_controls.opacity,
    )
    assert not any(w.isEnabled() for w in needs_a_photo)
    assert ws.bars.placeholder() == "" and "Drop photos here" in ws.view.placeholder()
    assert win.status.device.text() == "" and "starting" not in win.status.device.text()
    win.worker.load("photo")
    drop(win, files_mime(_photo(tmp_path / "a.png")))
    qtbot.waitUntil(lambda: shown(win), timeout=10000)
    assert all(w.isEnabled() for w in needs_a_photo[:5])
    ws.strip.setFocus()
    ws.remove_photo(0)
    assert not any(w.isEnabled() for w in needs_a_photo)
