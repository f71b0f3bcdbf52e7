"""Explaining on the Photo workspace says what it will do before it does it, and moves nothing
(issue 24, item 7)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.test_photo_workspace import _photo, drop, files_mime, shown


def test_grad_cam_on_litert_says_before_the_map_that_it_explains_by_occlusion(
    qtbot, make_window, fakes, tmp_path
):
    fakes["photo"].device = "LiteRT (fake)"
    window = make_window()
    window.resize(800, 600)  # where every line counts
    ws = window.photo
    drop(window, files_mime(_photo(tmp_path / "a.png"), _photo(tmp_path / "b.png")))
    qtbot.waitUntil(lambda: shown(window) and ws.strip.isVisible(), timeout=5000)
    ws.explain_controls.method.setFocus()
    index = ws.explain_controls.method.findData("gradcam")
    ws.explain_controls.method.setCurrentIndex(index)
    input_place = ws.input_view.geometry()
    qtbot.mouseClick(ws.explain_controls.toggle, Qt.MouseButton.LeftButton)
    said = ws.explain_controls.status.text()
    assert said.startswith("Grad-CAM needs the TensorFlow runtime (View › Runtime)")
    assert "explaining by occlusion" in said
    # the coarse 4x4 look comes first, as for any occlusion on LiteRT, then the 8x8 map
    qtbot.waitUntil(lambda: ws.heat is not None and ws.heat.heat is not None, timeout=10000)
    qtbot.waitUntil(lambda: "occlusion 8x8" in ws.explain_controls.status.text(), timeout=10000)
    # the three-line note is two lines and an ellipsis: the network input has not moved
    assert ws.input_view.geometry() == input_place
