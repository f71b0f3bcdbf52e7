"""The Photo workspace driven the way a person drives it: drops, pastes, drags, buttons."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, QRectF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage

from tests.gui_helpers import drag

RED, BLUE, GREY = (220, 30, 30), (30, 30, 220), (128, 128, 128)


def _photo(path: Path, size=(400, 300)) -> Path:
    """A photo whose parts can be told apart in the network input: a red band on the left sixth,
    a blue band on the right sixth, a dark top half and a light bottom half in between."""
    w, h = size
    array = np.empty((h, w, 3), np.uint8)
    array[: h // 2] = (40, 90, 40)
    array[h // 2 :] = (200, 220, 160)
    array[:, : w // 6] = RED
    array[:, w - w // 6 :] = BLUE
    Image.fromarray(array).save(path)
    return path


def _near(pixel, colour, tolerance: int = 40) -> bool:
    return int(np.abs(np.asarray(pixel, int) - colour).sum()) < tolerance


def expected_input(path: Path, mode: str = "pad") -> np.ndarray:
    """What the network must see for ``path`` under ``mode`` (the CLI's path, with no window)."""
    from inception_desktop.core.photo.framing import Framing
    from inception_desktop.core.photo.prepare import load_photo, network_input

    return network_input(load_photo(path), Framing(mode), 299).array


def compare_dialogs():
    from PySide6.QtWidgets import QApplication

    from inception_desktop.gui.compare_dialog import CompareDialog

    return [w for w in QApplication.topLevelWidgets() if isinstance(w, CompareDialog)]


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
    """Ten bars are on screen."""
    return len(window.photo.bars.rows()) == 10


def showing(window, path: Path, mode: str = "pad") -> bool:
    """The network input on screen is exactly ``path``'s."""
    array = window.photo.input_view.array()
    return array is not None and np.array_equal(array, expected_input(path, mode))


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
    a, b = _photo(tmp_path / "a.png"), _photo(tmp_path / "b.png", (100, 300))
    drop(window, files_mime(a, b))
    ws = window.photo
    qtbot.waitUntil(lambda: showing(window, a), timeout=5000)
    rect = ws.strip.visualItemRect(ws.strip.item(1))
    qtbot.mouseClick(ws.strip.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert ws.strip.currentRow() == 1 and "b.png" in ws.title.text()
    qtbot.waitUntil(lambda: showing(window, b), timeout=5000)


def test_framing_buttons_change_the_network_input(qtbot, window, tmp_path):
    wide = _photo(tmp_path / "wide.png", (600, 200))
    drop(window, files_mime(wide))
    qtbot.waitUntil(lambda: shown(window), timeout=5000)
    ws = window.photo
    inputs = {}
    for mode in ("squash", "crop", "pad"):
        qtbot.mouseClick(ws.mode_buttons[mode], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda m=mode: showing(window, wide, m), timeout=5000)
        inputs[mode] = ws.input_view.array().copy()
    # Squash keeps both bands, crop (the centre square) neither, pad both with grey above.
    assert _near(inputs["squash"][150, 5], RED) and _near(inputs["squash"][150, 293], BLUE)
    assert not _near(inputs["crop"][150, 5], RED) and not _near(inputs["crop"][150, 293], BLUE)
    assert _near(inputs["pad"][150, 5], RED) and (inputs["pad"][5, 150] == GREY).all()
    assert window.settings.framing == "pad"


def test_dragging_and_resizing_the_crop_rectangle_reclassifies(qtbot, window, tmp_path):
    drop(window, files_mime(_photo(tmp_path / "p.png", (400, 300))))
    qtbot.waitUntil(lambda: shown(window), timeout=5000)
    ws = window.photo
    view = ws.view
    r = view.image_rect()
    before = ws.input_view.array().copy()
    assert _near(before[150, 293], BLUE)  # the whole photo: the right band is seen
    # Draw a rectangle over the top-left quarter of the photo.
    x0, y0 = r.x() + 5, r.y() + 5
    x1, y1 = r.x() + r.width() / 2, r.y() + r.height() / 2
    drag(view, [(x0, y0), ((x0 + x1) / 2, (y0 + y1) / 2), (x1, y1)])
    box = view.box()
    assert box is not None and box.w > 150 and box.h > 100
    qtbot.waitUntil(lambda: not _near(ws.input_view.array()[150, 293], BLUE), timeout=5000)
    drawn = ws.input_view.array().copy()
    assert _near(drawn[150, 5], RED)  # the left band is in the box, the right one is not
    # Resize from its bottom-right corner, down to the photo's bottom-right.
    corner = view.to_widget(QRectF(box.x, box.y, box.w, box.h)).bottomRight()
    drag(view, [(corner.x(), corner.y()), (r.right() - 3, r.bottom() - 3)])
    resized = view.box()
    assert resized.w > box.w and resized.h > box.h and resized.x == box.x
    qtbot.waitUntil(lambda: _near(ws.input_view.array()[150, 290], BLUE), timeout=5000)
    # Esc removes the rectangle and the whole photo is classified again.
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert view.box() is None
    qtbot.waitUntil(lambda: np.array_equal(ws.input_view.array(), before), timeout=5000)


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


def test_an_unexpected_decoder_error_reaches_the_person(qtbot, window, tmp_path, monkeypatch):
    """A bug in a decoder (not a bad file) still ends in a message, and the rest still open."""
    from inception_desktop.gui import image_loader

    real = image_loader.load_image

    def buggy(path, **kwargs):
        if path.name == "bug.png":
            raise ZeroDivisionError("a decoder bug")
        return real(path, **kwargs)

    monkeypatch.setattr(image_loader, "load_image", buggy)
    bug, fine = _photo(tmp_path / "bug.png"), _photo(tmp_path / "fine.png")
    drop(window, files_mime(bug, fine))
    qtbot.waitUntil(lambda: "ZeroDivisionError" in window.banner.text(), timeout=5000)
    assert "bug.png" in window.banner.text() and window.banner.isVisible()
    qtbot.waitUntil(lambda: showing(window, fine), timeout=5000)


def test_replaced_requests_are_forgotten(qtbot, window, tmp_path):
    """Framing changes faster than the model answers: every request ends (answered or replaced),
    none is kept waiting, and the last framing is the one shown."""
    photo = _photo(tmp_path / "p.png")
    drop(window, files_mime(photo))
    ws = window.photo
    qtbot.waitUntil(lambda: showing(window, photo), timeout=5000)
    for _ in range(20):
        for mode in ("squash", "crop", "pad"):
            ws.set_mode(mode)
    qtbot.waitUntil(lambda: ws.channel.waiting() == 0, timeout=5000)
    assert showing(window, photo, "pad")


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
    qtbot.waitUntil(lambda: any(d.isVisible() for d in compare_dialogs()), timeout=5000)
    (dialog,) = compare_dialogs()
    assert set(dialog.columns) == {"squash", "crop", "pad"}
    for bars in dialog.columns.values():
        assert len(bars.rows()) == 10
    assert dialog.columns["pad"].moves() == [0] * 10  # the current framing is the baseline
    dialog.close()


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


# --- many photos: order, selection, one entry per file, removal, bounded memory ------------------


def _folder(tmp_path: Path, n: int, name: str = "folder") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for i in range(n):
        _photo(folder / f"{i:03d}.jpg", (120 + i, 90))
    return folder


def _strip_names(ws) -> list[str]:
    return [Path(ws.strip.item(r).toolTip()).name for r in range(ws.strip.count())]


def test_a_folder_shows_in_name_order_with_the_first_photo_selected(qtbot, window, tmp_path):
    folder = _folder(tmp_path, 12)
    drop(window, files_mime(folder))
    ws = window.photo
    qtbot.waitUntil(lambda: ws.strip.count() == 12, timeout=10000)
    assert _strip_names(ws) == [f"{i:03d}.jpg" for i in range(12)]
    assert ws.strip.currentRow() == 0 and ws.current == 0
    qtbot.waitUntil(lambda: shown(window), timeout=5000)
    assert Path(ws.current_photo().loaded.source).name == "000.jpg"


def test_files_show_in_the_order_given_and_the_first_is_selected(qtbot, window, tmp_path):
    big = _photo(tmp_path / "big.png", (1600, 1200))  # slowest to decode: arrives last
    small = [_photo(tmp_path / f"s{i}.png", (60, 40)) for i in range(3)]
    drop(window, files_mime(big, *small))
    ws = window.photo
    qtbot.waitUntil(lambda: ws.strip.count() == 4, timeout=10000)
    assert _strip_names(ws) == ["big.png", "s0.png", "s1.png", "s2.png"]
    assert ws.strip.currentRow() == 0
    qtbot.waitUntil(lambda: shown(window), timeout=5000)
    assert ws.current_photo().loaded.source.endswith("big.png")


def test_the_same_file_opened_twice_is_one_photo(qtbot, window, tmp_path):
    a, b = _photo(tmp_path / "a.png"), _photo(tmp_path / "b.png")
    drop(window, files_mime(a, b))
    ws = window.photo
    qtbot.waitUntil(lambda: ws.strip.count() == 2, timeout=5000)
    # Again, and through another spelling of the same path: still two photos, a is selected.
    drop(window, files_mime(tmp_path / "." / "a.png"))
    qtbot.waitUntil(lambda: ws.current == 0, timeout=5000)
    drop(window, files_mime(b, a))
    qtbot.waitUntil(lambda: ws.current == 1, timeout=5000)
    qtbot.wait(50)
    assert ws.strip.count() == 2 and _strip_names(ws) == ["a.png", "b.png"]


def test_delete_context_menu_and_remove_all(qtbot, window, tmp_path):
    folder = _folder(tmp_path, 4)
    drop(window, files_mime(folder))
    ws = window.photo
    qtbot.waitUntil(lambda: ws.strip.count() == 4, timeout=10000)
    qtbot.waitUntil(lambda: shown(window), timeout=5000)
    # Delete on the strip removes the selected photo; its neighbour is shown.
    ws.strip.setFocus()
    qtbot.keyClick(ws.strip, Qt.Key.Key_Delete)
    assert _strip_names(ws) == ["001.jpg", "002.jpg", "003.jpg"]
    assert ws.current == 0 and ws.current_photo().loaded.source.endswith("001.jpg")
    # The context menu's Remove, on another photo: the one shown stays shown.
    rect = ws.strip.visualItemRect(ws.strip.item(2))
    qtbot.mouseClick(ws.strip.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert ws.current == 2
    ws.strip.remove_action.trigger()
    assert _strip_names(ws) == ["001.jpg", "002.jpg"]
    assert ws.current == 1 and ws.current_photo().loaded.source.endswith("002.jpg")
    qtbot.waitUntil(lambda: showing(window, folder / "002.jpg"), timeout=5000)
    # Remove all: nothing shown, nothing held, and the next drop starts afresh.
    ws.strip.remove_all_action.trigger()
    assert ws.strip.count() == 0 and ws.photo_count() == 0 and ws.decoded_count() == 0
    assert ws.current_photo() is None and ws.view.image_rect().isEmpty()
    assert ws.input_view.array() is None and ws.bars.rows() == []
    drop(window, files_mime(_photo(tmp_path / "again.png")))
    qtbot.waitUntil(lambda: shown(window), timeout=5000)
    assert ws.current_photo().loaded.source.endswith("again.png")


def test_menu_removes_the_photo_shown(qtbot, window, tmp_path):
    drop(window, files_mime(_photo(tmp_path / "only.png")))
    qtbot.waitUntil(lambda: shown(window), timeout=5000)
    menu = {a.text(): a for a in window.menuBar().actions()}["P&hoto"].menu()
    actions = {a.text(): a for a in menu.actions()}
    actions["&Remove photo"].trigger()
    assert window.photo.photo_count() == 0 and window.photo.current_photo() is None
    assert actions["Remove &all photos"].shortcut().toString() == "Ctrl+Shift+Del"


def test_only_a_few_decoded_photos_stay_in_memory_and_others_reload(qtbot, window, tmp_path):
    from inception_desktop.gui.photo_workspace import CACHED

    n = CACHED + 6
    folder = _folder(tmp_path, n)
    drop(window, files_mime(folder))
    ws = window.photo
    qtbot.waitUntil(lambda: ws.strip.count() == n, timeout=10000)
    assert ws.decoded_count() <= CACHED
    # Show every photo in turn, as a person clicking through: still bounded.
    for row in range(n):
        ws.strip.setCurrentRow(row)
        qtbot.waitUntil(lambda r=row: ws.current_photo() is not None, timeout=5000)
        assert ws.decoded_count() <= CACHED
    # The first photo was dropped from memory: showing it again decodes it from its file.
    ws.strip.setCurrentRow(0)
    assert ws.current_photo() is None  # being decoded again, off the GUI thread
    qtbot.waitUntil(lambda: ws.current_photo() is not None, timeout=5000)
    photo = ws.current_photo()
    assert photo.loaded.source.endswith("000.jpg") and photo.loaded.size == (120, 90)
    qtbot.waitUntil(lambda: showing(window, folder / "000.jpg"), timeout=5000)
    assert ws.strip.count() == n and ws.decoded_count() <= CACHED


def test_a_large_pasted_image_is_kept_downscaled(qtbot, window, clipboard):
    from inception_desktop.gui.image_loader import KEPT_SIDE

    image = QImage(KEPT_SIDE * 2, KEPT_SIDE, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.blue)
    mime = QMimeData()
    mime.setImageData(image)
    clipboard.setMimeData(mime)
    window.paste()
    qtbot.waitUntil(lambda: shown(window), timeout=10000)
    photo = window.photo.current_photo()
    assert photo.loaded.size == (KEPT_SIDE, KEPT_SIDE // 2)
    assert photo.loaded.original_size == (KEPT_SIDE * 2, KEPT_SIDE)
    assert photo.loaded.image.getpixel((5, 5)) == (0, 0, 255)
