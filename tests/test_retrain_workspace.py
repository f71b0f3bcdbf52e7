"""Issue 12 in the window: the Retrain workspace's steps, driven by clicks, and the Photo
workspace's model choice (ImageNet or a retrained model).

The data are small synthetic classes (coloured stripes, dots, checks: tests/test_retrain.py's);
the network is the real Inception v3 with fixed random weights on LiteRT, installed as the user's
weights would be, so the workspace and the worker's photo factory take their real paths.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from inception_desktop.core.store import weights
from inception_desktop.core.store.download import file_digest
from inception_desktop.gui.retrain.workspace import AUDIT, DATA, EVALUATE, FEATURES, TRAIN, USE
from inception_desktop.gui.shell.model_menu import IMAGENET
from tests.test_photo_workspace import drop, files_mime
from tests.test_retrain import CLASSES, make_classes

PER_CLASS = 12


def click(qtbot, button) -> None:
    assert button.isEnabled(), f"{button.text()} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def choose_folder(monkeypatch, folder: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))


def choose_save(monkeypatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))


@pytest.fixture
def installed(inception_weights, monkeypatch) -> Path:
    """The test weights installed as the user's (the workspace and the worker use those)."""
    monkeypatch.setenv(weights.MD5_ENV, file_digest(inception_weights))
    return weights.import_file(inception_weights)


@pytest.fixture
def real_photo_window(make_window, fakes, installed):
    """The window with the worker's real photo factory (Inception, or a retrained model, on
    LiteRT) and the fake digit model."""
    from inception_desktop.gui.runtime.worker import default_factories

    photo = default_factories(None)["photo"]
    factories = {"photo": photo, "digit": lambda path: fakes["digit"]}
    return make_window(factories=factories, runtime="litert")


def data_read(qtbot, ws) -> None:
    qtbot.waitUntil(lambda: ws.choice is not None and not ws.busy, timeout=30000)


# ----------------------------------------------------------------------------- data step


def test_data_folder_lists_classes_counts_warnings_and_the_split(
    qtbot, window, tmp_path, monkeypatch
):
    data = make_classes(tmp_path / "data", per_class=PER_CLASS)
    (data / "cyan").mkdir()
    for i in range(3):  # a fourth class with 3 photos: said, not refused
        Image.new("RGB", (40, 40), (i * 80, 200, 200)).save(data / "cyan" / f"{i}.png")
    ws = window.retrain
    window.tabs.setCurrentWidget(ws)
    choose_folder(monkeypatch, data)
    click(qtbot, ws.data_page.choose_button)
    data_read(qtbot, ws)
    assert ws.data_page.class_table.names() == sorted([*CLASSES, "cyan"])
    counts = dict(
        zip(ws.data_page.class_table.names(), ws.data_page.class_table.counts(), strict=True)
    )
    assert counts == {**dict.fromkeys(CLASSES, PER_CLASS), "cyan": 3}
    assert ws.data_page.class_table.cellWidget(0, 2).pixmap().width() > 40  # thumbnails shown
    problems = [
        ws.data_page.data_problems.item(i).text() for i in range(ws.data_page.data_problems.count())
    ]
    assert any("class 'cyan' has only 3 photos" in p for p in problems)
    assert any("imbalanced (12 vs 3 photos)" in p for p in problems)
    # 20% of 12 is 2 (x3) and of 3 is 1: 7 to validate, stratified, with the seed
    assert (
        "4 classes, 39 photos; 32 to train, 7 to validate (seed 0)"
        in ws.data_page.data_label.text()
    )
    assert ws.step_list.item(FEATURES).flags() & Qt.ItemFlag.ItemIsEnabled
    assert not ws.step_list.item(TRAIN).flags() & Qt.ItemFlag.ItemIsEnabled
    click(qtbot, ws.data_page.to_features_button)
    assert ws.step == AUDIT
    click(qtbot, ws.audit_page.to_features_button)
    assert ws.step == FEATURES


