"""The window as a whole: settings that persist, missing weights, a clean shutdown, and the real
Inception v3 path end to end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QSettings, Qt

from inception_desktop.core.store import weights
from inception_desktop.core.store.download import file_digest
from inception_desktop.gui.photo.scores import NO_PHOTO, NO_WEIGHTS
from inception_desktop.gui.shell.settings import Settings
from tests.fakes import FakeClassifier
from tests.test_photo_workspace import _photo, drop, files_mime, showing


def test_settings_persist_across_runs(qtbot, make_window, tmp_path):
    ini = str(tmp_path / "s.ini")
    first = make_window(settings=Settings(QSettings(ini, QSettings.Format.IniFormat)))
    first.resize(first.width(), 520)
    first.photo.set_mode("crop")
    first.photo.set_pad_color("#ff0000")
    first.digit.pen.setValue(13)
    first.tabs.setCurrentIndex(1)
    first.settings.add_recent("/photos/cat.jpg")
    first.close()
    second = make_window(settings=Settings(QSettings(ini, QSettings.Format.IniFormat)), ready=False)
    assert second.photo.framing_bar.mode_buttons["crop"].isChecked()
    assert second.photo.pad_color_name() == "#ff0000"
    assert second.digit.pen.value() == 13
    assert second.tabs.currentIndex() == 1
    assert second.size().height() == 520  # (the offscreen screen clamps widths to 800)
    recent = [a.data() for a in second.menus.recent_menu.actions() if a.data()]
    assert recent == ["/photos/cat.jpg"]
    assert second.menus.framing_group.checkedAction().data() == "crop"


def test_closing_stops_the_worker_thread(qtbot, window):
    thread = window.worker_thread.thread
    assert thread.isRunning()
    window.close()
    assert thread.isFinished()


def test_the_status_bar_shows_the_current_workspaces_model(qtbot, window, tmp_path):
    """Model, device and inference time are the workspace's in front, not the last answer's."""
    status = window.status
    assert status.model.text() == "Model: Fake Inception" and status.timing.text() == ""
    drop(window, files_mime(_photo(tmp_path / "a.png")))
    qtbot.waitUntil(lambda: status.timing.text() == "Inference: 1.5 ms", timeout=5000)
    window.tabs.setCurrentIndex(1)
    assert status.model.text() == "Model: Fake MNIST" and status.timing.text() == ""
    assert status.device.text() == "FakeDevice"
    window.tabs.setCurrentIndex(0)
    assert status.model.text() == "Model: Fake Inception"
    assert status.timing.text() == "Inference: 1.5 ms"


def test_missing_weights_offer_download_which_then_loads(
    qtbot, make_window, http_server, inception_weights, monkeypatch, tmp_path
):
    """The downloaded file is the one the window then classifies with: the real Inception v3
    on LiteRT (the session's conversion of these weights is in the cache, found by their md5)."""
    from inception_desktop.gui.runtime.worker import default_factories

    http_server.files[weights.FILE_NAME] = inception_weights.read_bytes()
    monkeypatch.setenv(weights.URL_ENV, http_server.url(f"slow/{weights.FILE_NAME}"))
    monkeypatch.setenv(weights.MD5_ENV, file_digest(inception_weights))
    digit = FakeClassifier("Fake MNIST", (28, 28), 10)
    factories = {"photo": default_factories()["photo"], "digit": lambda path: digit}
    win = make_window(factories, runtime="litert", installed=False, ready=False)
    panel = win.photo.weights_panel
    assert panel.isVisible() and "96.1 MB" in panel.download_button.text()
    assert win.status.model.text() == "Model: Inception v3 (weights missing)"
    qtbot.mouseClick(panel.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.progress.value() > 0, timeout=10000)
    assert panel.cancel_button.isVisible() and "Downloading" in panel.status.text()
    qtbot.waitUntil(lambda: win.status.model.text() == "Model: Inception v3", timeout=120000)
    assert not panel.isVisible()
    assert weights.status().present
    photo = _photo(tmp_path / "parrot.png", (500, 300))
    drop(win, files_mime(photo))
    qtbot.waitUntil(lambda: showing(win, photo) and len(win.photo.bars.rows()) == 10, timeout=60000)
    assert "LiteRT" in win.status.device.text()


@pytest.mark.fresh_conversion  # nothing but what the download writes may be there
def test_cancel_download_keeps_nothing(
    qtbot, make_window, http_server, inception_weights, monkeypatch
):
    http_server.files[weights.FILE_NAME] = inception_weights.read_bytes()
    monkeypatch.setenv(weights.URL_ENV, http_server.url(f"slow/{weights.FILE_NAME}"))
    win = make_window(installed=False, ready=False)
    panel = win.photo.weights_panel
    panel.start_download()
    qtbot.waitUntil(lambda: panel.progress.value() > 0, timeout=10000)
    panel.cancel_button.click()
    qtbot.waitUntil(lambda: panel.download_button.isEnabled(), timeout=10000)
    assert "cancelled" in panel.status.text()
    assert not panel.cancel_button.isVisible() and not panel.progress.isVisible()
    assert not weights.status().present
    folder = weights.weights_path().parent
    assert not folder.exists() or list(folder.iterdir()) == []


@pytest.mark.slow
def test_drop_with_the_real_inception_model(
    qtbot, make_window, inception_weights, converted_inception, tmp_path: Path, monkeypatch
):
    """End to end: the test weights imported, loaded by the worker through the real path (LiteRT,
    the default on a CPU), a real drop, the exact 299x299 input and ten bars shown."""
    from inception_desktop.core.models.runtime import cpu_threads

    monkeypatch.setenv(weights.MD5_ENV, file_digest(inception_weights))
    weights.import_file(inception_weights)  # no TensorFlow on this thread: only the worker's
    real = {}  # no factories: the real models
    win = make_window(factories=real, runtime="litert", installed=False, ready=False)
    qtbot.waitUntil(lambda: win.status.model.text() == "Model: Inception v3", timeout=120000)
    photo = _photo(tmp_path / "parrot.png", (500, 300))
    drop(win, files_mime(photo))
    qtbot.waitUntil(lambda: len(win.photo.bars.rows()) == 10, timeout=60000)
    from inception_desktop.core.photo.framing import Framing, frame

    expected = frame(Image.open(photo).convert("RGB"), 299, Framing("pad")).array
    np.testing.assert_array_equal(win.photo.input_view.array(), expected)
    threads = cpu_threads()
    plural = "s" * (threads > 1)
    assert win.status.device.text() == f"CPU · LiteRT · float32 · {threads} thread{plural}"
    # View › Precision › Int8: the model is loaded again as its int8 twin, and says so.
    float_scores = [row[1] for row in win.photo.bars.rows()]
    (int8,) = [a for a in win.menus.precision_group.actions() if a.data() == "int8"]
    int8.trigger()
    qtbot.waitUntil(lambda: " int8 " in win.status.device.text(), timeout=60000)
    assert win.settings.precision == "int8"
    drop(win, files_mime(_photo(tmp_path / "again.png", (500, 300))))
    qtbot.waitUntil(
        lambda: [row[1] for row in win.photo.bars.rows()] not in ([], float_scores),
        timeout=60000,
    )


def test_the_status_bar_says_when_weights_are_missing(qtbot, make_window, tmp_path):
    win = make_window(installed=False, ready=False)
    assert win.status.model.text() == "Model: Inception v3 (weights missing)"
    assert win.photo.weights_panel.isVisible()
    assert win.photo.bars.placeholder() == NO_PHOTO
    drop(win, files_mime(_photo(tmp_path / "a.png")))
    qtbot.waitUntil(lambda: win.photo.bars.placeholder() == NO_WEIGHTS, timeout=5000)
    # framing needs no model: the network input is there already
    qtbot.waitUntil(lambda: win.photo.input_view.array() is not None, timeout=5000)


def test_the_first_window_fits_a_small_screen():
    """Without saved geometry the window opens at 1200x720, or smaller where the screen is."""
    from PySide6.QtCore import QSize

    from inception_desktop.gui.shell.main_window import first_size

    assert first_size(QSize(1920, 1080)) == QSize(1200, 720)
    assert first_size(QSize(1024, 700)) == QSize(972, 665)


def test_every_workspace_fits_a_window_narrower_than_800_px(qtbot, window):
    """A workspace's widest row sets the window's least width (it was 856 px, and the Retrain
    workspace's augmentation boxes beside its buttons made ~970): each one, shown, fits."""
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        qtbot.waitUntil(lambda i=index: window.tabs.currentIndex() == i, timeout=2000)
        workspace = window.tabs.currentWidget()
        assert workspace.minimumSizeHint().width() < 800, window.tabs.tabText(index)
        assert window.minimumSizeHint().width() <= 800, window.tabs.tabText(index)
