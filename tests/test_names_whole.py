"""Names are read whole: class names in Compare's bars, file and class names in History and
Many Photos (issue 24, item 19: "Norwegian elkh…", "980_n09472…")."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.fakes import FakeClassifier
from tests.test_photo_workspace import _photo, compare_dialogs, drop, files_mime, shown

LONG = "Norwegian elkhound"


def _fits(widget, text: str, width: int) -> bool:
    return widget.fontMetrics().horizontalAdvance(text) <= width


def test_compare_shows_whole_class_names(qtbot, make_window, fakes, tmp_path):
    photo = FakeClassifier("Fake Inception", (299, 299, 3), 1000)
    photo.labels = tuple(f"{LONG} {i}" for i in range(1000))
    win = make_window(factories={"photo": lambda p: photo, "digit": lambda p: fakes["digit"]})
    drop(win, files_mime(_photo(tmp_path / "a.png")))
    qtbot.waitUntil(lambda: shown(win), timeout=5000)
    qtbot.mouseClick(win.photo.framing_bar.compare_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(compare_dialogs()), timeout=10000)
    dialog = compare_dialogs()[-1]
    dialog.resize(dialog.sizeHint())  # what it asks of a screen wider than the test's 800 px
    for bars in dialog.columns.values():
        longest = max((label for label, _ in bars.rows()), key=len)
        assert _fits(bars, longest, bars.label_width() - 6), (bars.width(), longest)
    dialog.close()


def test_history_and_many_photos_show_whole_file_and_class_names(qtbot, window, tmp_path):
    from inception_desktop.core.batch.history import Entry
    from inception_desktop.core.batch.records import Record
    from inception_desktop.gui.batch.table import CLASS, FILE

    name = "980_n09472597_volcano_at_dusk.JPEG"
    record = Record(f"/photos/{name}", ((LONG, 0.9),), (0,), "Inception v3", "CPU", "pad")
    window.history.store.add([Entry("photo", record, time.time(), "abc", "w123")])
    QTest.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    dialog = window.history_dialog
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=5000)
    header = dialog.table.horizontalHeader()
    for column in (2, 3):  # File, Class: as wide as their texts ask
        assert header.sectionSize(column) >= dialog.table.sizeHintForColumn(column)
    dialog.close()

    folder = tmp_path / "photos"
    folder.mkdir()
    for i in range(3):
        _photo(folder / f"{i}_{name}", (80, 60))
    batch = window.batch
    window.tabs.setCurrentWidget(batch)
    with qtbot.waitSignal(batch.batchFinished, timeout=30000):
        batch.open_paths([str(folder)])
    header = batch.table.horizontalHeader()
    for column in (FILE, CLASS):
        assert header.sectionSize(column) >= batch.table.sizeHintForColumn(column)