def test_bad_data_is_one_clear_message_and_keeps_what_was_read(
    qtbot, window, tmp_path, monkeypatch
):
    good = make_classes(tmp_path / "good", per_class=3)
    bad = make_classes(tmp_path / "bad", per_class=2)
    (bad / CLASSES[1] / "00.png").write_bytes((bad / CLASSES[0] / "00.png").read_bytes())
    ws = window.retrain
    problems = []
    ws.message.connect(problems.append)
    ws.set_data_folder(good)
    data_read(qtbot, ws)
    kept = ws.choice
    choose_folder(monkeypatch, bad)
    click(qtbot, ws.data_page.choose_button)
    qtbot.waitUntil(lambda: bool(problems) and not ws.busy, timeout=30000)
    assert len(problems) == 1 and "the same photo is in two classes" in problems[0]
    assert ws.choice is kept  # nothing read before is lost
    assert "Cannot use these folders" in ws.data_page.data_label.text()
    assert len(window.problems.items()) == 1  # the window lists it


def test_class_folders_added_one_by_one_and_a_dropped_folder(qtbot, window, tmp_path, monkeypatch):
    data = make_classes(tmp_path / "data", per_class=2)
    ws = window.retrain
    for name in CLASSES[:2]:
        choose_folder(monkeypatch, data / name)
        click(qtbot, ws.data_page.add_button)
    data_read(qtbot, ws)
    assert ws.choice.data.classes == CLASSES[:2]
    drop(ws, files_mime(data))  # a folder dropped on the workspace: the whole tree
    qtbot.waitUntil(lambda: ws.choice.data.classes == CLASSES and not ws.busy, timeout=30000)


def test_two_class_folders_with_one_name_are_refused(qtbot, window, tmp_path):
    a, b = make_classes(tmp_path / "a", 2), make_classes(tmp_path / "b", 2)
    ws = window.retrain
    with qtbot.waitSignal(ws.message, timeout=30000) as said:
        ws.open_paths([str(a / CLASSES[0]), str(b / CLASSES[0])])
    assert f"two class folders are named '{CLASSES[0]}'" in said.args[0]


# ----------------------------------------------------------------------------- features


def test_cancelled_features_are_said_and_resumed_from_the_cache(qtbot, window, tmp_path, installed):
    data = make_classes(tmp_path / "data", per_class=PER_CLASS)
    ws = window.retrain
    ws.set_data_folder(data)
    data_read(qtbot, ws)
    ws.go_to(FEATURES)
    notices = []
    ws.notice.connect(notices.append)
    click(qtbot, ws.features_page.compute_button)
    click(qtbot, ws.features_page.cancel_button)  # before the first batch: stopped there
    qtbot.waitUntil(lambda: not ws.busy, timeout=60000)
    assert ws.features is None and any(n.startswith("Cancelled: stopped after") for n in notices)
    assert not window.problems.items()  # a cancel is no problem
    click(qtbot, ws.features_page.compute_button)
    qtbot.waitUntil(lambda: ws.features is not None and not ws.busy, timeout=120000)
    assert ws.features.computed + ws.features.cache_hits == 3 * PER_CLASS
    assert ws.features_page.progress.value() == ws.features_page.progress.maximum() == 3 * PER_CLASS
    assert ws.step == TRAIN
    ws.go_to(FEATURES)
    click(qtbot, ws.features_page.compute_button)  # again: every photo from the cache
    qtbot.waitUntil(lambda: not ws.busy, timeout=60000)
    assert ws.features.cache_hits == 3 * PER_CLASS and ws.features.computed == 0


# ----------------------------------------------------------------------------- the whole flow


