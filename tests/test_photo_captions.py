"""The strip's captions say what the model serving now says of each photo (issue 24, items 1, 4)."""

from __future__ import annotations

from inception_desktop.gui.photo.shelf import CACHED
from inception_desktop.gui.photo.strip import PENDING
from tests.fakes import FakeClassifier
from tests.test_photo_workspace import _photo, drop, files_mime


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
