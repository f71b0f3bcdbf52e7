"""The Many Photos workspace with a real worker thread and a fake model: real clicks and keys."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from inception_desktop.gui.batch.table import CLASS, FILE, SCORE
from inception_desktop.gui.batch.workspace import BatchWorkspace
from inception_desktop.gui.runtime.worker import WorkerThread
from tests.fakes import FakeClassifier


def _photos(folder: Path, n: int, broken: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(3)
    for i in range(n):
        shade = rng.integers(0, 255, (48, 64, 3), dtype=np.uint8)
        Image.fromarray(shade).save(folder / f"p{i:03d}.png")
    for i in range(broken):
        (folder / f"z_broken{i}.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    return folder


@pytest.fixture
def model():
    return FakeClassifier("Fake Inception", (299, 299, 3), 1000)


@pytest.fixture
def workspace(qtbot, model):
    thread = WorkerThread({"photo": lambda path: model, "digit": lambda path: model})
    space = BatchWorkspace(thread.worker)
    qtbot.addWidget(space)
    space.resize(1000, 600)
    space.show()
    with qtbot.waitSignal(space.model.ready, timeout=10000):
        thread.worker.load("photo")
    yield space
    space.shutdown()
    thread.stop()


def _run(qtbot, space: BatchWorkspace, paths: list[str], timeout: int = 30000) -> None:
    with qtbot.waitSignal(space.batchFinished, timeout=timeout):
        space.open_paths(paths)


def test_a_folder_becomes_one_row_per_photo_errors_included(qtbot, workspace, model, tmp_path):
    folder = _photos(tmp_path / "photos", 37, broken=2)
    problems = []
    workspace.message.connect(problems.append)
    _run(qtbot, workspace, [str(folder)])
    assert workspace.results.rowCount() == 39
    records = workspace.results.records()
    assert sorted(Path(r.path).name for r in records if r.ok) == [
        f"p{i:03d}.png" for i in range(37)
    ]
    bad = [r for r in records if not r.ok]
    assert len(bad) == 2 and all(r.error for r in bad)
    assert problems == [
        "2 of 39 photos could not be classified (their rows say why: tick 'Errors only')"
    ]
    ok = next(r for r in records if r.ok)
    assert ok.model == "Fake Inception" and ok.device == "FakeDevice" and ok.framing == "pad"
    assert len(ok.top) == 5
    # Batched through classify_batch: the fake saw exactly the 37 good photos, at 299x299.
    assert len(model.seen) == 37 and model.seen[0].shape == (299, 299, 3)
    assert "39 photos" in workspace.status.text() and "2 failed" in workspace.status.text()
    assert workspace.export_button.isEnabled() and not workspace.cancel_button.isEnabled()


def test_sorting_and_filtering_by_clicks_and_keys(qtbot, workspace, tmp_path):
    _run(qtbot, workspace, [str(_photos(tmp_path / "photos", 20, broken=1))])
    header = workspace.table.horizontalHeader()
    score_header = QPoint(header.sectionViewportPosition(SCORE) + 5, 5)
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=score_header)
    proxy = workspace.proxy
    scores = [proxy.index(r, SCORE).data(Qt.ItemDataRole.UserRole) for r in range(proxy.rowCount())]
    assert scores == sorted(scores) or scores == sorted(scores, reverse=True)
    QTest.mouseClick(workspace.errors_box, Qt.MouseButton.LeftButton)
    assert proxy.rowCount() == 1 and proxy.index(0, CLASS).data().startswith("error:")
    QTest.mouseClick(workspace.errors_box, Qt.MouseButton.LeftButton)
    label = workspace.results.records()[0].label or workspace.results.records()[1].label
    workspace.class_filter.setFocus()
    QTest.keyClicks(workspace.class_filter, label)
    assert 1 <= proxy.rowCount() < 21
    assert all(label in proxy.index(r, CLASS).data() for r in range(proxy.rowCount()))
    workspace.class_filter.clear()
    workspace.below_spin.setValue(0.0)
    QTest.mouseClick(workspace.below_box, Qt.MouseButton.LeftButton)
    assert proxy.rowCount() == 0  # no score is below 0%, and errors have none
    workspace.below_spin.setValue(100.0)
    assert proxy.rowCount() == 20


def test_activating_a_row_asks_to_open_it_with_its_framing(qtbot, workspace, tmp_path):
    workspace.framing_combo.setCurrentText("crop")
    _run(qtbot, workspace, [str(_photos(tmp_path / "photos", 3))])
    table = workspace.table
    table.setFocus()
    table.selectRow(1)
    with qtbot.waitSignal(workspace.openRequested) as opened:
        QTest.keyClick(table, Qt.Key.Key_Return)
    path, framing = opened.args
    assert Path(path).name == Path(table.model().index(1, FILE).data()).name
    assert framing.mode == "crop"


def test_copy_rows_and_export_csv_and_json(qtbot, workspace, tmp_path):
    _run(qtbot, workspace, [str(_photos(tmp_path / "photos", 5, broken=1))])
    workspace.table.setFocus()
    workspace.table.selectRow(0)
    QTest.keyClick(workspace.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    copied = QGuiApplication.clipboard().text().splitlines()
    assert len(copied) == 2 and copied[0].startswith("File\tClass\tScore")
    with qtbot.waitSignal(workspace.notice, timeout=10000):
        workspace.export_to(str(tmp_path / "out.csv"), "csv")
    rows = list(csv.DictReader((tmp_path / "out.csv").open()))
    assert len(rows) == 6 and sum(1 for r in rows if r["error"]) == 1
    with qtbot.waitSignal(workspace.notice, timeout=10000):
        workspace.export_to(str(tmp_path / "out.json"), "json")
    assert len(json.loads((tmp_path / "out.json").read_text())) == 6
    in_the_way = tmp_path / "dir.json"
    in_the_way.mkdir()
    with qtbot.waitSignal(workspace.message, timeout=10000) as failed:
        workspace.export_to(str(in_the_way), "json")
    assert failed.args[0].startswith("Export failed: cannot write")
    assert workspace.results.rowCount() == 6  # the table is kept


def test_copy_into_class_folders_asks_first_then_copies(qtbot, workspace, tmp_path):
    src = _photos(tmp_path / "photos", 4, broken=1)
    _run(qtbot, workspace, [str(src)])
    dest = tmp_path / "sorted"
    plan = workspace.plan_class_folders(str(dest))
    box = workspace.confirm_box
    assert box is not None and box.isVisible() and "4 photos will be copied" in box.text()
    assert not dest.exists()  # nothing before the person agrees
    with qtbot.waitSignal(workspace.notice, timeout=10000):
        QTest.mouseClick(box.button(box.StandardButton.Ok), Qt.MouseButton.LeftButton)
    copied = sorted(p.name for p in dest.rglob("*.png"))
    assert copied == [f"p{i:03d}.png" for i in range(4)] and len(plan.skipped) == 1
    assert len(list(src.iterdir())) == 5  # originals stay


def test_cancel_stops_the_batch_and_keeps_the_rows(qtbot, tmp_path):
    slow = FakeClassifier("Fake Inception", (299, 299, 3), 1000, delay=0.02)
    thread = WorkerThread({"photo": lambda path: slow})
    space = BatchWorkspace(thread.worker)
    qtbot.addWidget(space)
    space.show()
    with qtbot.waitSignal(space.model.ready, timeout=10000):
        thread.worker.load("photo")
    try:
        space.open_paths([str(_photos(tmp_path / "photos", 200))])
        qtbot.waitUntil(lambda: space.results.rowCount() >= 16, timeout=20000)
        assert space.cancel_button.isEnabled()
        with qtbot.waitSignal(space.batchFinished, timeout=10000) as done:
            QTest.mouseClick(space.cancel_button, Qt.MouseButton.LeftButton)
        assert done.args == [True]
        kept = space.results.rowCount()
        assert 16 <= kept < 200 and "Cancelled after" in space.status.text()
        qtbot.wait(300)
        assert space.results.rowCount() == kept  # answers still at the worker are dropped
    finally:
        space.shutdown()
        thread.stop()


# --- in the window ------------------------------------------------------------------------------


@pytest.fixture
def history_dir(tmp_path, monkeypatch):
    """The window's history database goes to this test's folder."""
    folder = tmp_path / "data"
    monkeypatch.setenv("INCEPTION_DESKTOP_DATA", str(folder))
    return folder


def test_in_the_window_a_dropped_folder_is_a_batch_and_a_row_opens_in_the_photo_tab(
    qtbot, history_dir, window, tmp_path
):
    from tests.test_photo_workspace import drop, files_mime

    QTest.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.batch
    batch = window.batch
    batch.framing_combo.setCurrentText("crop")
    with qtbot.waitSignal(batch.batchFinished, timeout=30000):
        drop(window, files_mime(_photos(tmp_path / "photos", 6)))
    assert batch.results.rowCount() == 6 and window.photo.photo_count() == 0
    batch.table.setFocus()
    batch.table.selectRow(2)
    QTest.keyClick(batch.table, Qt.Key.Key_Return)
    assert window.tabs.currentWidget() is window.photo
    qtbot.waitUntil(lambda: window.photo.photo_count() == 1, timeout=10000)
    assert window.photo.mode == "crop"
    assert Path(window.photo.photos[0]).name == batch.proxy.index(2, FILE).data()


def test_a_folder_that_vanishes_mid_batch_is_one_message_and_every_row_stays(qtbot, tmp_path):
    import shutil

    slow = FakeClassifier("Fake Inception", (299, 299, 3), 1000, delay=0.01)
    thread = WorkerThread({"photo": lambda path: slow})
    space = BatchWorkspace(thread.worker)
    qtbot.addWidget(space)
    with qtbot.waitSignal(space.model.ready, timeout=10000):
        thread.worker.load("photo")
    problems: list[str] = []
    space.message.connect(problems.append)
    folder = _photos(tmp_path / "photos", 120)
    try:
        with qtbot.waitSignal(space.batchFinished, timeout=60000):
            space.open_paths([str(folder)])
            qtbot.waitUntil(lambda: space.results.rowCount() >= 16, timeout=20000)
            shutil.rmtree(folder)
        records = space.results.records()
        assert len(records) == 120 and any(not r.ok for r in records)
        assert [p for p in problems if "vanished" in p] == [
            f"{folder}: it vanished during the batch; its photos are rows with errors"
        ]
        assert len(problems) == 2  # that, and the count of rows that failed
    finally:
        space.shutdown()
        thread.stop()


def test_a_filter_says_how_many_rows_it_shows_and_what_export_takes(
    qtbot, workspace, tmp_path, monkeypatch
):
    """Issue 24, item 12: '3 of 12 shown', an export of only those said so, and a filter that
    keeps nothing says so over the empty table."""
    from PySide6.QtWidgets import QFileDialog

    _run(qtbot, workspace, [str(_photos(tmp_path / "photos", 12))])
    assert workspace.shown.label.text() == "" and not workspace.shown.empty.isVisible()
    label = workspace.results.records()[0].label
    workspace.class_filter.setFocus()
    QTest.keyClicks(workspace.class_filter, label)
    shown = workspace.proxy.rowCount()
    assert 0 < shown < 12
    assert workspace.shown.label.text() == f"{shown} of 12 shown (Export and Copy take these)"
    # on screen, in the workspace beside the filters, not only set on a label nobody sees
    assert workspace.shown.label.isVisible() and workspace.isAncestorOf(workspace.shown.label)
    asked = []

    def save_as(parent, title, *args, **kwargs):
        asked.append(title)
        return str(tmp_path / "out.csv"), "CSV (*.csv)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    with qtbot.waitSignal(workspace.notice, timeout=10000) as said:
        qtbot.mouseClick(workspace.export_button, Qt.MouseButton.LeftButton)
    assert asked == [f"Export the {shown} of 12 rows shown"]
    assert said.args[0].startswith(f"Exported {shown} of 12 (the filter's) rows")
    QTest.keyClicks(workspace.class_filter, "no such class")
    assert workspace.proxy.rowCount() == 0 and workspace.shown.empty.isVisible()
    assert "No row matches the filter" in workspace.shown.empty.text()
    workspace.class_filter.clear()
    assert workspace.shown.label.text() == "" and not workspace.shown.empty.isVisible()


def test_the_ms_column_says_it_is_each_photos_share_of_a_batch(qtbot, workspace, tmp_path):
    """Issue 24, item 20: one value repeated for 16 rows read as a per-photo time."""
    from inception_desktop.gui.batch.table import MS

    _run(qtbot, workspace, [str(_photos(tmp_path / "photos", 20))])
    model, horizontal = workspace.proxy, Qt.Orientation.Horizontal
    assert model.headerData(MS, horizontal, Qt.ItemDataRole.DisplayRole) == "ms (share)"
    tip = model.headerData(MS, horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "share of the batched call" in tip and "up to 16" in tip
    assert model.data(model.index(0, MS), Qt.ItemDataRole.ToolTipRole) == tip