def test_retrain_in_the_window_then_classify_with_it_in_the_photo_workspace(
    qtbot, real_photo_window, make_window, fakes, tmp_path, monkeypatch
):
    win = real_photo_window
    ws = win.retrain
    data = make_classes(tmp_path / "data", per_class=PER_CLASS)
    (data / CLASSES[0] / "broken.jpg").write_bytes(b"not a jpeg")
    win.tabs.setCurrentWidget(ws)
    choose_folder(monkeypatch, data)
    click(qtbot, ws.data_page.choose_button)
    data_read(qtbot, ws)
    click(qtbot, ws.data_page.to_features_button)
    click(qtbot, ws.features_page.compute_button)
    qtbot.waitUntil(lambda: ws.features is not None and not ws.busy, timeout=120000)
    problems = [
        ws.data_page.data_problems.item(i).text() for i in range(ws.data_page.data_problems.count())
    ]
    assert any("broken.jpg" in p for p in problems)  # listed and skipped, the run goes on
    ws.train_page.epochs_spin.setValue(60)
    click(qtbot, ws.train_page.train_button)
    qtbot.waitUntil(lambda: ws.trained is not None and not ws.busy, timeout=120000)
    assert ws.train_page.curve.epochs == ws.trained.card["epochs"] >= 2  # one point per epoch, live
    # the finished curve stays in front (issue 24, item 11); Evaluate is one click away
    assert ws.step == TRAIN and ws.train_page.curve.isVisible()
    click(qtbot, ws.train_page.to_evaluate_button)
    assert ws.step == EVALUATE
    summary = ws.trained.summary
    assert summary["accuracy"] >= 0.9
    matrix = [[ws.evaluate_page.confusion.count(t, p) for p in range(3)] for t in range(3)]
    assert sum(map(sum, matrix)) == summary["size"] == 6  # 2 of each class's 12 (one broken)
    assert "Validation accuracy" in ws.evaluate_page.accuracy_label.text()
    assert ws.evaluate_page.per_class.rowCount() == 3
    # Use: saved first, then loaded as the photo model by the worker's photo factory
    model = tmp_path / "shapes.keras"
    choose_save(monkeypatch, model)
    ws.go_to(USE)
    win.photo.set_mode("crop")  # the model was trained on pad framing: the window follows it
    click(qtbot, ws.use_page.use_button)
    qtbot.waitUntil(lambda: win.status.model.text().startswith("Model: Inception v3 retrained"),
                    timeout=120000)  # fmt: skip
    assert model.is_file() and win.tabs.currentWidget() is win.photo
    assert win.menus.photo_model_menu.checked_path() == str(model)
    assert win.menus.framing_group.checkedAction().data() == "pad"
    photo = tmp_path / "photo.png"
    Image.open(data / CLASSES[2] / "03.png").save(photo)
    win.open_paths([str(photo)])
    qtbot.waitUntil(lambda: len(win.photo.bars.rows()) == 3, timeout=60000)
    assert {label for label, _ in win.photo.bars.rows()} == set(CLASSES)  # the user's names
    # a model trained on other weights is refused with the window's advice; the model stays
    other = _with_card(model, tmp_path / "other.keras", weights_md5="0" * 32)
    with qtbot.waitSignal(win.photo.message, timeout=60000) as said:
        win.menus.photo_model_menu.use(str(other))
    assert f"with md5 {'0' * 32}" in said.args[0] and "Import the weights" in said.args[0]
    assert "--force" not in said.args[0]
    qtbot.waitUntil(lambda: win.menus.photo_model_menu.checked_path() == str(model), timeout=10000)
    # the next session starts with it; one where it no longer loads falls back to ImageNet
    assert win.settings.photo_model == str(model)
    assert win.settings.photo_models() == [str(model)]  # kept when one loads: not 'other'
    again = make_window(factories=win.worker._factories, runtime="litert", installed=False,
                        ready=False)  # fmt: skip
    qtbot.waitUntil(lambda: again.photo.model.state.ready, timeout=120000)
    assert again.menus.photo_model_menu.checked_path() == str(model)
    assert again.photo.model.state.name.startswith("Inception v3 retrained")
    assert again.menus.photo_model_menu.recent == [str(model)]
    again.close()
    win.settings.photo_model = str(tmp_path / "moved.keras")
    third = make_window(factories=win.worker._factories, runtime="litert", installed=False,
                        ready=False)  # fmt: skip
    qtbot.waitUntil(lambda: third.photo.model.state.ready, timeout=120000)
    assert third.photo.model.state.name == "Inception v3"
    assert third.menus.photo_model_menu.checked_path() is None and win.settings.photo_model == ""
    assert any("moved.keras" in p.text for p in third.problems.items())
    third.close()
    # and back to ImageNet through Photo › Model
    imagenet = win.menus.photo_model_menu.group.actions()[0]
    assert imagenet.text().replace("&", "") == IMAGENET
    imagenet.trigger()
    qtbot.waitUntil(lambda: win.status.model.text() == "Model: Inception v3", timeout=120000)
    assert win.menus.photo_model_menu.checked_path() is None


