"""Names are read whole: class names in Compare's bars, file and class names in History and
Many Photos (issue 24, item 19: "Norwegian elkh…", "980_n09472…")."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolTip

from tests.fakes import FakeClassifier
from tests.test_photo_workspace import _photo, compare_dialogs, drop, files_mime, shown

LONG = "Norwegian elkhound"
#: Longer than 340-pixel bars leave their labels: the bars must ask for the room it needs.
LONGER = "Norwegian elkhound, a grey Nordic hunting dog"


def _fits(widget, text: str, width: int) -> bool:
    return widget.fontMetrics().horizontalAdvance(text) <= width


#: Showing a tooltip asks the window to raise it, which the offscreen platform cannot (and says).
tooltips_offscreen = pytest.mark.qt_log_ignore("This plugin does not support raise")


def _tooltip(widget, pos: QPoint) -> str:
    """The tooltip the pointer resting at ``pos`` (widget pixels) brings up."""
    QToolTip.hideText()
    QApplication.sendEvent(widget, QHelpEvent(QEvent.Type.ToolTip, pos, widget.mapToGlobal(pos)))
    return QToolTip.text()


def _cell_tooltip(table, row: int, column: int) -> str:
    """The tooltip of a cell under the pointer, its column made too narrow for its text."""
    table.horizontalHeader().resizeSection(column, 40)
    where = table.visualRect(table.model().index(row, column)).center()
    return _tooltip(table.viewport(), where)


@tooltips_offscreen
def test_compare_shows_whole_class_names(qtbot, make_window, fakes, tmp_path):
    photo = FakeClassifier("Fake Inception", (299, 299, 3), 1000)
    photo.labels = tuple(f"{LONGER} {i}" for i in range(1000))
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
    # squeezed, a label is cut, and the pointer resting on its row reads it whole
    dialog.resize(dialog.minimumSizeHint())
    bars = next(iter(dialog.columns.values()))
    label = bars.rows()[0][0]
    assert not _fits(bars, label, bars.label_width() - 6)
    said = _tooltip(bars, bars.row_rect(0).center().toPoint())
    assert said.startswith(f"{label}: {bars.percent_texts()[0]}"), said
    dialog.close()


@tooltips_offscreen
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
    # a column made narrow cuts a name in the middle (its end kept), and its tooltip reads it
    assert dialog.table.textElideMode() == Qt.TextElideMode.ElideMiddle
    assert _cell_tooltip(dialog.table, 0, 3) == LONG
    assert _cell_tooltip(dialog.table, 0, 2) == f"/photos/{name}"
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
    assert batch.table.textElideMode() == Qt.TextElideMode.ElideMiddle
    label = batch.results.records()[0].label
    row = next(r for r in range(batch.proxy.rowCount())
               if batch.proxy.index(r, CLASS).data() == label)  # fmt: skip
    assert _cell_tooltip(batch.table, row, CLASS) == label
