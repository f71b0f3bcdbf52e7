"""The SQLite history: versioned schema, WAL, search, clearing, and bad databases set aside."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from inception_desktop.core.batch import history
from inception_desktop.core.batch.history import SCHEMA_VERSION, Entry, HistoryStore, file_hash
from inception_desktop.core.batch.records import Record


def _entry(path: str, label: str, when: float | None = None, kind: str = "batch") -> Entry:
    record = Record(
        path, ((label, 0.9), ("other", 0.05)), (3, 4), "Inception v3", "CPU", "crop",
        (1.0, 2.0, 30.0, 40.0), 12.5,
    )  # fmt: skip
    return Entry(kind, record, when if when is not None else time.time(), "abc", "w123")


@pytest.fixture
def store(tmp_path: Path):
    problems: list[str] = []
    made = HistoryStore(tmp_path / "data" / "history.sqlite3", on_problem=problems.append)
    made.problems = problems  # type: ignore[attr-defined]
    yield made
    made.close()


def test_the_data_directory_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(history.DATA_ENV, str(tmp_path / "mine"))
    assert history.default_path() == tmp_path / "mine" / "history.sqlite3"
    monkeypatch.delenv(history.DATA_ENV)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert history.data_dir() == tmp_path / "xdg" / "inception-desktop"


def test_entries_come_back_newest_first_whole(store):
    now = time.time()
    store.add([_entry("/a/cat.jpg", "tabby", now - 10), _entry("/a/dog.jpg", "beagle", now)])
    first, second = store.query()
    assert first.record.path == "/a/dog.jpg" and second.record.label == "tabby"
    assert second.record.box == (1.0, 2.0, 30.0, 40.0) and second.record.indices == (3, 4)
    assert second.record.framing == "crop" and second.record.ms == 12.5
    assert second.content_hash == "abc" and second.weights_hash == "w123" and second.id
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_search_by_label_or_file_and_clear_by_age(store):
    now = time.time()
    store.add(
        [
            _entry("/x/IMG_1.jpg", "tabby", now - 40 * 86400),
            _entry("/x/IMG_2.jpg", "beagle", now - 2 * 86400),
            _entry("/y/100%_sure.jpg", "tabby cat", now),
        ]
    )
    assert [e.record.path for e in store.query("TABBY")] == ["/y/100%_sure.jpg", "/x/IMG_1.jpg"]
    assert [e.record.label for e in store.query("img_2")] == ["beagle"]
    assert [e.record.path for e in store.query("%_")] == ["/y/100%_sure.jpg"]  # literal
    assert store.clear(older_than_days=30) == 1 and store.count() == 2
    assert store.clear() == 2 and store.query() == []
    assert store.problems == []


def test_a_corrupt_database_is_set_aside_and_a_new_one_started(tmp_path):
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"this is not a database at all" * 200)
    problems: list[str] = []
    store = HistoryStore(path, on_problem=problems.append)
    assert store.add([_entry("/a.jpg", "tabby")]) == 1
    assert len(problems) == 1 and "damaged" in problems[0] and "kept as" in problems[0]
    aside = [p for p in tmp_path.iterdir() if ".damaged-" in p.name]
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not")
    assert [e.record.path for e in store.query()] == ["/a.jpg"]
    store.close()


def test_a_locked_database_is_reported_and_history_pauses_without_a_crash(tmp_path, monkeypatch):
    monkeypatch.setattr(history, "LOCK_TIMEOUT", 0.2)
    path = tmp_path / "history.sqlite3"
    first = HistoryStore(path)
    first.add([_entry("/a.jpg", "tabby")])
    first.close()
    holder = sqlite3.connect(path)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    problems: list[str] = []
    store = HistoryStore(path, on_problem=problems.append)
    try:
        assert store.add([_entry("/b.jpg", "beagle")]) == 0
        assert store.query() == [] and store.dropped == 1
        assert problems and "locked" in problems[0]
        assert path.exists() and not [p for p in tmp_path.iterdir() if "corrupt" in p.name]
    finally:
        holder.rollback()
        holder.close()
        store.close()


def test_a_newer_schema_is_left_alone(tmp_path):
    path = tmp_path / "history.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    problems: list[str] = []
    store = HistoryStore(path, on_problem=problems.append)
    assert store.add([_entry("/a.jpg", "x")]) == 0 and "newer version" in problems[0]
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    db.close()


def test_writes_from_another_thread_while_reading(store):
    def writer():
        for n in range(20):
            store.add([_entry(f"/t/{n}.jpg", "tabby")])

    thread = threading.Thread(target=writer)
    thread.start()
    while thread.is_alive():
        store.query(limit=5)
    thread.join()
    assert store.count() == 20


def test_file_hash_is_the_content_sha256(tmp_path):
    import hashlib

    (tmp_path / "a").write_bytes(b"abc" * 1000)
    assert file_hash(tmp_path / "a") == hashlib.sha256(b"abc" * 1000).hexdigest()
    assert file_hash(tmp_path / "missing") is None


# --- the window keeps what the person classifies ------------------------------------------------


@pytest.fixture
def history_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv(history.DATA_ENV, str(folder))
    return folder


def _photo(path: Path) -> Path:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(len(path.name))
    Image.fromarray(rng.integers(0, 255, (90, 120, 3), dtype=np.uint8)).save(path)
    return path


def _wait_for(qtbot, window, n: int) -> list[Entry]:
    qtbot.waitUntil(lambda: window.history.store.count() >= n, timeout=15000)
    return window.history.store.query()


def test_a_photo_a_digit_and_a_batch_are_kept_with_their_source(
    qtbot, history_dir, window, tmp_path
):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from inception_desktop.gui.runtime.mime import Inputs
    from tests.test_photo_workspace import drop, files_mime

    photo = _photo(tmp_path / "cat.png")
    drop(window, files_mime(photo))
    (entry,) = _wait_for(qtbot, window, 1)
    assert entry.kind == "photo" and entry.record.path == str(photo)
    assert entry.content_hash == file_hash(photo) and entry.record.model == "Fake Inception"
    assert entry.record.framing == window.photo.mode and entry.record.device == "FakeDevice"
    assert len(entry.record.top) == 10 and entry.weights_hash == "md5-of-fake-inception"
    QTest.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(3):
        _photo(folder / f"{n}.png")
    with qtbot.waitSignal(window.batch.batchFinished, timeout=30000):
        window.open_inputs(Inputs(paths=[str(folder)]), here=True)  # dropped on that tab
    entries = _wait_for(qtbot, window, 4)
    assert sorted(e.kind for e in entries) == ["batch", "batch", "batch", "photo"]
    assert all(e.content_hash == file_hash(e.record.path) for e in entries)
    assert {e.weights_hash for e in entries} == {"md5-of-fake-inception"}  # batches too
    assert history_dir.joinpath("history.sqlite3").is_file()


def test_the_history_window_searches_reopens_and_clears(qtbot, history_dir, window, tmp_path):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from inception_desktop.gui.history.view import HistoryDialog
    from tests.test_photo_workspace import drop, files_mime

    drop(window, files_mime(_photo(tmp_path / "cat.png"), _photo(tmp_path / "dog.png")))
    _wait_for(qtbot, window, 2)
    window.history.store.add([_entry("/old/thing.jpg", "ancient", time.time() - 90 * 86400)])
    QTest.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    dialog = window.history_dialog
    assert isinstance(dialog, HistoryDialog) and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.model.rowCount() >= 3, timeout=5000)
    assert dialog.model.entries[-1].record.label == "ancient"  # newest first
    QTest.keyClicks(dialog.search, "dog")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=5000)
    dialog.table.setFocus()
    dialog.table.selectRow(0)
    window.photo.remove_all()
    QTest.keyClick(dialog.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.photo.photo_count() == 1, timeout=10000)
    assert window.photo.photos[0].endswith("dog.png")
    dialog.search.clear()
    dialog.days.setValue(30)
    QTest.mouseClick(dialog.clear_old_button, Qt.MouseButton.LeftButton)
    assert all(e.record.label != "ancient" for e in window.history.store.query())
    box = dialog.ask_clear_all()
    QTest.mouseClick(box.button(box.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert window.history.store.count() == 0 and dialog.model.rowCount() == 0


def test_history_off_keeps_nothing_and_a_damaged_database_is_one_problem(
    qtbot, history_dir, make_window, settings, tmp_path
):
    from tests.test_photo_workspace import drop, files_mime

    history_dir.mkdir()
    (history_dir / "history.sqlite3").write_bytes(b"garbage, not SQLite" * 100)
    settings.keep_history = False
    window = make_window()
    drop(window, files_mime(_photo(tmp_path / "a.png")))
    qtbot.waitUntil(lambda: window.photo.photo_count() == 1, timeout=10000)
    qtbot.wait(300)  # its answer came and went
    window.history.flush()
    assert window.history.store.problem is None  # never even opened
    window.settings.keep_history = True
    drop(window, files_mime(_photo(tmp_path / "b.png")))
    qtbot.waitUntil(lambda: window.history.store.count() == 1, timeout=15000)
    assert [e.record.path for e in window.history.store.query()] == [str(tmp_path / "b.png")]
    qtbot.waitUntil(lambda: any("damaged" in p.text for p in window.problems.items()), timeout=5000)
    assert list(history_dir.glob("history.sqlite3.damaged-*"))


def test_live_answers_for_one_source_are_kept_once_as_the_last(qtbot, tmp_path):
    """A digit being drawn is classified every few strokes: the history keeps the drawing as
    it ended, not each stage of it; a batch's rows are all kept."""
    import numpy as np
    from PySide6.QtCore import QObject, Signal

    from inception_desktop.core.digit.normalize import normalize_digit
    from inception_desktop.gui.batch.runner import BatchResult
    from inception_desktop.gui.history.recorder import HistoryRecorder
    from inception_desktop.gui.runtime.requests import DigitResult
    from tests.fakes import FakeClassifier

    class Worker(QObject):
        finished = Signal(int, object)

    class Keep:
        keep_history = True

    worker, model = Worker(), FakeClassifier("Fake MNIST", (28, 28), 10)
    recorder = HistoryRecorder(worker, Keep(), HistoryStore(tmp_path / "h.sqlite3"))
    canvas = np.full((200, 200), 255, np.uint8)
    for n in range(5):  # five stages of one stroke
        canvas[40 : 60 + 20 * n, 90:110] = 0
        steps = normalize_digit(canvas)
        worker.finished.emit(n, DigitResult(n, steps, model.classify(steps.input)))
    rows = tuple(Record(f"/b/{i}.jpg", (("x", 0.5),)) for i in range(3))
    worker.finished.emit(9, BatchResult(9, rows))
    with qtbot.waitSignal(recorder.written, timeout=5000):
        pass  # the batch, at once
    assert recorder.store.count() == 3
    with qtbot.waitSignal(recorder.written, timeout=5000):
        pass  # the digit, once it settled
    digits = [e for e in recorder.store.query() if e.kind == "digit"]
    assert len(digits) == 1 and digits[0].content_hash.startswith("pixels:")
    assert (
        digits[0].content_hash
        == "pixels:" + __import__("hashlib").sha256(steps.input.tobytes()).hexdigest()
    )  # the last stage
    recorder.stop()