def _with_card(source: Path, target: Path, **changes) -> Path:
    """A copy of a retrained model file whose model card has ``changes``."""
    import json
    import zipfile

    from inception_desktop.core.models.mnist_file import METADATA_MEMBER

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == METADATA_MEMBER:
                data = json.dumps({**json.loads(data), **changes}).encode()
            new.writestr(item, data)
    return target


# ----------------------------------------------------------------------------- evaluate, use


def test_a_click_on_a_mistake_opens_it_in_the_photo_workspace(qtbot, window, tmp_path):
    photo = tmp_path / "wrong.png"
    Image.fromarray(np.full((60, 80, 3), (200, 30, 30), np.uint8)).save(photo)
    ws = window.retrain
    window.tabs.setCurrentWidget(ws)
    summary = {
        "accuracy": 0.5,
        "size": 2,
        "per_class": {"a": 1.0, "b": 0.0},
        "confusion_matrix": [[1, 0], [1, 0]],
        "misclassified": [{"path": str(photo), "true": "b", "predicted": "a", "score": 0.875}],
    }
    ws.evaluate_page.show_evaluation(summary, ["a", "b"])
    ws.go_to(EVALUATE)
    assert (
        ws.evaluate_page.confusion.count(1, 0) == 1
        and ws.evaluate_page.per_class.item(1, 1).text() == "0.0%"
    )
    assert ws.evaluate_page.gallery.item(0).text() == "b\nas a 88%"
    qtbot.waitUntil(lambda: not ws.evaluate_page.gallery.item(0).icon().isNull(), timeout=10000)
    rect = ws.evaluate_page.gallery.visualItemRect(ws.evaluate_page.gallery.item(0))
    with qtbot.waitSignal(window.photo.photoOpened, timeout=10000) as opened:
        qtbot.mouseClick(
            ws.evaluate_page.gallery.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
        )
    assert opened.args[0] == str(photo)
    assert window.tabs.currentWidget() is window.photo


def test_photo_model_menu_checks_what_loaded_and_keeps_it_when_another_fails(
    qtbot, make_window, fakes, tmp_path
):
    def photo(path):
        if path is not None and "broken" in str(path):
            raise ValueError(f"{path}: not a retrained model")
        return fakes["photo"]

    win = make_window(factories={"photo": photo, "digit": lambda path: fakes["digit"]})
    menu = win.menus.photo_model_menu
    assert menu.checked_path() is None
    good, broken = tmp_path / "good.keras", tmp_path / "broken.keras"
    menu.use(str(good))
    qtbot.waitUntil(lambda: menu.checked_path() == str(good), timeout=10000)
    with qtbot.waitSignal(win.photo.message, timeout=10000) as said:
        menu.use(str(broken))
    assert "not a retrained model" in said.args[0]
    qtbot.waitUntil(lambda: menu.checked_path() == str(good), timeout=10000)
    names = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert names[1] == "&Open Retrained Model…" and "broken.keras" in names[2]
    assert [a.isChecked() for a in menu.group.actions()].count(True) == 1


def test_the_retrain_workspace_is_ctrl_3_with_its_own_menu(qtbot, window):
    from PySide6.QtTest import QTest

    QTest.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.retrain
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Retrain"
    assert window.status.model.text() == "Model: retrained head: none yet"
    window.tabs.setCurrentWidget(window.photo)
    texts = [a.text() for a in window.menus.retrain_actions]
    keys = [t[t.index("&") + 1].lower() for t in texts]
    assert len(set(keys)) == len(keys)
    assert window.retrain.step == DATA
    photo_menu = next(
        a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Photo"
    )
    assert window.menus.photo_model_menu.menuAction() in photo_menu.actions()
    items = [a.text() for a in photo_menu.actions() if not a.isSeparator() and "&" in a.text()]
    photo_keys = [t[t.index("&") + 1].lower() for t in items]
    assert "Mod&el" in items and len(set(photo_keys)) == len(photo_keys), items
    titles = [a.text() for a in window.menuBar().actions()]
    assert "Re&train" in titles
    letters = [t[t.index("&") + 1].lower() for t in titles]
    assert len(set(letters)) == len(letters)


