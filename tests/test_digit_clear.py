"""The Digit workspace's Clear, Esc and feature-map window as a person meets them (issue 24,
items 7, 9 and 22)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.test_digit_workspace import SHAPES, draw


def _digit(qtbot, window):
    window.tabs.setCurrentWidget(window.digit)
    return window.digit


def test_a_cleared_drawing_comes_back_with_undo(qtbot, window):
    ws = _digit(qtbot, window)
    notices: list[str] = []
    ws.notice.connect(notices.append)
    draw(ws.canvas, SHAPES["7"])
    drawn = ws.canvas.strokes()
    ws.canvas.setFocus()
    qtbot.keyClick(ws.canvas, Qt.Key.Key_Delete)
    assert ws.canvas.is_empty() and "Undo (Ctrl+Z) brings the drawing back" in notices[-1]
    qtbot.keyClick(ws.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert ws.canvas.strokes() == drawn
    qtbot.waitUntil(lambda: len(ws.bars.rows()) == 10, timeout=5000)  # classified again
    # a new drawing after a clear: the cleared one is gone for good
    qtbot.keyClick(ws.canvas, Qt.Key.Key_Delete)
    draw(ws.canvas, SHAPES["1"])
    qtbot.keyClick(ws.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(ws.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert ws.canvas.is_empty()


def test_esc_closes_the_feature_maps_before_it_clears_the_drawing(qtbot, window):
    ws = _digit(qtbot, window)
    qtbot.mouseClick(ws.layers_button, Qt.MouseButton.LeftButton)  # (empty: nothing loads)
    dialog = ws.layer_dialog
    assert dialog is not None and dialog.isVisible()
    draw(ws.canvas, SHAPES["1"])
    qtbot.waitUntil(lambda: len(ws.bars.rows()) == 10, timeout=5000)
    ws.layer_dialog.close()  # (drawing asked for maps: closed before they load TensorFlow)
    qtbot.mouseClick(ws.layers_button, Qt.MouseButton.LeftButton)
    ws.canvas.setFocus()
    qtbot.keyClick(ws.canvas, Qt.Key.Key_Escape)
    assert ws.layer_dialog is None and not ws.canvas.is_empty()
    qtbot.keyClick(ws.canvas, Qt.Key.Key_Escape)  # no window left to close: Esc clears
    assert ws.canvas.is_empty()


def test_the_feature_map_window_goes_with_its_workspace_and_closes_on_esc(qtbot, window):
    ws = _digit(qtbot, window)
    qtbot.mouseClick(ws.layers_button, Qt.MouseButton.LeftButton)
    dialog = ws.layer_dialog
    assert dialog.isVisible()
    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # Photo in front
    assert window.tabs.currentWidget() is window.photo and not dialog.isVisible()
    QTest.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible()
    QTest.keyClick(dialog, Qt.Key.Key_Escape)  # Esc in the window itself closes it
    assert ws.layer_dialog is None and not dialog.isVisible()
    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert ws.layer_dialog is None  # it does not come back by itself


def test_the_heat_caption_goes_with_the_drawing_and_moves_nothing(qtbot, window):
    ws = _digit(qtbot, window)
    qtbot.mouseClick(ws.heat_button, Qt.MouseButton.LeftButton)
    steps = ws.steps.geometry()
    draw(ws.canvas, SHAPES["7"])
    qtbot.waitUntil(lambda: "Heat map:" in ws.heat_label.text(), timeout=10000)
    assert ws.steps.geometry() == steps
    ws.heat_label.setText("Heat map: occlusion 7x7 of 7, 12 ms — " + "a long note " * 30)
    assert ws.steps.geometry() == steps and ws.heat_label.shown_text().endswith("…")
    ws.canvas.setFocus()
    qtbot.keyClick(ws.canvas, Qt.Key.Key_Delete)
    assert ws.heat_label.text() == "" and ws.steps.geometry() == steps
