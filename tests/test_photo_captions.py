"""The strip's captions, the answer shown and what is copied belong to the photo, model and
box of now (issue 24, items 1, 2, 4 and 15)."""

from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import Qt

from inception_desktop.gui.photo.shelf import CACHED
from inception_desktop.gui.photo.strip import PENDING
from tests.fakes import FakeClassifier
from tests.test_photo_workspace import _photo, drop, expected_input, files_mime, showing


def captions(ws) -> list[str]:
    return [ws.strip.caption(row) for row in range(ws.strip.count())]


def test_every_thumbnail_of_a_big_folder_is_captioned_without_a_click(qtbot, window, tmp_path):
    """More photos than are kept in memory: each one's caption still comes (one was left "…"
    until clicked when its photo had left memory before its turn)."""
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(CACHED + 4):
        _photo(folder / f"{i:02}.png", (120 + 7 * i, 90))
    drop(window, files_mime(folder))
    ws = window.photo
    qtbot.waitUntil(lambda: ws.strip.count() == CACHED + 4, timeout=10000)
    qtbot.waitUntil(lambda: PENDING not in captions(ws), timeout=20000)
    assert all(c.startswith("class ") for c in captions(ws))


def test_another_photo_model_relabels_every_thumbnail(qtbot, make_window, fakes, tmp_path):
    pets = FakeClassifier("Pets", (299, 299, 3), 3)
    pets.labels = ("cat", "dog", "rabbit")

    def photo_model(path):
        return pets if path is not None else fakes["photo"]

    win = make_window(factories={"photo": photo_model, "digit": lambda p: fakes["digit"]})
    paths = [_photo(tmp_path / f"{i}.png", (200 + 40 * i, 150)) for i in range(3)]
    drop(win, files_mime(*paths))
    ws = win.photo
    qtbot.waitUntil(lambda: ws.strip.count() == 3, timeout=10000)
    qtbot.waitUntil(lambda: all(c.startswith("class ") for c in captions(ws)), timeout=10000)
    model = tmp_path / "pets.keras"
    model.write_bytes(b"")
    win.menus.photo_model_menu.use(str(model))
    qtbot.waitUntil(lambda: win.status.model.text() == "Model: Pets", timeout=10000)
    qtbot.waitUntil(
        lambda: all(c in pets.labels for c in captions(ws)), timeout=10000
    )  # not one "class N" of ImageNet's model is left under a thumbnail
    qtbot.waitUntil(lambda: ws.headline.text().split(" — ")[0] in pets.labels, timeout=10000)
    assert {label for label, _ in ws.bars.rows()} <= set(pets.labels)


def test_removing_the_photo_being_explained_shows_none_of_its_answer(
    qtbot, make_window, fakes, tmp_path, monkeypatch
):
    """The worker busy with the removed photo's explanation: the next photo is shown at once
    with its own network input (a preview) and no scores, never beside the removed photo's;
    then its own answer comes before the map the removed photo still had pending (on LiteRT a
    coarse 4x4 map is made first, the 8x8 one waits)."""
    fakes["photo"].device = "LiteRT (fake)"
    window = make_window()
    first, second = _photo(tmp_path / "a.png", (400, 300)), _photo(tmp_path / "b.png", (150, 400))
    drop(window, files_mime(first, second))
    ws = window.photo
    qtbot.waitUntil(lambda: ws.strip.count() == 2 and showing(window, first), timeout=10000)
    model, entered, gate, seen = fakes["photo"], threading.Event(), threading.Event(), []
    scores = model.scores

    def held(array):  # every forward pass waits for the gate; the test sees which came
        entered.set()
        gate.wait(10)
        seen.append(np.asarray(array))
        return scores(array)

    monkeypatch.setattr(model, "scores", held)
    qtbot.mouseClick(ws.explain_controls.toggle, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(entered.is_set, timeout=10000)  # the worker is inside the first map
    ws.strip.setFocus()
    qtbot.keyClick(ws.strip, Qt.Key.Key_Delete)
    assert ws.photos == [str(second)] and ws.bars.rows() == []
    assert ws.headline.text() == "" and ws.input_view.array() is None
    qtbot.waitUntil(lambda: showing(window, second), timeout=10000)  # previewed, worker busy
    assert ws.bars.rows() == []
    gate.set()
    qtbot.waitUntil(lambda: len(ws.bars.rows()) == 10, timeout=10000)
    own = expected_input(second).astype(np.float64)
    first_own = next(i for i, a in enumerate(seen) if np.array_equal(a, own))
    assert first_own <= 4 * 4 + 2  # after the coarse map in flight, not 8x8 more passes
    qtbot.waitUntil(lambda: ws.heat is not None, timeout=10000)
    assert np.array_equal(ws.heat.framed.array, expected_input(second))


def test_copied_scores_name_the_crop_box_they_were_computed_with(qtbot, window, tmp_path):
    """Issue 24, item 15: with a box, the pasted header gives what the command line needs to
    give the same scores again."""
    from PySide6.QtGui import QGuiApplication

    from tests.gui_helpers import drag

    drop(window, files_mime(_photo(tmp_path / "p.png", (400, 300))))
    ws = window.photo
    qtbot.waitUntil(lambda: len(ws.bars.rows()) == 10, timeout=5000)
    r = ws.view.image_rect()
    before = ws.result
    drag(ws.view, [(r.x() + 5, r.y() + 5), (r.center().x(), r.center().y())])
    qtbot.waitUntil(
        lambda: ws.result is not before and ws.result.framing.box is not None, timeout=5000
    )
    qtbot.waitUntil(lambda: ws.channel.waiting() == 0, timeout=5000)
    qtbot.mouseClick(ws.copy_scores_button, Qt.MouseButton.LeftButton)
    header = QGuiApplication.clipboard().text().splitlines()[0]
    assert header.endswith(f"p.png\tpad\t{ws.box_text()}") and ws.box_text().startswith("--box ")
    QGuiApplication.clipboard().clear()


def test_a_tall_photo_leaves_every_thumbnail_whole_and_captions_in_one_row(qtbot, window, tmp_path):
    """Issue 24, item 16: a tall photo first made the others narrow centre crops, and captions
    sat at different heights, over the thumbnails."""
    sizes = [(60, 400), (400, 120), (300, 300), (500, 90)]
    drop(window, files_mime(*[_photo(tmp_path / f"{i}.png", s) for i, s in enumerate(sizes)]))
    ws = window.photo
    qtbot.waitUntil(lambda: ws.strip.count() == 4, timeout=10000)
    strip = ws.strip
    rects = [strip.visualItemRect(strip.item(i)) for i in range(4)]
    assert len({(r.width(), r.height(), r.top()) for r in rects}) == 1
    for i, (w, h) in enumerate(sizes):
        image = strip.item(i).icon().pixmap(64, 64).toImage()
        assert (image.width(), image.height()) == (64, 64)
        # the whole photo is there, scaled to fit: its red left band and blue right band
        ys = 32
        xs = [x for x in range(64) if image.pixelColor(x, ys).alpha() > 0]
        assert xs, f"photo {i} is not in its icon"
        left, right = image.pixelColor(xs[0], ys), image.pixelColor(xs[-1], ys)
        assert left.red() > 150 and left.blue() < 100, f"photo {i} lost its left band"
        assert right.blue() > 150 and right.red() < 100, f"photo {i} lost its right band"
        expected = round(64 * min(1, w / h)) if h > w else 64
        assert abs(len(xs) - expected) <= 2
