"""The kept history of classifications: one SQLite database in the user's data directory.

Every classification a person makes (a photo, a digit, each row of a batch) becomes a row: when,
what kind, the source path and a hash of its content, the model and a hash of its weights, the
runtime/device, the framing (and crop box), the top classes and the time the network took.

The database is ``history.sqlite3`` in :func:`data_dir` (``$INCEPTION_DESKTOP_DATA``, else the
platform's data directory: ``$XDG_DATA_HOME/inception-desktop`` or
``~/.local/share/inception-desktop`` on Linux). Its schema is versioned with ``PRAGMA
user_version`` (:data:`SCHEMA_VERSION`, upgraded by :data:`MIGRATIONS` in order); it runs in WAL
mode, so the window can read while a background thread writes.

Nothing here raises to its callers. A damaged file is reported (:attr:`HistoryStore.problem`,
and the ``on_problem`` callback) in one message that says how many rows were carried over and
where the old file is: it is set aside as ``history.sqlite3.damaged-<time>[-n]`` (with its
``-wal``/``-shm``; never deleted, never over another file, see :mod:`.history_salvage`) and its
readable rows are carried into a new database. A read-only file or folder gives a read-only
history. One that stays locked by another process, or was made by a newer version of the app, is
reported and left untouched, and history is off for this session (writes are dropped and
counted). Several processes may share one history. Every method is safe from any thread.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from inception_desktop.core.batch import history_salvage
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
        #: True when the history can be read but not written (a read-only file or folder).
        self.read_only = False
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        self._inode: tuple[int, int] | None = None
        self._disabled = False
        self._recovering = False

    # --- opening ---------------------------------------------------------------------------
    def _report(self, text: str) -> None:
        self.problem = text
        if self.on_problem is not None:
            self.on_problem(text)

    def _connect(self) -> sqlite3.Connection | None:
        """The open connection, opening (and creating or upgrading) it on first use; None when
        history is off for this session (the problem has been reported)."""
        if self._db is not None and self._inode != _inode_of(self.path):
            self._drop()  # another process set the file aside: follow it to the new one
        if self._db is not None or self._disabled:
            return self._db
        if not _writable(self.path):
            return self._open_read_only()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=LOCK_TIMEOUT, check_same_thread=False)
            opened = _inode_of(self.path)
        except (OSError, sqlite3.Error) as exc:
            return self._give_up(f"cannot open the history at {self.path}: {_cause(exc)}")
        try:
            _retry_while_locked(lambda: self._prepare(db))
        except _NewerSchemaError as exc:
            db.close()
            return self._give_up(
                f"the history at {self.path} was made by a newer version of the app "
                f"(schema {exc.args[0]}); it is left as it is and history is off"
            )
        except sqlite3.Error as exc:
            if _is_damaged(exc):
                return self._recover(db, exc, opened)
            db.close()
            if _is_locked(exc):
                return self._give_up(
                    f"the history at {self.path} is locked by another program; "
                    "history is off until the app starts again"
                )
            return self._give_up(f"cannot use the history at {self.path}: {_cause(exc)}")
        self._db, self._inode = db, opened
        return db

    def _open_read_only(self) -> sqlite3.Connection | None:
        """A file or folder we may not write: show what is there, keep nothing new."""
        if not self.path.exists():
            return self._give_up(
                f"cannot create the history in {self.path.parent} (it is read-only or missing); "
                "history is off"
            )
        for flags in ("mode=ro", "immutable=1"):  # WAL without a writable -shm: immutable
            try:
                db = sqlite3.connect(
                    f"file:{quote(str(self.path))}?{flags}",
                    uri=True,
                    timeout=LOCK_TIMEOUT,
                    check_same_thread=False,
                )
                version = int(db.execute("PRAGMA user_version").fetchone()[0])
                db.execute("SELECT count(*) FROM classifications").fetchone()
            except sqlite3.Error:
                continue
            if version != SCHEMA_VERSION:
                db.close()
                break
            self._db, self._inode, self.read_only = db, _inode_of(self.path), True
            self._report(
                f"the history at {self.path} is read-only: it is shown, but new "
                "classifications are not kept"
            )
            return db
        return self._give_up(f"cannot read the read-only history at {self.path}; history is off")

    def _give_up(self, text: str) -> sqlite3.Connection | None:
        """Turn history off for this session, saying why (returns None, for ``_connect``)."""
        self._disabled = True
        self._report(text)
        return None

    def _drop(self) -> None:
        if self._db is not None:
            self._db.close()
        self._db, self._inode = None, None

    @staticmethod
    def _prepare(db: sqlite3.Connection) -> None:
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise _NewerSchemaError(version)
        db.execute("PRAGMA journal_mode=WAL").fetchone()
        db.execute("PRAGMA synchronous=NORMAL")
        if version < SCHEMA_VERSION:
            # One writer at a time, and the version read again under its lock: two processes
            # opening a missing history together must not both create the table.
            db.execute("BEGIN IMMEDIATE")
            try:
                version = int(db.execute("PRAGMA user_version").fetchone()[0])
                while version < SCHEMA_VERSION:
                    for statement in MIGRATIONS[version]:
                        db.execute(statement)
                    version += 1
                db.execute(f"PRAGMA user_version = {version}")
                db.commit()
            except BaseException:
                db.rollback()
                raise
        db.execute("SELECT count(*) FROM classifications").fetchone()  # reads a page: corrupt?

    def _recover(
        self, damaged: sqlite3.Connection, exc: BaseException, opened: tuple[int, int] | None
    ) -> sqlite3.Connection | None:
        """The file is damaged: set it aside under a name of its own, start a new history with
        every row it can still give, and say so in one message. Returns the new connection."""
        self._db, self._inode = None, None
        if self._recovering:  # the new database damaged at once: no loop
            damaged.close()
            return self._give_up(f"cannot start a new history at {self.path}")
        cause = _cause(exc)
        try:
            with contextlib.suppress(sqlite3.Error):
                damaged.execute("BEGIN IMMEDIATE")  # other writers wait while it moves
            if _inode_of(self.path) != opened:
                damaged.close()
                return self._connect()  # another process has set it aside already
            try:
                aside = history_salvage.set_aside(self.path)
            except history_salvage.SetAsideError as error:
                return self._give_up(
                    f"the history at {self.path} is damaged ({cause}) and {error}; it is left "
                    "as it is and history is off"
                )
        finally:
            damaged.close()
        if not aside.moved:
            try:
                self.path.unlink()  # its rows are safe in the copy
            except OSError:
                return self._give_up(
                    f"the history at {self.path} is damaged ({cause}); a copy was kept as "
                    f"{aside.path}, and history is off (the file cannot be replaced)"
                )
        rows, missed = history_salvage.readable_rows(aside.path)
        self._recovering = True
        try:
            db = self._connect()
        finally:
            self._recovering = False
        carried = 0
        if db is not None and rows:
            try:
                carried = _carry(db, rows)
            except sqlite3.Error as error:
                self._report(f"history: could not carry the old rows over: {_cause(error)}")
        lost = f"; {missed} could not be read (on damaged pages)" if missed else ""
        self._report(
            f"the history at {self.path} was damaged ({cause}): {carried} classification"
            f"{'s' * (carried != 1)} were carried into a new history{lost}; the damaged file "
            f"is kept as {aside.path}"
        )
        return db

    @contextmanager
    def _using(self, what: str) -> Iterator[sqlite3.Connection | None]:
        """The connection under the lock; a database error inside is reported (and, when the
        file turns out damaged, its rows are carried into a new database), never raised."""
        with self._lock:
            db = self._connect()
            try:
                yield db
            except sqlite3.Error as exc:
                if _is_locked(exc):
                    self._report(f"history: could not {what}: the database is locked")
                elif _is_damaged(exc) and db is not None and not self.read_only:
                    self._recover(db, exc, self._inode)
                    raise _FailedError(self._db is not None) from None
                else:
                    self._report(f"history: could not {what}: {_cause(exc)}")
                raise _FailedError(False) from None

    def _attempt(self, what: str, work: Callable[[sqlite3.Connection], Any], empty: Any) -> Any:
        """``work(db)`` under :meth:`_using`; after a recovery, once more on the new database;
        after the file was set aside by another process, once more on the new file."""
        for _ in range(3):
            try:
                with self._using(what) as db:
                    return empty if db is None else work(db)
            except _FailedError as failed:
                if not failed.args[0]:
                    return empty
            except _MovedError:
                continue
        return empty

    # --- writing ---------------------------------------------------------------------------
    def add(self, entries: Sequence[Entry]) -> int:
        """Keep ``entries`` in one transaction; returns how many were kept (0 when history is
        unusable or read-only: they are counted in :attr:`dropped`)."""
        if not entries:
            return 0

        def insert(db: sqlite3.Connection) -> int:
            if self.read_only:
                return 0
            db.execute("BEGIN IMMEDIATE")
            if self._inode != _inode_of(self.path):  # set aside while we waited for the lock
                db.rollback()
                raise _MovedError
            try:
                db.executemany(
                    "INSERT INTO classifications (time, kind, path, content_hash, model, "
                    "weights_hash, device, framing, box, label, score, top_json, ms, error) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [_row(e) for e in entries],
                )
                db.commit()
            except BaseException:
                db.rollback()
                raise
            return len(entries)

        kept = self._attempt("keep a classification", insert, 0)
        if not kept:
            self.dropped += len(entries)
        return int(kept)

    def clear(self, older_than_days: float | None = None) -> int:
        """Forget everything, or the entries older than ``older_than_days``; returns how many."""

        def delete(db: sqlite3.Connection) -> int:
            if self.read_only:
                return 0
            with db:
                if older_than_days is None:
                    cursor = db.execute("DELETE FROM classifications")
                else:
                    cutoff = time.time() - older_than_days * 86400
                    cursor = db.execute("DELETE FROM classifications WHERE time < ?", (cutoff,))
            return int(cursor.rowcount)

        return int(self._attempt("clear the history", delete, 0))

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
        result: list[Entry] = self._attempt(
            "read the history", lambda db: [_entry(row) for row in db.execute(sql, params)], []
        )
        return result

    def count(self) -> int:
        return int(
            self._attempt(
                "count the history",
                lambda db: db.execute("SELECT count(*) FROM classifications").fetchone()[0],
                0,
            )
        )

    def close(self) -> None:
        with self._lock:
            self._drop()


class _FailedError(Exception):
    """An operation failed and was reported (internal: never leaves this module)."""


class _MovedError(Exception):
    """The file was set aside by another process while this one waited for its lock."""


class _NewerSchemaError(Exception):
    pass


#: Rows carried over per transaction: other processes writing the same history wait for one
#: chunk (milliseconds), not for all of a large history (seconds, past :data:`LOCK_TIMEOUT`).
CARRY_CHUNK = 1000


def _carry(db: sqlite3.Connection, rows: Sequence[tuple[Any, ...]]) -> int:
    """Insert salvaged ``rows`` in chunks, letting other writers in between; returns how many."""
    sql = f"INSERT INTO classifications ({history_salvage.COLUMNS}) VALUES ({', '.join('?' * 14)})"
    for start in range(0, len(rows), CARRY_CHUNK):
        with db:
            db.executemany(sql, rows[start : start + CARRY_CHUNK])
        time.sleep(0.02)  # longer than a waiting writer's busy handler sleeps: it gets in
    return len(rows)


def _retry_while_locked(work: Callable[[], None]) -> None:
    """``work()``, tried again while another process holds the lock, for :data:`LOCK_TIMEOUT`:
    switching a brand-new file to WAL answers "locked" at once, without waiting, when a second
    process is creating the same history at that moment."""
    deadline = time.monotonic() + LOCK_TIMEOUT
    while True:
        try:
            work()
            return
        except sqlite3.OperationalError as exc:
            if not _is_locked(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _is_locked(exc: sqlite3.Error) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


#: SQLITE_CORRUPT and SQLITE_NOTADB: the only errors that mean the file itself is damaged (a
#: read-only file, a full disk or a table another process just created are not).
_DAMAGED_CODES = (11, 26)


def _is_damaged(exc: BaseException) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in _DAMAGED_CODES
    return "malformed" in str(exc) or "not a database" in str(exc)


def _writable(path: Path) -> bool:
    """Whether the history can be written: the file (when there) and its folder (when there;
    a missing folder is created by its nearest existing parent's leave)."""
    if path.exists() and not os.access(path, os.W_OK):
        return False
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return os.access(folder, os.W_OK)


def _inode_of(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


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
            # rows kept before boxes were checked may say "nan,nan,nan,nan": no box at all
            parsed_box = (x, y, w, h) if all(map(math.isfinite, (x, y, w, h))) else None
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