@pytest.mark.slow
def test_export_a_self_contained_tflite_from_the_window(
    qtbot, window, tmp_path, installed, monkeypatch
):
    import json

    ws = window.retrain
    window.tabs.setCurrentWidget(ws)
    ws.set_data_folder(make_classes(tmp_path / "data", per_class=6))
    data_read(qtbot, ws)
    ws.train_page.epochs_spin.setValue(5)
    click(qtbot, ws.features_page.compute_button)
    qtbot.waitUntil(lambda: ws.features is not None and not ws.busy, timeout=120000)
    click(qtbot, ws.train_page.train_button)
    qtbot.waitUntil(lambda: ws.trained is not None and not ws.busy, timeout=120000)
    ws.go_to(USE)
    target = tmp_path / "shapes.tflite"
    choose_save(monkeypatch, target)
    click(qtbot, ws.use_page.export_button)
    assert ws.use_page.export_progress.isVisible() and not ws.use_page.save_button.isEnabled()
    qtbot.waitUntil(lambda: not ws.busy, timeout=400000)
    assert ws.use_page.use_label.text().startswith(f"Exported {target}")
    labels = json.loads((tmp_path / "shapes.labels.json").read_text())
    assert labels["labels"] == list(CLASSES) and target.stat().st_size > 1_000_000


def test_a_separate_test_folder_replaces_the_split(qtbot, window, tmp_path, monkeypatch):
    data = make_classes(tmp_path / "data", per_class=4)
    test = make_classes(tmp_path / "test", per_class=2, seed=5)
    ws = window.retrain
    window.tabs.setCurrentWidget(ws)
    ws.set_data_folder(data)
    data_read(qtbot, ws)
    assert not ws.data_page.no_test_button.isEnabled()
    choose_folder(monkeypatch, test)
    click(qtbot, ws.data_page.test_button)
    qtbot.waitUntil(lambda: ws.choice.held is not None and not ws.busy, timeout=30000)
    assert "all 12 to train, 6 in the test folder to validate" in ws.data_page.data_label.text()
    click(qtbot, ws.data_page.no_test_button)
    qtbot.waitUntil(lambda: ws.choice.held is None and not ws.busy, timeout=30000)
    assert "to validate (seed 0)" in ws.data_page.data_label.text()


def test_stop_ends_training_after_the_epoch_and_keeps_the_head(qtbot, window, tmp_path, installed):
    ws = window.retrain
    window.tabs.setCurrentWidget(ws)
    ws.set_data_folder(make_classes(tmp_path / "data", per_class=4))
    data_read(qtbot, ws)
    click(qtbot, ws.features_page.compute_button)
    qtbot.waitUntil(lambda: ws.features is not None and not ws.busy, timeout=120000)
    assert ws.features.train_photos == len(ws.features.y_train) == 9  # 3 of 4 per class
    ws.go_to(FEATURES)
    qtbot.mouseClick(
        ws.features_page.augment_check, Qt.MouseButton.LeftButton
    )  # mirrored copies too
    assert ws.features is None and ws.features_page.compute_button.isEnabled()
    qtbot.mouseClick(ws.features_page.crop_check, Qt.MouseButton.LeftButton)  # and cropped ones
    click(qtbot, ws.features_page.compute_button)
    qtbot.waitUntil(lambda: ws.features is not None and not ws.busy, timeout=120000)
    assert ws.features.train_photos == 9 and len(ws.features.y_train) == 27
    assert ws.features.computed == 18  # only the variants: the photos came from the cache
    assert "(and their mirror images and crops)" in ws.features_page.features_label.text()
    ws.train_page.early_check.setChecked(
        False
    )  # 1000 epochs, no early stop: only Stop ends it soon
    ws.train_page.epochs_spin.setValue(1000)
    click(qtbot, ws.train_page.train_button)
    click(qtbot, ws.train_page.stop_button)
    qtbot.waitUntil(lambda: ws.trained is not None and not ws.busy, timeout=120000)
    card = ws.trained.card
    assert card["stopped_by_hand"] is True and card["epochs"] < 1000
    assert card["train"] == 9 and card["augmented"] == ["flip", "crop"]
    assert "trained on 27 examples: 9 photos and their mirror images and crops" in (
        ws.use_page.card_label.text()
    )
    assert ws.train_page.curve.epochs == card["epochs"] and ws.use_page.save_button.isEnabled()
    # another split makes the features stale, not the head: it can still be saved or exported
    ws.go_to(DATA)
    qtbot.keyClick(ws.data_page.seed_spin, Qt.Key.Key_Up)
    assert ws.features is None and ws.trained is not None
    assert ws.use_page.save_button.isEnabled() and not ws.train_page.train_button.isEnabled()
    assert ws.step_list.item(USE).flags() & Qt.ItemFlag.ItemIsEnabled