def test_a_reopened_entry_is_framed_with_its_mode_and_crop_box(
    qtbot, history_dir, window, tmp_path
):
    """History keeps the box in the original photo's pixels; reopening puts it back on the photo
    (drawn where it was) and the photo is classified through it, whether the photo was open
    or not."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from inception_desktop.core.photo.framing import Box

    photo = _photo(tmp_path / "cat.png")  # 120x90
    entry = _entry(str(photo), "tabby")
    window.history.store.add([entry])
    QTest.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    dialog = window.history_dialog
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=5000)
    for _ in range(2):  # closed, then already in front
        dialog.table.setFocus()
        dialog.table.selectRow(0)
        QTest.keyClick(dialog.table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.photo.current_photo() is not None, timeout=10000)
        qtbot.waitUntil(lambda: window.photo.result is not None, timeout=10000)
        assert window.photo.mode == "crop"
        assert window.photo.framing.box == Box(1.0, 2.0, 30.0, 40.0)
        assert window.photo.box_text() == "--box 1,2,30,40"
        assert window.photo.result.framing.box == Box(1.0, 2.0, 30.0, 40.0)  # classified so
        scale = window.photo.current_photo().loaded.scale
        assert window.photo.view.box() == Box(1.0, 2.0, 30.0, 40.0).scaled(scale)


def test_reopening_an_entry_of_another_model_says_so(qtbot, history_dir, window, tmp_path):
    """An ImageNet entry ('hen') re-opened while another model serves photos: the photo is
    classified by the model in use, and the History window and the status bar say so
    (it showed another class without a word)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    photo = _photo(tmp_path / "hen.png")
    window.history.store.add([_entry(str(photo), "hen")])
    QTest.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    dialog = window.history_dialog
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=5000)
    dialog.table.setFocus()
    dialog.table.selectRow(0)
    QTest.keyClick(dialog.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.photo.photo_count() == 1, timeout=10000)
    said = dialog.note.text()
    assert "Classified by Fake Inception now" in said
    assert dialog.note.isVisible() and dialog.isAncestorOf(dialog.note)  # in the History window
    assert "hen 90.0% by Inception v3" in said and "Photo › Model" in said
    assert window.status.currentMessage() == said
