"""Explaining on the Photo workspace says what it will do before it does it, and moves nothing
(issue 24, item 7)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.test_photo_workspace import _photo, drop, files_mime, shown


def _litert_window(qtbot, make_window, fakes, tmp_path):
    fakes["photo"].device = "LiteRT (fake)"
    window = make_window()
    window.resize(800, 600)  # where every line counts
    drop(window, files_mime(_photo(tmp_path / "a.png"), _photo(tmp_path / "b.png")))
    qtbot.waitUntil(lambda: shown(window) and window.photo.strip.isVisible(), timeout=5000)
    return window


def _choose(ws, method: str) -> None:
    ws.explain_controls.method.setCurrentIndex(ws.explain_controls.method.findData(method))


def test_grad_cam_without_gradients_says_before_the_map_that_it_explains_by_occlusion(
    qtbot, make_window, fakes, tmp_path
):
    ws = _litert_window(qtbot, make_window, fakes, tmp_path).photo
    _choose(ws, "gradcam")
    qtbot.mouseClick(ws.explain_controls.toggle, Qt.MouseButton.LeftButton)
    said = ws.explain_controls.status.text()
    assert said.startswith("No gradients for Grad-CAM from this model here (a Keras model")
    assert "explaining by occlusion" in said
    # the coarse 4x4 look comes first, as for any occlusion on LiteRT, then the 8x8 map
    qtbot.waitUntil(lambda: ws.heat is not None, timeout=10000)
    qtbot.waitUntil(lambda: "occlusion 8x8" in ws.explain_controls.status.text(), timeout=10000)


def test_a_long_explain_note_does_not_shrink_the_network_input(qtbot, make_window, fakes, tmp_path):
    ws = _litert_window(qtbot, make_window, fakes, tmp_path).photo
    qtbot.mouseClick(ws.explain_controls.toggle, Qt.MouseButton.LeftButton)  # auto: occlusion
    qtbot.waitUntil(lambda: "occlusion 8x8" in ws.explain_controls.status.text(), timeout=10000)
    place, lines = ws.input_view.geometry(), ws.explain_controls.status.height()
    _choose(ws, "gradcam")  # a three-line note at this width
    qtbot.waitUntil(lambda: "View › Runtime" in ws.explain_controls.status.text(), timeout=10000)
    assert ws.input_view.geometry() == place
    qtbot.waitUntil(lambda: "occlusion 8x8" in ws.explain_controls.status.text(), timeout=10000)
    assert ws.input_view.geometry() == place
    assert ws.explain_controls.status.height() == lines  # two lines, whatever the note
    shown_text = ws.explain_controls.status.shown_text()
    assert shown_text.endswith("…") and ws.explain_controls.status.toolTip().endswith("TensorFlow)")


def test_while_the_model_loads_explaining_claims_no_method(qtbot, make_window, fakes, tmp_path):
    """A runtime or precision switch reloads the model: while none serves, the window cannot
    know whether the next one has gradients, so it says only that it is explaining (no
    "no gradients" claim, no coarse occlusion first) and shows what the worker answers."""
    ws = _litert_window(qtbot, make_window, fakes, tmp_path).photo
    ws.model.serving_model = lambda: None  # what the worker says between two models
    _choose(ws, "gradcam")
    qtbot.mouseClick(ws.explain_controls.toggle, Qt.MouseButton.LeftButton)
    assert ws.explain_controls.status.text() == "Explaining…"
    qtbot.waitUntil(lambda: ws.heat is not None, timeout=10000)
    assert ws.heat.grid == 8  # the full map at once: no 4x4 look was asked for
