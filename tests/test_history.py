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
    assert len(problems) == 1 and "damaged" in problems[0] and "set aside" in problems[0]
    aside = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
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
