"""Explanations in the window (issue 13): heat maps on the Photo and Digit workspaces, with real
events, on the fake models (tests/fakes.py) and once end to end on random-weights Inception v3.

The fake photo model scores class ``i`` by the brightness of the network input's row ``i``, so
its occlusion map for class ``i`` is hottest in the band of cells that covers row ``i``: a test
knows where the heat must land.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication

from inception_desktop.core.explain.occlusion import cell_edges
from tests.gui_helpers import _event, drag, polyline
from tests.test_photo_workspace import drop, files_mime, shown


def _photo(path: Path, size=(400, 300)) -> Path:
    """Dark top half, light bottom half: the fake's top classes are rows of the bottom half."""
    w, h = size
    array = np.full((h, w, 3), 40, np.uint8)
    array[h // 2 :] = 200
    Image.fromarray(array).save(path)
    return path


def _open(qtbot, window, path: Path) -> None:
    drop(window, files_mime(path))
    qtbot.waitUntil(lambda: shown(window), timeout=5000)


def _heat_shown(ws) -> bool:
    return ws.heat is not None and ws.input_view.heat() is not None


def _hot_rows(heat: np.ndarray) -> np.ndarray:
    """Rows where the heat is at least 90% of its maximum."""
    profile = heat.max(axis=1)
    return np.flatnonzero(profile >= 0.9 * profile.max())


def _cell(row: float) -> int:
    """The occlusion cell (of 8 per side over 299 rows) holding input row ``row``."""
    return int(np.searchsorted(cell_edges(299, 8), row, side="right")) - 1


def test_toggling_explain_shows_a_heat_map_on_the_input_and_the_photo(qtbot, window, tmp_path):
    ws = window.photo
    _open(qtbot, window, _photo(tmp_path / "a.png"))
    assert ws.input_view.heat() is None and ws.view.heat() is None
    qtbot.mouseClick(ws.explain_controls.toggle, Qt.MouseButton.LeftButton)
    # the fake has no gradients: occlusion, a coarse 4x4 look first, then the 8x8 map
    qtbot.waitUntil(lambda: _heat_shown(ws) and ws.heat.grid == 8, timeout=10000)
    heat = ws.heat
    assert heat.method == "occlusion"
    assert heat.class_index == ws.result.prediction.best.index
    assert heat.heat.shape == (299, 299) and ws.view.heat().shape == (300, 400)
    # the fake's top class is one row of the input: the heat is in that row's band of cells
    assert _cell(np.mean(_hot_rows(heat.heat))) == _cell(heat.class_index)
    assert "occlusion 8x8" in ws.explain_controls.status.text()
    assert ws.bars.marked() == 0
    # the class's score as its bar writes it (issue 24, item 18: "(0.1%)" beside "0.10025%")
    assert f"({ws.bars.percent_texts()[0]})" in ws.explain_controls.status.text()
    # off again: the maps go
    qtbot.mouseClick(ws.explain_controls.toggle, Qt.MouseButton.LeftButton)
    assert ws.input_view.heat() is None and ws.view.heat() is None


def test_the_opacity_control_changes_the_overlay(qtbot, window, tmp_path):
    ws = window.photo
    _open(qtbot, window, _photo(tmp_path / "a.png"))
    ws.set_explaining(True)
    qtbot.waitUntil(lambda: _heat_shown(ws), timeout=10000)

    def alpha(view) -> int:
        image = view.heat_image()
        return max(image.pixelColor(x, y).alpha() for x in (0, 150) for y in (0, 150, 280))

    before = alpha(ws.input_view)
    assert before > 0
    ws.explain_controls.opacity.setFocus()
    qtbot.keyClick(ws.explain_controls.opacity, Qt.Key.Key_End)  # 100%
    full = alpha(ws.input_view)
    qtbot.keyClick(ws.explain_controls.opacity, Qt.Key.Key_Home)  # 0%
    assert full > before and alpha(ws.input_view) == 0
    assert ws.view.heat_image().pixelColor(10, 10).alpha() == 0


def test_clicking_a_bar_explains_that_class(qtbot, window, tmp_path):
    ws = window.photo
    _open(qtbot, window, _photo(tmp_path / "a.png"))
    row = 4
    wanted = ws.result.prediction.top[row].index
    qtbot.mouseClick(
        ws.bars, Qt.MouseButton.LeftButton, pos=ws.bars.row_rect(row).center().toPoint()
    )
    assert ws.explaining()  # a click turns explaining on
    qtbot.waitUntil(lambda: ws.heat is not None and ws.heat.class_index == wanted, timeout=10000)
    assert ws.bars.marked() == row
    assert _cell(np.mean(_hot_rows(ws.heat.heat))) == _cell(wanted)
    assert ws.result.prediction.top[row].label in ws.explain_controls.status.text()


def test_a_crop_box_maps_the_heat_back_inside_the_box(qtbot, window, tmp_path):
    """Mapping back through a crop box: the photo's heat is zero outside the box, and the hot
    band (the input row of the explained class) lands on the photo row it came from."""
    ws = window.photo
    _open(qtbot, window, _photo(tmp_path / "a.png", (400, 300)))
    ws.set_explaining(True)
    qtbot.waitUntil(lambda: _heat_shown(ws), timeout=10000)
    # drag a box from photo pixels (100, 120) to (260, 280) (160x160: crop takes it whole)
    rect, scale = ws.view.image_rect(), ws.view.image_rect().width() / 400
    points = [(rect.x() + x * scale, rect.y() + y * scale) for x, y in ((100, 120), (260, 280))]
    drag(ws.view, polyline(points, 8))
    qtbot.waitUntil(
        lambda: ws.heat is not None
        and ws.heat.framed.framing.box is not None
        and ws.heat.grid == 8,
        timeout=10000,
    )
    box = ws.framing.box
    on_photo = ws.view.heat()
    k = on_photo.shape[1] / 400  # heat pixels per photo pixel
    x0, y0 = round(box.x * k), round(box.y * k)
    x1, y1 = round((box.x + box.w) * k), round((box.y + box.h) * k)
    outside = on_photo.copy()
    outside[y0:y1, x0:x1] = 0
    assert outside.max() < 0.05 and on_photo[y0:y1, x0:x1].max() > 0.9
    # the explained class is input row c: photo row box.y + (c + 0.5) * box.h / 299
    c = ws.heat.class_index
    expected = (box.y + (c + 0.5) * box.h / 299) * k
    assert abs(np.mean(_hot_rows(on_photo)) - expected) < 0.1 * (y1 - y0)


def test_a_new_framing_drops_the_old_heat_and_explains_again(qtbot, window, tmp_path, fakes):
    ws = window.photo
    _open(qtbot, window, _photo(tmp_path / "a.png"))
    ws.set_explaining(True)
    qtbot.waitUntil(lambda: _heat_shown(ws), timeout=10000)
    first = ws.heat
    fakes["photo"].delay = 0.2  # the next answers take a while
    qtbot.mouseClick(ws.framing_bar.mode_buttons["crop"], Qt.MouseButton.LeftButton)
    assert ws.heat is None and ws.view.heat() is None  # dropped at once
    qtbot.waitUntil(lambda: ws.heat is not None, timeout=10000)
    assert ws.heat is not first and ws.heat.framed.framing.mode == "crop"


def test_compare_shows_each_framings_heat_map(qtbot, window, tmp_path):
    ws = window.photo
    _open(qtbot, window, _photo(tmp_path / "a.png"))
    ws.set_explaining(True)
    qtbot.mouseClick(ws.framing_bar.compare_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            ws.compare_dialog is not None
            and all(v.heat() is not None for v in ws.compare_dialog.views.values())
        ),
        timeout=10000,
    )
    assert set(ws.compare_dialog.views) == {"squash", "crop", "pad"}
    assert all("occlusion" in label.text() for label in ws.compare_dialog.heat_labels.values())


