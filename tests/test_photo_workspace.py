"""The Photo workspace driven the way a person drives it: drops, pastes, drags, buttons."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage

from tests.gui_helpers import drag


def _photo(path: Path, size=(400, 300)) -> Path:
    rng = np.random.default_rng(len(path.name))
    array = rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
    array[: size[1] // 2] //= 4  # a dark top half: framing changes what the network sees
    Image.fromarray(array).save(path)
    return path


def drop(window, mime: QMimeData) -> None:
    """Deliver a real drag-enter and drop to the window's event handler, as a file manager or a
    browser would. (QApplication.sendEvent drops synthetic drops when no platform drag runs, so
    the events go to ``QWidget.event`` directly.)"""
    args = (
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter = QDragEnterEvent(QPoint(50, 50), *args)  # a QPoint before PySide6 6.12
    window.event(enter)
    assert enter.isAccepted(), "the window refused the drag"
    assert window.event(QDropEvent(QPointF(50, 50), *args))


def files_mime(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


@pytest.fixture
def clipboard(qapp):
    """The clipboard, emptied afterwards: it owns the QMimeData we put there, and Qt would free
    that Python-made object at exit, after Python is gone (a segfault at interpreter exit)."""
    board = QGuiApplication.clipboard()
    yield board
    board.clear()
    qapp.processEvents()


def shown(window) -> bool:
    return window.photo.result is not None


def test_drop_files_shows_photo_input_and_ten_bars(qtbot, window, tmp_path):
    a, b = _photo(tmp_path / "a.png"), _photo(tmp_path / "b.jpg", (200, 500))
    drop(window, files_mime(a, b))
    qtbot.waitUntil(lambda: len(window.photo.photos) == 2, timeout=5000)
    qtbot.waitUntil(lambda: shown(window), timeout=5000)
    ws = window.photo
    assert ws.input_view.array().shape == (299, 299, 3)
    assert len(ws.bars.rows()) == 10
    assert ws.strip.isVisible() and ws.strip.count() == 2
    qtbot.waitUntil(lambda: "…" not in ws.strip.caption(0) + ws.strip.caption(1), timeout=5000)
    assert "Inference" in window.status.timing.text()
    assert window.status.model.text() == "Model: Fake Inception"
    assert "FakeDevice" in window.status.device.text()
    assert window.settings.recent_files()[:2] == [str(b), str(a)]


def test_clicking_a_thumbnail_shows_that_photo(qtbot, window, tmp_path):
    drop(window, files_mime(_photo(tmp_path / "a.png"), _photo(tmp_path / "b.png", (100, 300))))
    qtbot.waitUntil(lambda: len(window.photo.photos) == 2, timeout=5000)
    ws = window.photo
    first = ws.current
    other = 1 - first
    rect = ws.strip.visualItemRect(ws.strip.item(other))
    qtbot.mouseClick(ws.strip.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert ws.current == other
    qtbot.waitUntil(
        lambda: ws.result is not None and ws.result.request_id == ws._last_id, timeout=5000
    )


def test_framing_buttons_change_the_network_input(qtbot, window, tmp_path):
    drop(window, files_mime(_photo(tmp_path / "wide.png", (600, 200))))
    qtbot.waitUntil(lambda: shown(window), timeout=5000)
    ws = window.photo
    inputs = {}
    for mode in ("squash", "crop", "pad"):
        qtbot.mouseClick(ws.mode_buttons[mode], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda m=mode: ws.result.framed.framing.mode == m, timeout=5000)
        inputs[mode] = ws.input_view.array().copy()
    assert not np.array_equal(inputs["squash"], inputs["crop"])
    assert (inputs["pad"][5, 150] == (128, 128, 128)).all()  # grey padding above a wide photo
    assert window.settings.framing == "pad"


def test_dragging_and_resizing_the_crop_rectangle_reclassifies(qtbot, window, tmp_path):
    drop(window, files_mime(_photo(tmp_path / "p.png", (400, 300))))
    qtbot.waitUntil(lambda: shown(window), timeout=5000)
    ws = window.photo
    view = ws.view
    r = view.image_rect()
    before = ws.input_view.array().copy()
    # Draw a rectangle over the top-left quarter of the photo.
    x0, y0 = r.x() + 5, r.y() + 5
    x1, y1 = r.x() + r.width() / 2, r.y() + r.height() / 2
    drag(view, [(x0, y0), ((x0 + x1) / 2, (y0 + y1) / 2), (x1, y1)])
    box = view.box()
    assert box is not None and box.w > 150 and box.h > 100
    qtbot.waitUntil(lambda: ws.result.framed.framing.box == box, timeout=5000)
    drawn = ws.input_view.array().copy()
    assert not np.array_equal(before, drawn)
    # Resize from its bottom-right corner, down to the photo's bottom-right.
    corner = view.to_widget(view._box).bottomRight()
    drag(view, [(corner.x(), corner.y()), (r.right() - 3, r.bottom() - 3)])
    resized = view.box()
    assert resized.w > box.w and resized.h > box.h and resized.x == box.x
    qtbot.waitUntil(lambda: ws.result.framed.framing.box == resized, timeout=5000)
    assert not np.array_equal(drawn, ws.input_view.array())
    # Esc removes the rectangle and the whole photo is classified again.
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert view.box() is None
    qtbot.waitUntil(lambda: ws.result.framed.framing.box is None, timeout=5000)


def test_paste_an_image_from_the_clipboard(qtbot, window, clipboard):
    image = QImage(120, 80, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.red)
    mime = QMimeData()
    mime.setImageData(image)
    clipboard.setMimeData(mime)
    window.paste()
    qtbot.waitUntil(lambda: shown(window), timeout=5000)
    photo = window.photo.current_photo()
    assert photo.loaded.source == "clipboard" and photo.loaded.size == (120, 80)
    assert photo.loaded.image.getpixel((5, 5)) == (255, 0, 0)


def test_paste_a_file_copied_in_a_file_manager(qtbot, window, tmp_path, clipboard):
    clipboard.setMimeData(files_mime(_photo(tmp_path / "copied.png")))
    qtbot.keyClick(window, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: shown(window), timeout=5000)
    assert window.photo.current_photo().loaded.source.endswith("copied.png")


def test_bad_inputs_end_in_a_message_and_the_app_keeps_working(qtbot, window, tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    empty = tmp_path / "empty_folder"
    empty.mkdir()
    drop(window, files_mime(broken))
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=5000)
    assert "broken.jpg" in window.banner.text()
    drop(window, files_mime(empty))
    qtbot.waitUntil(lambda: "no images in this folder" in window.banner.text(), timeout=5000)
    drop(window, files_mime(_photo(tmp_path / "fine.png")))
    qtbot.waitUntil(lambda: shown(window), timeout=5000)


def test_a_folder_drop_queues_its_images(qtbot, window, tmp_path):
    folder = tmp_path / "holiday"
    folder.mkdir()
    for name in ("1.png", "2.png", "3.png"):
        _photo(folder / name)
    (folder / "notes.txt").write_text("skip me")
    drop(window, files_mime(folder))
    qtbot.waitUntil(lambda: len(window.photo.photos) == 3, timeout=5000)


def test_a_broken_url_says_so(qtbot, window, http_server):
    mime = QMimeData()
    mime.setUrls([QUrl(http_server.url("status/404"))])
    drop(window, mime)
    qtbot.waitUntil(lambda: "404" in window.banner.text(), timeout=10000)


def test_an_image_dragged_from_a_browser_is_fetched(qtbot, window, http_server, tmp_path):
    http_server.files["cat.png"] = _photo(tmp_path / "cat.png").read_bytes()
    mime = QMimeData()
    mime.setUrls([QUrl(http_server.url("cat.png"))])
    drop(window, mime)
    qtbot.waitUntil(lambda: shown(window), timeout=10000)
    assert window.photo.current_photo().loaded.source.endswith("/cat.png")


def test_compare_shows_every_framing_with_rank_moves(qtbot, window, tmp_path):
    drop(window, files_mime(_photo(tmp_path / "tall.png", (150, 450))))
    qtbot.waitUntil(lambda: shown(window), timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.compare_dialog is not None, timeout=5000)
    dialog = window.compare_dialog
    assert set(dialog.columns) == {"squash", "crop", "pad"}
    for bars in dialog.columns.values():
        assert len(bars.rows()) == 10
    assert dialog.columns["pad"]._moves == [0] * 10  # the current framing is the baseline


def test_rank_moves():
    from inception_desktop.gui.compare_dialog import rank_moves

    assert rank_moves([5, 6, 7], [7, 5, 9]) == [2, -1, None]


@pytest.mark.parametrize("key", ["1", "2"])
def test_workspace_shortcuts(qtbot, window, key):
    qtbot.keyClick(window, getattr(Qt.Key, f"Key_{key}"), Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == int(key) - 1
    assert window.settings.workspace == int(key) - 1


def test_window_grab_is_not_blank(qtbot, window, tmp_path):
    drop(window, files_mime(_photo(tmp_path / "a.png")))
    qtbot.waitUntil(lambda: shown(window), timeout=5000)
    pixmap = window.grab()
    path = tmp_path / "shot.png"
    assert pixmap.save(str(path))
    shot = np.asarray(Image.open(path).convert("L"), float)
    assert shot.std() > 10
