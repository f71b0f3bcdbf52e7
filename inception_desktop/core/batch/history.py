"""The kept history of classifications: one SQLite database in the user's data directory.

Every classification a person makes (a photo, a digit, each row of a batch) becomes a row: when,
what kind, the source path and a hash of its content, the model and a hash of its weights, the
runtime/device, the framing (and crop box), the top classes and the time the network took.

The database is ``history.sqlite3`` in :func:`data_dir` (``$INCEPTION_DESKTOP_DATA``, else the
platform's data directory: ``$XDG_DATA_HOME/inception-desktop`` or
``~/.local/share/inception-desktop`` on Linux). Its schema is versioned with ``PRAGMA
user_version`` (:data:`SCHEMA_VERSION`, upgraded by :data:`MIGRATIONS` in order); it runs in WAL
mode, so the window can read while a background thread writes.

Nothing here raises on a bad database. A corrupt file is reported (:attr:`HistoryStore.problem`,
and the ``on_problem`` callback) and set aside as ``history.sqlite3.corrupt-<time>`` (with its
``-wal``/``-shm``), and a new database is started; one that stays locked by another process, or
was made by a newer version of the app, is reported and left untouched, and history is off for
this session (writes are dropped and counted). Every method is safe to call from any thread.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inception_desktop.core.batch.records import Record, unicode_text

DATA_ENV = "INCEPTION_DESKTOP_DATA"
FILE_NAME = "history.sqlite3"
SCHEMA_VERSION = 1
#: Seconds a statement waits for another process's lock before history gives up.
LOCK_TIMEOUT = 2.0

#: ``MIGRATIONS[v]`` takes a database at version ``v`` to ``v + 1``.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    0: (
        """CREATE TABLE classifications (
            id INTEGER PRIMARY KEY,
            time REAL NOT NULL,
            kind TEXT NOT NULL,
            path TEXT,
            content_hash TEXT,
            model TEXT NOT NULL DEFAULT '',
            weights_hash TEXT,
            device TEXT NOT NULL DEFAULT '',
            framing TEXT NOT NULL DEFAULT '',
            box TEXT,
            label TEXT NOT NULL DEFAULT '',
            score REAL,
            top_json TEXT NOT NULL DEFAULT '[]',
            ms REAL,
            error TEXT
        )""",
        "CREATE INDEX classifications_time ON classifications (time)",
        "CREATE INDEX classifications_label ON classifications (label)",
    ),
}

KINDS = ("photo", "digit", "batch")


def data_dir() -> Path:
    """Where the app keeps data of its own (the history): ``$INCEPTION_DESKTOP_DATA`` when set,
    else the platform's user data directory (XDG on Linux)."""
    override = os.environ.get(DATA_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path("inception-desktop", appauthor=False)


def default_path() -> Path:
    return data_dir() / FILE_NAME


def file_hash(path: str | Path, chunk: int = 1 << 20) -> str | None:
    """SHA-256 of a file's content (hex), or None when it cannot be read (gone, no access)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as stream:
            while block := stream.read(chunk):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


@dataclass(frozen=True)
class Entry:
    """One kept classification; ``id`` is None until it is stored."""

    kind: str
    record: Record
    time: float
    content_hash: str | None = None
    weights_hash: str | None = None
    id: int | None = None


class HistoryStore:
    """The history database at ``path`` (default :func:`default_path`), opened on first use."""

    def __init__(
        self, path: str | Path | None = None, on_problem: Callable[[str], None] | None = None
    ) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.on_problem = on_problem
        #: The last problem, a sentence for a person (None while all is well).
        self.problem: str | None = None
        #: Entries not kept because the database was unusable.
        self.dropped = 0
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        self._disabled = False

    # --- opening ---------------------------------------------------------------------------
    def _report(self, text: str) -> None:
        self.problem = text
        if self.on_problem is not None:
            self.on_problem(text)

    def _connect(self) -> sqlite3.Connection | None:
        """The open connection, opening (and creating or upgrading) it on first use; None when
        history is off for this session (the problem has been reported)."""
        if self._db is not None or self._disabled:
            return self._db
        for attempt in (1, 2):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=LOCK_TIMEOUT, check_same_thread=False)
            except (OSError, sqlite3.Error) as exc:
                return self._give_up(f"cannot open the history at {self.path}: {_cause(exc)}")
            try:
                self._prepare(db)
            except _NewerSchemaError as exc:
                db.close()
                return self._give_up(
                    f"the history at {self.path} was made by a newer version of the app "
                    f"(schema {exc.args[0]}); it is left as it is and history is off"
                )
            except sqlite3.DatabaseError as exc:
                db.close()
                if _is_locked(exc):
                    return self._give_up(
                        f"the history at {self.path} is locked by another program; "
                        "history is off until the app starts again"
                    )
                if attempt == 2:
                    return self._give_up(f"cannot use the history at {self.path}: {_cause(exc)}")
                aside = self._set_aside()
                self._report(
                    f"the history at {self.path} was damaged ({_cause(exc)}); it was set aside "
                    f"as {aside.name} and a new history started"
                )
                continue
            self._db = db
            return db
        return None  # pragma: no cover - the loop returns

    def _give_up(self, text: str) -> sqlite3.Connection | None:
        """Turn history off for this session, saying why (returns None, for ``_connect``)."""
        self._disabled = True
        self._report(text)
        return None

    @staticmethod
    def _prepare(db: sqlite3.Connection) -> None:
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise _NewerSchemaError(version)
        db.execute("PRAGMA journal_mode=WAL").fetchone()
        db.execute("PRAGMA synchronous=NORMAL")
        while version < SCHEMA_VERSION:
            with db:  # one transaction per step: a crash leaves a whole version
                for statement in MIGRATIONS[version]:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {version + 1}")
            version += 1
        db.execute("SELECT count(*) FROM classifications").fetchone()  # reads a page: corrupt?

    def _set_aside(self) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.path}{suffix}")
            if source.exists():
                try:
                    os.replace(source, f"{aside}{suffix}")
                except OSError:
                    source.unlink(missing_ok=True)
        return aside

    @contextmanager
    def _using(self, what: str) -> Iterator[sqlite3.Connection | None]:
        """The connection under the lock; a database error inside is reported (and, when the
        file turns out damaged, the database is set aside for the next use), never raised."""
        with self._lock:
            db = self._connect()
            try:
                yield db
            except sqlite3.DatabaseError as exc:
                if _is_locked(exc):
                    self._report(f"history: could not {what}: the database is locked")
                    return
                self._report(f"history: could not {what}: {_cause(exc)}")
                if db is not None and not isinstance(exc, sqlite3.OperationalError):
                    db.close()
                    self._db = None
                    self._set_aside()

    # --- writing ---------------------------------------------------------------------------
    def add(self, entries: Sequence[Entry]) -> int:
        """Keep ``entries`` in one transaction; returns how many were kept (0 when history is
        unusable: they are counted in :attr:`dropped`)."""
        if not entries:
            return 0
        kept = 0
        with self._using("keep a classification") as db:
            if db is None:
                self.dropped += len(entries)
                return 0
            with db:
                db.executemany(
                    "INSERT INTO classifications (time, kind, path, content_hash, model, "
                    "weights_hash, device, framing, box, label, score, top_json, ms, error) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [_row(e) for e in entries],
                )
            kept = len(entries)
        if not kept:
            self.dropped += len(entries)
        return kept

    def clear(self, older_than_days: float | None = None) -> int:
        """Forget everything, or the entries older than ``older_than_days``; returns how many."""
        with self._using("clear the history") as db:
            if db is None:
                return 0
            with db:
                if older_than_days is None:
                    cursor = db.execute("DELETE FROM classifications")
                else:
                    cutoff = time.time() - older_than_days * 86400
                    cursor = db.execute("DELETE FROM classifications WHERE time < ?", (cutoff,))
            return cursor.rowcount
        return 0

    # --- reading ---------------------------------------------------------------------------
    def query(self, search: str = "", limit: int = 500, offset: int = 0) -> list[Entry]:
        """Newest first; ``search`` matches the top-1 label or the path (case-insensitive,
        anywhere in them). ``limit`` bounds what a view holds."""
        sql = (
            "SELECT id, time, kind, path, content_hash, model, weights_hash, device, framing, "
            "box, top_json, ms, error FROM classifications"
        )
        params: list[Any] = []
        if search:
            pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            sql += " WHERE label LIKE ? ESCAPE '\\' OR path LIKE ? ESCAPE '\\'"
            params += [pattern + "%", pattern + "%"]
        sql += " ORDER BY time DESC, id DESC LIMIT ? OFFSET ?"
        params += [limit, offset]
        with self._using("read the history") as db:
            if db is None:
                return []
            return [_entry(row) for row in db.execute(sql, params)]
        return []

    def count(self) -> int:
        with self._using("count the history") as db:
            if db is None:
                return 0
            return int(db.execute("SELECT count(*) FROM classifications").fetchone()[0])
        return 0

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


class _NewerSchemaError(Exception):
    pass


def _is_locked(exc: sqlite3.Error) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _cause(exc: BaseException) -> str:
    return str(exc).strip() or type(exc).__name__


def _row(entry: Entry) -> tuple[Any, ...]:
    r = entry.record
    top = [
        [label, score, r.indices[n] if n < len(r.indices) else None]
        for n, (label, score) in enumerate(r.top)
    ]
    return (
        entry.time,
        entry.kind,
        unicode_text(r.path) if r.path else None,
        entry.content_hash,
        r.model,
        entry.weights_hash,
        r.device,
        r.framing,
        ",".join(f"{v:g}" for v in r.box) if r.box else None,
        r.label,
        r.score,
        json.dumps(top),
        r.ms,
        r.error,
    )


def _entry(row: Sequence[Any]) -> Entry:
    (id_, when, kind, path, content_hash, model, weights_hash, device, framing, box, top_json,
     ms, error) = row  # fmt: skip
    try:
        raw = json.loads(top_json)
        top = tuple((str(t[0]), float(t[1])) for t in raw)
        indices = tuple(int(t[2]) for t in raw if t[2] is not None)
    except (ValueError, TypeError, IndexError):
        top, indices = (), ()
    parsed_box: tuple[float, float, float, float] | None = None
    if box:
        try:
            x, y, w, h = (float(v) for v in str(box).split(","))
            parsed_box = (x, y, w, h)
        except ValueError:
            parsed_box = None
    record = Record(
        path or "",
        top,
        indices if len(indices) == len(top) else (),
        model or "",
        device or "",
        framing or "",
        parsed_box,
        ms,
        error,
    )
    return Entry(kind, record, float(when), content_hash, weights_hash, int(id_))