def test_a_framing_sweep_charts_the_top_class_and_lists_the_flips(qtbot, window, tmp_path):
    ws = window.photo
    _open(qtbot, window, _photo(tmp_path / "a.png", (600, 300)))
    notices: list[str] = []
    ws.notice.connect(notices.append)
    qtbot.mouseClick(ws.sweep_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ws.sweep_dialog is not None, timeout=10000)
    dialog = ws.sweep_dialog
    result = dialog.answer.result
    # the count announced is the count classified (issue 24, item 17: "about 20", 29 done)
    assert notices[0] == f"Sweeping framings: {len(result.entries)} crops, pads and shifts…"
    assert result.reference_index == ws.result.prediction.best.index
    assert dialog.list.count() == len(result.entries) > 10
    flips = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert sum(t.startswith("⚑") for t in flips) == len(result.flipped)
    assert f"{len(result.flipped)} of {len(result.entries)}" in dialog.summary.text()
    # the fake's scores are a few percent: the axis stops at the first 1, 2, 2.5 or 5 step above
    # the highest with 5% room, not at a fixed 5% or 100%, so the tallest bar fills half the
    # chart or more (issue 24, item 17; here 2.17% under a 2.5% top, where 5% stood before)
    highest = max(e.reference_score for e in result.entries)
    assert 1.05 * highest <= dialog.chart.top() <= 2 * 1.05 * highest
    shown_top = dialog.chart.plot.getViewBox().viewRange()[1][1]
    assert abs(shown_top - dialog.chart.top() * 100) < 1e-6
    # a double-click applies a crop of the sweep to the photo
    crops = [i for i, e in enumerate(result.entries) if e.framing.box is not None]
    item = dialog.list.item(crops[0])
    where = dialog.list.visualItemRect(item).center()
    qtbot.mouseClick(dialog.list.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    assert ws.framing.box == result.entries[crops[0]].framing.box
    assert ws.box_text() != ""
    # the chart names a bar under the pointer
    viewport = dialog.chart.plot.viewport()
    hover = dialog.chart.bar_rect(1).center()
    move = _event(QEvent.Type.MouseMove, viewport, hover, Qt.MouseButton.NoButton)
    QApplication.sendEvent(viewport, move)
    assert result.entries[1].name in dialog.chart.plot.toolTip()


def test_the_menu_action_toggles_explaining(qtbot, window, tmp_path):
    ws = window.photo
    _open(qtbot, window, _photo(tmp_path / "a.png"))
    ws.view.setFocus()
    qtbot.keyClick(ws.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert ws.explaining()
    qtbot.waitUntil(lambda: _heat_shown(ws), timeout=10000)


# --- the Digit workspace -----------------------------------------------------------------------
def _draw(ws, points) -> None:
    target = ws.canvas._target()
    scale = target.width() / 320
    drag(ws.canvas, polyline([(target.x() + x * scale, target.y() + y * scale) for x, y in points]))


def test_the_digit_heat_map_follows_the_drawing(qtbot, window):
    window.tabs.setCurrentWidget(window.digit)
    ws = window.digit
    qtbot.mouseClick(ws.heat_button, Qt.MouseButton.LeftButton)
    assert window.menus.heat_action.isChecked()  # the Digit menu's item follows the button
    _draw(ws, [(160, 60), (160, 260)])
    qtbot.waitUntil(lambda: ws.canvas.heat() is not None, timeout=10000)
    first = ws.canvas.heat().copy()
    assert ws.steps.input.heat().shape == (28, 28)
    assert first.shape == (160, 160) and first.max() > 0.5
    # the heat is on the ink: the vertical line at x = 160 of 320 (80 of the map's 160)
    hot_x = np.unravel_index(np.argmax(first), first.shape)[1]
    assert abs(hot_x - 80) <= 12
    assert "occlusion 7x7" in ws.heat_label.text()  # the fake MNIST model has no gradients
    # a second stroke: a new map (the fake reads rows: a horizontal bar moves the heat)
    _draw(ws, [(60, 250), (260, 250)])
    qtbot.waitUntil(
        lambda: ws.canvas.heat() is not None and not np.array_equal(ws.canvas.heat(), first),
        timeout=10000,
    )
    # off: the maps go; clearing removes them too
    qtbot.keyClick(ws.canvas, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert not ws.heat_on() and ws.canvas.heat() is None and ws.steps.input.heat() is None


def test_the_layer_view_shows_a_grid_per_convolutional_layer(qtbot, make_window, fakes):
    """The shipped model on LiteRT: the layer view reads its seven convolutions' maps from the
    conversion's extra outputs for the drawing (no Keras model, no TensorFlow), and opening it
    leaves the live heat map's method as it was."""
    from inception_desktop.core.models.mnist import load_classifier

    digit = load_classifier(runtime="litert")
    window = make_window(factories={"photo": lambda path: fakes["photo"], "digit": lambda p: digit})
    window.tabs.setCurrentWidget(window.digit)
    ws = window.digit
    qtbot.mouseClick(ws.heat_button, Qt.MouseButton.LeftButton)
    _draw(ws, [(100, 60), (220, 60), (140, 260)])
    qtbot.waitUntil(lambda: ws.canvas.heat() is not None, timeout=10000)
    method = ws.heat_label.text().split(" of ")[0]
    assert method == "Heat map: Grad-CAM at conv2d_12"  # on LiteRT, in closed form
    qtbot.mouseClick(ws.layers_button, Qt.MouseButton.LeftButton)
    dialog = ws.layer_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: len(dialog.view.grids()) > 0, timeout=10000)
    grids = dialog.view.grids()
    captions = [caption for caption, _ in grids]
    assert len(grids) == 7 and "32 maps of 26x26" in captions[0]
    # 32 tiles of 26x26 in a 6x6 grid with 1-pixel gaps
    assert (grids[0][1].width(), grids[0][1].height()) == (6 * 27 - 1, 6 * 27 - 1)
    assert "7 convolutional layers" in dialog.status.text()
    assert "on LiteRT" in dialog.status.text()
    # another drawing: the maps follow it, and the heat map keeps its method
    before = grids[0][1]
    ws.clear()
    _draw(ws, [(160, 40), (160, 280)])
    qtbot.waitUntil(
        lambda: bool(dialog.view.grids()) and dialog.view.grids()[0][1] != before, timeout=10000
    )
    qtbot.waitUntil(lambda: ws.canvas.heat() is not None, timeout=10000)
    assert ws.heat_label.text().split(" of ")[0] == method


def test_the_layer_view_of_a_model_without_maps_says_why(qtbot, window):
    """The fake MNIST model has neither a conversion with maps nor a Keras model: the view says
    so instead of loading anything."""
    window.tabs.setCurrentWidget(window.digit)
    ws = window.digit
    _draw(ws, [(160, 60), (160, 260)])
    qtbot.waitUntil(lambda: ws.result is not None and ws.result.steps is not None, timeout=10000)
    qtbot.mouseClick(ws.layers_button, Qt.MouseButton.LeftButton)
    dialog = ws.layer_dialog
    qtbot.waitUntil(lambda: "No feature maps" in dialog.view.placeholder(), timeout=10000)
    assert "gives no layer maps" in dialog.view.placeholder()


# --- end to end: Inception v3 (random weights) on TensorFlow --------------------------------------
@pytest.mark.slow
def test_grad_cam_of_the_real_network_in_the_window(qtbot, make_window, fakes, tmp_path):
    """The real classifier on the TensorFlow runtime: explaining uses Grad-CAM at mixed10
    (traced on the worker on first use, announced), and a clicked class is explained too."""
    from inception_desktop.core.models import inception

    weights = tmp_path / "weights.h5"
    inception.make_random_weights(weights, seed=0)
    classifier = inception.load_classifier(weights, runtime="tensorflow")
    window = make_window(
        factories={"photo": lambda path: classifier, "digit": lambda path: fakes["digit"]}
    )
    ws = window.photo
    notices: list[str] = []
    ws.notice.connect(notices.append)
    _open(qtbot, window, _photo(tmp_path / "a.png", (500, 300)))
    qtbot.mouseClick(ws.explain_controls.toggle, Qt.MouseButton.LeftButton)
    assert any("TensorFlow prepares the gradients" in n for n in notices)
    qtbot.waitUntil(lambda: _heat_shown(ws), timeout=120000)
    assert ws.heat.method == "gradcam" and ws.heat.layer == "mixed10"
    assert ws.heat.class_index == ws.result.prediction.best.index
    assert "Grad-CAM at mixed10" in ws.explain_controls.status.text()
    # the crop framing's map on the photo: nothing outside the centred square
    qtbot.mouseClick(ws.framing_bar.mode_buttons["crop"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: ws.heat is not None and ws.heat.framed.framing.mode == "crop", timeout=60000
    )
    on_photo = ws.view.heat()
    k = on_photo.shape[1] / 500
    assert on_photo[:, : round(95 * k)].max() == 0 and on_photo[:, round(405 * k) :].max() == 0
    # another class, by its bar
    wanted = ws.result.prediction.top[2].index
    qtbot.mouseClick(ws.bars, Qt.MouseButton.LeftButton, pos=ws.bars.row_rect(2).center().toPoint())
    qtbot.waitUntil(lambda: ws.heat is not None and ws.heat.class_index == wanted, timeout=60000)


def test_occlusion_shows_a_coarse_map_first_then_the_full_one(qtbot, window, tmp_path):
    """Occlusion costs a forward pass per cell: a 4x4 map comes first, the 8x8 one replaces it."""
    ws = window.photo
    _open(qtbot, window, _photo(tmp_path / "a.png"))
    shown_grids: list[int] = []
    explained = ws.explainer._explained

    def spy(result) -> None:
        explained(result)
        if ws.heat is result.heat:
            shown_grids.append(result.heat.grid)

    ws.explainer._explained = spy
    ws.explain_controls.method.setCurrentIndex(ws.explain_controls.method.findData("occlusion"))
    qtbot.mouseClick(ws.explain_controls.toggle, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ws.heat is not None and ws.heat.grid == 8, timeout=10000)
    assert shown_grids == [4, 8]
    assert "occlusion 8x8" in ws.explain_controls.status.text()


def test_a_drag_asks_for_one_explanation_once_the_answers_settle(qtbot, window, tmp_path):
    """Each step of a crop-box drag is classified; the map is asked for once, after the last."""
    ws = window.photo
    _open(qtbot, window, _photo(tmp_path / "a.png", (400, 300)))
    ws.set_explaining(True)
    qtbot.waitUntil(lambda: _heat_shown(ws), timeout=10000)
    sources: list[str] = []
    send = ws.channel.send

    def spy(request, *callbacks):
        sources.append(request.source)
        return send(request, *callbacks)

    ws.channel.send = spy
    rect, scale = ws.view.image_rect(), ws.view.image_rect().width() / 400
    points = [(rect.x() + x * scale, rect.y() + y * scale) for x, y in ((50, 40), (300, 260))]
    drag(ws.view, polyline(points, 6))
    qtbot.waitUntil(
        lambda: _heat_shown(ws) and ws.heat.framed.framing.box is not None, timeout=10000
    )
    assert sources.count("photo") > 10 and sources.count("explain") == 1
