"""The window as a whole: settings that persist, missing weights, a clean shutdown, and the real
Inception v3 path end to end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QSettings, Qt

from inception_desktop.core import weights
from inception_desktop.core.download import file_digest
from inception_desktop.gui.main_window import MainWindow
from inception_desktop.gui.settings import Settings
from tests.fakes import FakeClassifier
from tests.test_photo_workspace import _photo, drop, files_mime


def _factories(photo_model=None):
    photo = photo_model or FakeClassifier("Fake Inception", (299, 299, 3), 1000)
    digit = FakeClassifier("Fake MNIST", (28, 28), 10)
    return {"photo": lambda path: photo, "digit": lambda path: digit}


def _started(qtbot, settings) -> MainWindow:
    """A window with fake models, shown and started as the app starts it."""
    win = MainWindow(settings, _factories())
    qtbot.addWidget(win)
    win.show()
    win.start_models()
    return win


def test_settings_persist_across_runs(qtbot, tmp_path):
    ini = str(tmp_path / "s.ini")
    first = MainWindow(Settings(QSettings(ini, QSettings.Format.IniFormat)), _factories())
    qtbot.addWidget(first)
    first.show()
    first.resize(first.width(), 520)
    first.photo.set_mode("crop")
    first.photo.set_pad_color("#ff0000")
    first.digit.pen.setValue(13)
    first.tabs.setCurrentIndex(1)
    first.settings.add_recent("/photos/cat.jpg")
    first.close()
    second = MainWindow(Settings(QSettings(ini, QSettings.Format.IniFormat)), _factories())
    qtbot.addWidget(second)
    assert second.photo.framing.mode == "crop"
    assert second.photo.framing.pad_color == (255, 0, 0)
    assert second.digit.canvas.pen_width == 13
    assert second.tabs.currentIndex() == 1
    assert second.size().height() == 520  # (the offscreen screen clamps widths to 800)
    assert [a.text() for a in second.recent_menu.actions()] == ["/photos/cat.jpg"]
    second.close()


def test_closing_stops_the_worker_thread(qtbot, settings):
    win = _started(qtbot, settings)
    qtbot.waitUntil(lambda: "digit" in win._names, timeout=5000)
    thread = win.worker_thread.thread
    assert thread.isRunning()
    win.close()
    assert thread.isFinished()


def test_missing_weights_offer_download_which_then_loads(
    qtbot, settings, http_server, inception_weights, monkeypatch
):
    http_server.files[weights.FILE_NAME] = inception_weights.read_bytes()
    monkeypatch.setenv(weights.URL_ENV, http_server.url(f"slow/{weights.FILE_NAME}"))
    monkeypatch.setenv(weights.MD5_ENV, file_digest(inception_weights))
    win = _started(qtbot, settings)
    panel = win.photo.weights_panel
    assert panel.isVisible() and "92 MB" in panel.download_button.text()
    qtbot.mouseClick(panel.download_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.progress.value() > 0, timeout=10000)
    assert panel.cancel_button.isVisible() and "Downloading" in panel.status.text()
    qtbot.waitUntil(lambda: "photo" in win._names, timeout=60000)
    assert not panel.isVisible()
    assert weights.status().present
    win.close()


@pytest.mark.fresh_conversion  # nothing but what the download writes may be there
def test_cancel_download_keeps_nothing(
    qtbot, settings, http_server, inception_weights, monkeypatch
):
    http_server.files[weights.FILE_NAME] = inception_weights.read_bytes()
    monkeypatch.setenv(weights.URL_ENV, http_server.url(f"slow/{weights.FILE_NAME}"))
    win = _started(qtbot, settings)
    panel = win.photo.weights_panel
    panel.start_download()
    qtbot.waitUntil(lambda: panel.progress.value() > 0, timeout=10000)
    panel.cancel_button.click()
    qtbot.waitUntil(lambda: not panel.busy(), timeout=10000)
    assert "cancelled" in panel.status.text()
    assert panel.download_button.isEnabled()
    assert not weights.status().present
    folder = weights.weights_path().parent
    assert not folder.exists() or list(folder.iterdir()) == []
    win.close()


@pytest.mark.slow
def test_drop_with_the_real_inception_model(
    qtbot, settings, inception_weights, converted_inception, tmp_path: Path, monkeypatch
):
    """End to end: the test weights imported, loaded by the worker through the real path (LiteRT,
    the default on a CPU), a real drop, the exact 299x299 input and ten bars shown."""
    monkeypatch.setenv(weights.MD5_ENV, file_digest(inception_weights))
    weights.import_file(inception_weights)  # no TensorFlow on this thread: only the worker's
    win = MainWindow(settings, runtime="litert")
    qtbot.addWidget(win)
    win.show()
    win.start_models()
    qtbot.waitUntil(lambda: "photo" in win._names, timeout=120000)
    photo = _photo(tmp_path / "parrot.png", (500, 300))
    drop(win, files_mime(photo))
    qtbot.waitUntil(lambda: win.photo.result is not None, timeout=60000)
    result = win.photo.result
    assert result.prediction.model == "Inception v3"
    assert win.photo.input_view.array().shape == (299, 299, 3)
    from inception_desktop.core.framing import Framing, frame
    from inception_desktop.core.runtime import cpu_threads

    expected = frame(Image.open(photo).convert("RGB"), 299, Framing("pad")).array
    np.testing.assert_array_equal(win.photo.input_view.array(), expected)
    assert len(win.photo.bars.rows()) == 10
    assert win.status.model.text() == "Model: Inception v3"
    threads = cpu_threads()
    assert win.status.device.text() == f"CPU · LiteRT · {threads} thread{'s' * (threads > 1)}"
    win.close()


def test_the_status_bar_says_when_weights_are_missing(qtbot, settings):
    win = _started(qtbot, settings)
    assert win.status.model.text() == "Model: Inception v3 (weights missing)"
    assert "photo" not in win._names
    win.close()
