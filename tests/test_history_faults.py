"""The history under faults (issue 23, defect 2): nothing lost, nothing hidden, nothing raised.

Damage is real (a page of the file overwritten, found with SQLite's ``dbstat``); read-only data
directories are real (a tmpfs remounted read-only, as in test_atomic_writes: we run as root, so
file modes alone would not stop a write).
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from inception_desktop.core.batch import history_salvage
from inception_desktop.core.batch.history import Entry, HistoryStore
from inception_desktop.core.batch.records import Record
from tests.test_atomic_writes import tmpfs

ROWS = 2000


def entry(n: int) -> Entry:
    record = Record(f"/photos/{n}.jpg", ((f"label{n % 7}", 0.9),), (n % 7,), "m", "CPU", "pad")
    return Entry("batch", record, 1_700_000_000.0 + n)


def make_history(path: Path, rows: int = ROWS) -> None:
    store = HistoryStore(path)
    assert store.add([entry(n) for n in range(rows)]) == rows
    store.close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def damage_page(path: Path, of: str, nth: int = 0) -> int:
    """Overwrite the ``nth`` middle leaf page of table or index ``of``; return its number."""
    db = sqlite3.connect(path)
    pages = [
        p
        for (p,) in db.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno", (of,)
        )
    ]
    size = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    page = pages[len(pages) // 2 + nth]
    with open(path, "r+b") as stream:
        stream.seek((page - 1) * size)
        stream.write(b"\xa5" * size)
    return page


def readable_ids(path: Path) -> set[int]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    found = set()
    for n in range(1, ROWS + 1):
        try:
            if db.execute("SELECT id FROM classifications WHERE id = ?", (n,)).fetchone():
                found.add(n)
        except sqlite3.DatabaseError:
            pass
    db.close()
    return found


def test_a_damaged_page_keeps_every_readable_row_and_says_where_the_file_went(tmp_path: Path):
    path = tmp_path / "history.sqlite3"
    make_history(path)
    damage_page(path, "classifications")
    readable = readable_ids(path)
    assert 1900 <= len(readable) < ROWS
    problems: list[str] = []
    store = HistoryStore(path, on_problem=problems.append)
    found = store.query("label", limit=ROWS)  # a search scans the damaged page
    assert {e.record.path for e in found} == {f"/photos/{n - 1}.jpg" for n in readable}
    assert store.count() == len(readable)
    (aside,) = [
        p
        for p in tmp_path.iterdir()
        if ".damaged-" in p.name and not p.name.endswith(("-wal", "-shm"))
    ]
    assert len(problems) == 1
    assert f"{len(readable)} classifications were carried into a new history" in problems[0]
    assert f"kept as {aside}" in problems[0]
    store.close()


def test_a_damaged_index_page_loses_no_row(tmp_path: Path):
    path = tmp_path / "history.sqlite3"
    make_history(path)
    damage_page(path, "classifications_time")
    problems: list[str] = []
    store = HistoryStore(path, on_problem=problems.append)
    assert len(store.query(limit=ROWS)) == ROWS  # newest first: read through the time index
    assert store.count() == ROWS
    assert len(problems) == 1 and f"{ROWS} classifications were carried" in problems[0]
    store.close()


def test_asides_never_overwrite_each_other_or_an_existing_file(tmp_path: Path):
    path = tmp_path / "history.sqlite3"
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(2):  # what sat there before, under the names the next asides would take
        taken = path.with_name(f"{path.name}.damaged-{stamp}" + (f"-{n + 1}" if n else ""))
        taken.write_bytes(b"an earlier aside")
    asides = []
    for n in range(2):  # two damages in one second
        path.write_bytes(f"damaged history {n}".encode())
        asides.append(history_salvage.set_aside(path).path)
    assert len(set(asides)) == 2
    assert [a.read_bytes() for a in asides] == [b"damaged history 0", b"damaged history 1"]
    before = [p for p in tmp_path.iterdir() if p.read_bytes() == b"an earlier aside"]
    assert len(before) == 2 and not path.exists()


def test_a_file_that_cannot_be_moved_or_copied_is_left_alone_not_deleted(
    tmp_path: Path, monkeypatch
):
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"not a database" * 100)

    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(history_salvage.os, "replace", refuse)
    monkeypatch.setattr(history_salvage.shutil, "copyfile", refuse)
    problems: list[str] = []
    store = HistoryStore(path, on_problem=problems.append)
    assert store.query() == [] and store.add([entry(1)]) == 0
    assert path.read_bytes() == b"not a database" * 100
    assert "left as it is" in problems[0]
    assert not [p for p in tmp_path.iterdir() if ".damaged-" in p.name]


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_a_read_only_data_directory_gives_a_read_only_history(tmp_path: Path, journal: str):
    with tmpfs(tmp_path / "data", "4m") as data:
        path = data / "history.sqlite3"
        make_history(path, 50)
        db = sqlite3.connect(path)
        db.execute(f"PRAGMA journal_mode={journal}")
        db.close()
        subprocess.run(["mount", "-o", "remount,ro", str(data)], check=True)
        problems: list[str] = []
        store = HistoryStore(path, on_problem=problems.append)
        assert len(store.query(limit=100)) == 50 and store.count() == 50
        assert store.add([entry(99)]) == 0 and store.clear() == 0
        assert store.read_only and len(problems) == 1 and "read-only" in problems[0]
        assert "damaged" not in problems[0]
        assert sorted(p.name for p in data.iterdir() if ".damaged" in p.name) == []
        store.close()


def test_a_read_only_folder_without_a_history_turns_history_off_without_raising(tmp_path):
    with tmpfs(tmp_path / "data", "64k", read_only=True) as data:
        problems: list[str] = []
        store = HistoryStore(data / "sub" / "history.sqlite3", on_problem=problems.append)
        assert store.add([entry(1)]) == 0 and store.query() == [] and store.count() == 0
        assert store.clear() == 0 and len(problems) == 1 and "history is off" in problems[0]


def _open_and_add(path: str, barrier, problems) -> None:
    barrier.wait()
    store = HistoryStore(path, on_problem=problems.append)
    store.add([entry(1)])
    store.close()


def test_two_processes_opening_a_missing_history_at_once(tmp_path: Path):
    context = multiprocessing.get_context("fork")
    with context.Manager() as manager:
        problems = manager.list()
        for round_ in range(10):
            path = tmp_path / f"h{round_}" / "history.sqlite3"
            barrier = context.Barrier(2)
            workers = [
                context.Process(target=_open_and_add, args=(str(path), barrier, problems))
                for _ in range(2)
            ]
            for w in workers:
                w.start()
            for w in workers:
                w.join(30)
            store = HistoryStore(path)
            assert store.count() == 2, list(problems)
            store.close()
            assert not [p for p in path.parent.iterdir() if ".damaged-" in p.name]
        assert list(problems) == []


def test_the_history_dialog_opens_on_a_read_only_data_directory(qtbot, tmp_path, settings):
    from inception_desktop.gui.history.view import HistoryDialog

    with tmpfs(tmp_path / "data", "4m") as data:
        make_history(data / "history.sqlite3", 5)
        subprocess.run(["mount", "-o", "remount,ro", str(data)], check=True)
        store = HistoryStore(data / "history.sqlite3")
        dialog = HistoryDialog(store, settings)
        qtbot.addWidget(dialog)
        assert dialog.model.rowCount() == 5
        assert "5 classifications kept" in dialog.count_label.text()
        assert "read-only" in dialog.count_label.text()
        store.close()


class _BrokenStore(HistoryStore):
    def add(self, entries):
        raise RuntimeError("a bug in the store")


def test_the_recorder_tells_the_window_when_writing_fails(qtbot, tmp_path, settings):
    from PySide6.QtCore import QObject, Signal

    from inception_desktop.gui.batch.runner import BatchResult
    from inception_desktop.gui.history.recorder import HistoryRecorder

    class Worker(QObject):
        finished = Signal(int, object)

    worker = Worker()
    recorder = HistoryRecorder(worker, settings, _BrokenStore(tmp_path / "history.sqlite3"))
    result = BatchResult(1, (Record("/a.jpg", (("cat", 1.0),)),))
    with qtbot.waitSignal(recorder.message, timeout=5000) as said:
        worker.finished.emit(1, result)
    assert said.args == ["history: could not keep a classification: a bug in the store"]
    recorder.stop()