# ----------------------------------------------------------------------------- one core


def _head_scores(path: Path, features: np.ndarray) -> np.ndarray:
    from inception_desktop.core.training.retrain.model_file import load

    return load(path).head.scores(features)


def test_the_window_and_the_command_line_train_the_same_model(
    qtbot, window, tmp_path, installed, capsys
):
    """The window's Train step runs ``retrain`` with its boxes as options: the same data, seed
    and settings give the same card (times apart) and the same validation scores as the command
    line given those options. (Before, the window set dropout, patience and class weights that
    the command line could not, and the two trained differently.)"""
    from inception_desktop.cli import main

    data = make_classes(tmp_path / "data", per_class=5)
    ws = window.retrain
    window.tabs.setCurrentWidget(ws)
    ws.set_data_folder(data)
    data_read(qtbot, ws)
    ws.data_page.seed_spin.setValue(4)
    ws.go_to(FEATURES)
    qtbot.mouseClick(ws.features_page.augment_check, Qt.MouseButton.LeftButton)
    click(qtbot, ws.features_page.compute_button)
    qtbot.waitUntil(lambda: ws.features is not None and not ws.busy, timeout=120000)
    page = ws.train_page
    page.hidden_spin.setValue(32)
    page.dropout_spin.setValue(0.2)
    page.balance_check.setChecked(False)
    page.patience_spin.setValue(3)
    page.epochs_spin.setValue(12)
    click(qtbot, page.train_button)
    qtbot.waitUntil(lambda: ws.trained is not None and not ws.busy, timeout=120000)
    cli_model = tmp_path / "cli.keras"
    code = main(
        ["retrain", str(data), "--out", str(cli_model), "--seed", "4", "--augment", "flip",
         "--hidden", "32", "--dropout", "0.2", "--no-class-weights", "--patience", "3",
         "--epochs", "12", "--json"]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    from inception_desktop.core.training.retrain.model_file import load

    cli_card = dict(load(cli_model).metadata)
    window_card = dict(ws.trained.card)
    for card in (cli_card, window_card):
        for key in ("date", "kind", "format"):
            card.pop(key, None)
    assert window_card == cli_card
    assert window_card["dropout"] == 0.2 and window_card["class_weights"] is False
    assert window_card["patience"] == 3 and window_card["augmented"] == ["flip"]
    features = np.random.default_rng(0).normal(0, 0.01, (8, 2048)).astype(np.float32)
    window_scores = _head_scores(ws.trained.model_path, features)
    np.testing.assert_allclose(window_scores, _head_scores(cli_model, features), atol=1e-5)


def test_a_training_process_killed_from_outside_is_a_problem_and_leaves_no_model(
    qtbot, window, tmp_path, installed
):
    import os
    import signal

    ws = window.retrain
    window.tabs.setCurrentWidget(ws)
    ws.set_data_folder(make_classes(tmp_path / "data", per_class=4))
    data_read(qtbot, ws)
    click(qtbot, ws.features_page.compute_button)
    qtbot.waitUntil(lambda: ws.features is not None and not ws.busy, timeout=120000)
    ws.train_page.early_check.setChecked(False)
    ws.train_page.epochs_spin.setValue(1000)
    click(qtbot, ws.train_page.train_button)
    qtbot.waitUntil(lambda: ws.train_page.curve.epochs >= 1, timeout=120000)
    job = ws._job
    os.kill(job.pid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would
    qtbot.waitUntil(lambda: not ws.busy, timeout=30000)
    [problem] = [p.text for p in window.problems.items()]
    assert "Retrain (training): the training process was killed or crashed" in problem
    assert ws.trained is None and not ws.train_page.to_evaluate_button.isEnabled()
    assert list(ws._scratch_dir().iterdir()) == []  # no model, not even a half-written one
    assert ws.train_page.train_button.isEnabled()  # the window lives on: train again
    window.open_paths([str(next((tmp_path / "data").rglob("*.png")))])  # and the rest works
    qtbot.waitUntil(lambda: len(window.photo.bars.rows()) > 0, timeout=30000)


def test_after_a_retrain_the_window_process_has_not_imported_tensorflow(installed, tmp_path):
    """The whole retrain, driven in a window process of its own (benchmarks/retrain_window.py):
    TensorFlow ran only in the child, so the window never imported it."""
    import json
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "retrain_window.py"), "--per-class", "4",
         "--epochs", "3", "--json"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["trained"] and out["problems"] == []
    assert out["tensorflow_imported"] is False


# ----------------------------------------------------------------------------- audit (issue 26)


def _list_texts(widget) -> list[str]:
    return [widget.item(i).text() for i in range(widget.count())]


def test_the_audit_step_shows_findings_moves_and_undoes(
    qtbot, window, tmp_path, installed, monkeypatch
):
    """Audit the data in the window: the planted mislabels, copies and blanks are listed and on
    the map; selected photos move to another class or aside (renames, logged), Undo puts them
    back, and the data is read again after each."""
    from tests.audit_data import make_audit_data

    planted = make_audit_data(tmp_path / "audit", per_class=12)
    ws = window.retrain
    window.tabs.setCurrentWidget(ws)
    ws.set_data_folder(planted.root)
    data_read(qtbot, ws)
    ws.go_to(AUDIT)
    page = ws.audit_page
    click(qtbot, page.audit_button)
    qtbot.waitUntil(lambda: ws.audit_step.result is not None and not ws.busy, timeout=120000)
    suspects = _list_texts(page.suspects)
    assert sum(Path(p).name in " ".join(suspects) for p in planted.mislabels) >= 5
    assert any("different classes: green/red-00-reencoded.jpg" in t for t in
               _list_texts(page.duplicates))  # fmt: skip
    assert all(any(Path(b).name in t for t in _list_texts(page.outliers)) for b in planted.blanks)
    assert page.map.paths == ws.audit_step.result.paths
    # select the first suspect and move it where the other photos say it belongs
    first = page.suspects.item(0)
    path = first.data(Qt.ItemDataRole.UserRole)[0]
    suggested = first.text().split("looks like ")[1].split(" (")[0]
    page.lists.setCurrentWidget(page.suspects)
    first.setSelected(True)
    assert page.target.currentText() == suggested  # where the other photos say it belongs
    assert all(name in page.legend.text() for name in ("blue", "green", "red"))
    click(qtbot, page.move_button)
    moved = planted.root / suggested / Path(path).name
    assert moved.is_file() and not Path(path).exists()
    qtbot.waitUntil(lambda: not ws.busy, timeout=30000)  # the data was read again
    assert "Moved 1 photo to" in page.status.text() and "audit again" in page.status.text()
    blank = planted.blanks[0]
    page.lists.setCurrentWidget(page.outliers)
    page.outliers.clearSelection()
    for i in range(page.outliers.count()):
        item = page.outliers.item(i)
        item.setSelected(item.data(Qt.ItemDataRole.UserRole)[0] == blank)
    click(qtbot, page.aside_button)
    aside = planted.root.parent / "data-set-aside" / Path(blank).parent.name / Path(blank).name
    assert aside.is_file() and not Path(blank).exists()
    qtbot.waitUntil(lambda: not ws.busy, timeout=30000)
    click(qtbot, page.undo_all_button)
    assert Path(path).is_file() and Path(blank).is_file()
    assert not moved.exists() and not aside.exists()
    log = (planted.root.parent / "data-set-aside" / "moves.jsonl").read_text()
    assert log.count('"what": "undo"') == 2


def test_a_confusion_matrix_cell_selects_its_photos(qtbot, window, tmp_path):
    photos = []
    for n in range(3):
        photo = tmp_path / f"wrong{n}.png"
        Image.fromarray(np.full((40, 40, 3), 60 * n, np.uint8)).save(photo)
        photos.append(str(photo))
    ws = window.retrain
    window.tabs.setCurrentWidget(ws)
    summary = {
        "accuracy": 0.5, "size": 6, "per_class": {"a": 0.5, "b": 0.0, "c": 1.0},
        "confusion_matrix": [[1, 1, 0], [2, 0, 0], [0, 0, 2]],
        "misclassified": [
            {"path": photos[0], "true": "a", "predicted": "b", "score": 0.6},
            {"path": photos[1], "true": "b", "predicted": "a", "score": 0.7},
            {"path": photos[2], "true": "b", "predicted": "a", "score": 0.8},
        ],
    }  # fmt: skip
    page = ws.evaluate_page
    page.show_evaluation(summary, ["a", "b", "c"])
    ws.go_to(EVALUATE)
    assert page.gallery.paths() == photos

    def click_cell(row: int, column: int) -> None:
        table = page.confusion
        rect = table.visualRect(table.model().index(row, column))
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    click_cell(1, 0)  # true b, answered a
    assert page.gallery.paths() == photos[1:]
    click_cell(0, 1)
    assert page.gallery.paths() == photos[:1]
    click_cell(0, 1)  # the same cell again: all of them
    assert page.gallery.paths() == photos


def test_answer_unknown_in_the_window_agrees_with_the_command_line(
    qtbot, real_photo_window, tmp_path, capsys
):
    """Photo › Answer Unknown Below Its Threshold: the window's verdict on each photo is the
    command line's ``classify --unknown auto`` (one core rule, the model card's threshold)."""
    import json

    from inception_desktop.cli import main

    win = real_photo_window
    data = make_classes(tmp_path / "data", per_class=6)
    model = tmp_path / "shapes.keras"
    assert main(["retrain", str(data), "--out", str(model), "--epochs", "8", "--json"]) == 0
    rng = np.random.default_rng(5)
    photos = [tmp_path / f"photo{n}.png" for n in range(3)]
    Image.open(data / CLASSES[0] / "00.png").save(photos[0])
    Image.fromarray(rng.integers(0, 255, (70, 70, 3), dtype=np.uint8)).save(photos[1])
    Image.fromarray(np.full((70, 70, 3), 128, np.uint8)).save(photos[2])
    capsys.readouterr()
    assert main(["classify", *map(str, photos), "--model", str(model), "--unknown", "auto",
                 "--json"]) == 0  # fmt: skip
    verdicts = [r["unknown"] for r in json.loads(capsys.readouterr().out)]
    win.menus.photo_model_menu.use(str(model))
    qtbot.waitUntil(lambda: win.photo.model.state.name.startswith("Inception v3 retrained"),
                    timeout=120000)  # fmt: skip
    win.menus.unknown_action.trigger()
    assert win.menus.unknown_action.isChecked()
    for photo, unknown in zip(photos, verdicts, strict=True):
        win.open_paths([str(photo)])
        qtbot.waitUntil(
            lambda p=photo: (
                win.photo.scores.result is not None
                and win.photo.scores.result.path == str(p)
                and win.photo.scores.result.unknown is not None
            ),
            timeout=60000,
        )
        assert win.photo.scores.result.unknown[0] == unknown
        assert win.photo.headline.text().startswith("Unknown:") == unknown


def test_view_precision_int8_retrains_on_int8_features(qtbot, window, tmp_path, installed):
    """With View › Precision at int8 the Retrain workspace computes the features with the int8
    backbone (cached apart from float32's), the training child is told --precision int8, and the
    model card says which features it learnt from."""
    window.set_precision("int8")
    ws = window.retrain
    window.tabs.setCurrentWidget(ws)
    ws.set_data_folder(make_classes(tmp_path / "data", per_class=4))
    data_read(qtbot, ws)
    click(qtbot, ws.features_page.compute_button)
    qtbot.waitUntil(lambda: ws.features is not None and not ws.busy, timeout=120000)
    assert ws.features.precision == "int8" and ws.features.computed == 12
    ws.train_page.epochs_spin.setValue(3)
    click(qtbot, ws.train_page.train_button)
    qtbot.waitUntil(lambda: ws.trained is not None and not ws.busy, timeout=120000)
    assert ws.trained.card["precision"] == "int8"
    window.set_precision("fp32")
    ws.go_to(FEATURES)
    click(qtbot, ws.features_page.compute_button)
    qtbot.waitUntil(lambda: ws.features is not None and not ws.busy, timeout=120000)
    assert ws.features.precision == "fp32" and ws.features.computed == 12  # not int8's
