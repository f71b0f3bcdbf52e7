"""Photo › Precision Check: the core's precision check over the strip's photos, in a dialog
whose changed photos open on a click; with the real models, the same numbers as the command."""

from __future__ import annotations

import pytest

from inception_desktop.core.precision_check import Changed, PrecisionReport
from tests.test_photo_workspace import _photo, drop, files_mime, showing


def _check_action(win):
    action = win.menus.precision_check_action
    assert action in win.menus.by_workspace["photo"] and action.text() == "Precision Chec&k…"
    return action


def test_precision_check_lists_the_changed_photos_and_a_click_shows_one(
    qtbot, window, tmp_path, monkeypatch
):
    from inception_desktop.core import precision_check

    a, b = _photo(tmp_path / "a.png"), _photo(tmp_path / "b.png", (200, 500))
    drop(window, files_mime(a, b))
    qtbot.waitUntil(lambda: window.photo.photo_count() == 2 and showing(window, a), timeout=10000)
    asked = {}

    def check(paths, model, **options):
        asked.update(paths=list(paths), model=model, framing=options["framing"].mode)
        return PrecisionReport(
            2, 0.5, 0.9, 0.25, 3.5, {"fp32": 95_000_000, "int8": 24_000_000},
            [Changed(str(b), "macaw", "lorikeet")], {"fp32": 50.0, "int8": 14.3},
        )  # fmt: skip

    monkeypatch.setattr(precision_check, "check", check)
    _check_action(window).trigger()
    qtbot.waitUntil(lambda: window.photo.precision.dialog is not None, timeout=10000)
    dialog = window.photo.precision.dialog
    assert asked == {"paths": [str(a), str(b)], "model": "inception", "framing": "pad"}
    text = dialog.summary.text()
    assert "Top-1 agreement: 50.0%" in text and "Speed-up: 3.50x" in text
    assert "95.0 MB against 24.0 MB" in text
    assert dialog.changed.count() == 1
    assert dialog.changed.item(0).text() == "b.png: macaw → lorikeet"
    item = dialog.changed.item(0)
    dialog.changed.itemClicked.emit(item)
    qtbot.waitUntil(lambda: showing(window, b), timeout=10000)


def test_precision_check_of_a_folder_reads_it_and_a_click_opens_its_photo(
    qtbot, window, tmp_path, monkeypatch
):
    """Photo › Precision Check of a Folder: the folder chosen in the dialog goes to the core's
    check whole (it lists the photos, subfolders too), with progress in the status line; a
    changed photo that is not in the strip opens there, shown, on a click."""
    from PySide6.QtWidgets import QFileDialog

    from inception_desktop.core import precision_check

    folder = tmp_path / "holiday"
    (folder / "day2").mkdir(parents=True)
    _photo(folder / "a.png")
    b = _photo(folder / "day2" / "b.png", (200, 500))
    asked = {}

    def check(paths, model, **options):
        asked.update(paths=list(paths), model=model, recursive=options["recursive"])
        options["progress"](1, 2)
        return PrecisionReport(
            2, 0.5, 0.9, 0.25, 3.0, {"fp32": 95_000_000, "int8": 24_000_000},
            [Changed(str(b), "macaw", "lorikeet")], {"fp32": 30.0, "int8": 10.0},
        )  # fmt: skip

    monkeypatch.setattr(precision_check, "check", check)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    notices = []
    window.photo.notice.connect(notices.append)
    action = window.menus.precision_folder_action
    assert action in window.menus.by_workspace["photo"]
    assert action.text() == "Precision Check of a &Folder…" and action.isEnabled()
    action.trigger()  # no photo in the strip: a folder needs none
    qtbot.waitUntil(lambda: window.photo.precision.dialog is not None, timeout=10000)
    assert asked == {"paths": [str(folder)], "model": "inception", "recursive": True}
    assert notices[0] == "Checking int8 against float32 on the photos in holiday…"
    assert "Reading photo 1 of 2…" in notices
    assert window.settings.last_folder == str(folder)
    dialog = window.photo.precision.dialog
    assert dialog.changed.item(0).text() == "b.png: macaw → lorikeet"
    assert window.photo.photo_count() == 0
    dialog.changed.itemClicked.emit(dialog.changed.item(0))
    qtbot.waitUntil(lambda: window.photo.photo_count() == 1 and showing(window, b), timeout=10000)


def test_precision_check_without_photos_says_so(qtbot, window):
    notices = []
    window.photo.notice.connect(notices.append)
    _check_action(window).trigger()
    assert notices == ["Precision Check needs photos: open, paste or drop some first"]
    assert window.photo.precision.dialog is None


@pytest.mark.slow
def test_precision_check_with_the_real_models(
    qtbot, make_window, inception_weights, converted_inception, tmp_path, monkeypatch
):
    """The test weights installed: both LiteRT twins run over the strip's photos in the
    background and the dialog gives the core's numbers for them."""
    from inception_desktop.core.store import weights
    from inception_desktop.core.store.download import file_digest

    monkeypatch.setenv(weights.MD5_ENV, file_digest(inception_weights))
    weights.import_file(inception_weights)
    win = make_window(factories={}, runtime="litert", installed=False, ready=False)
    qtbot.waitUntil(lambda: win.status.model.text() == "Model: Inception v3", timeout=120000)
    photos = [_photo(tmp_path / f"{i}.png", (300 + 50 * i, 300)) for i in range(3)]
    drop(win, files_mime(*photos))
    qtbot.waitUntil(lambda: win.photo.photo_count() == 3, timeout=10000)
    _check_action(win).trigger()
    qtbot.waitUntil(lambda: win.photo.precision.dialog is not None, timeout=120000)
    text = win.photo.precision.dialog.summary.text()
    assert text.startswith("3 photos, float32 against int8")
    assert "File size: 95." in text
    folder = tmp_path / "folder"
    folder.mkdir()
    for i in range(2):
        _photo(folder / f"f{i}.png", (280, 300 + 40 * i))
    first = win.photo.precision.dialog
    win.photo.precision_check(str(folder))
    qtbot.waitUntil(lambda: win.photo.precision.dialog is not first, timeout=120000)
    assert win.photo.precision.dialog.summary.text().startswith("2 photos, float32 against int8")
