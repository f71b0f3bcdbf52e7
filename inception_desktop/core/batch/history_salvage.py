"""Setting a damaged history aside without losing it, and carrying over what it still holds.

A person's history is theirs: a damaged file is never deleted and never written over. It is moved
to a name no other file has (the name is reserved with an exclusive create, so two processes or
two damages in one second cannot pick the same one), with its ``-wal`` and ``-shm``; where a move
is impossible it is copied instead, and where neither works it is left where it is and history
stops for this session. Then every row the damaged file can still give is read, row by row around
the damaged pages: a forward scan until the first error, a backward scan until the first error,
and a lookup of each id in between. (SQLite's own recovery, ``sqlite3_recover``, is not exposed
by Python's ``sqlite3`` module in any CPython release, so this is the recovery.) Rows are read by
the table itself, never through an index: a damaged index loses nothing.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

#: The columns carried over, in order (``id`` is not: the new history numbers them).
COLUMNS = (
    "time, kind, path, content_hash, model, weights_hash, device, framing, box, label, score, "
    "top_json, ms, error"
)
#: Ids probed one by one between the two scans, at most (a damaged page holds a few hundred).
MAX_PROBES = 1_000_000
_SUFFIXES = ("", "-wal", "-shm")


@dataclass(frozen=True)
class Aside:
    """Where a damaged history went; ``moved`` False means it was copied (the original stays)."""

    path: Path
    moved: bool


class SetAsideError(Exception):
    """The damaged file could be neither moved nor copied; it is left untouched."""


def set_aside(path: Path) -> Aside:
    """Move ``path`` (and its ``-wal``/``-shm``) to a new unique name beside it; copy when the
    move fails. Raises :class:`SetAsideError` (having deleted nothing) when neither works."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1, 1000):
        aside = path.with_name(f"{path.name}.damaged-{stamp}" + (f"-{n}" if n > 1 else ""))
        try:
            fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        except OSError as exc:
            raise SetAsideError(f"cannot create {aside.name} beside it ({_why(exc)})") from None
        os.close(fd)
        break
    else:  # pragma: no cover - a thousand asides in one second
        raise SetAsideError("no free name to set it aside under")
    moved = True
    for suffix in _SUFFIXES:
        source, target = Path(f"{path}{suffix}"), f"{aside}{suffix}"
        if suffix and not source.exists():
            continue
        try:
            os.replace(source, target)  # over our own reserved empty file only
            continue
        except OSError:
            pass
        try:  # a move is impossible (a file system or a lock that forbids it): copy
            shutil.copyfile(source, target)
        except OSError as exc:
            if not suffix:
                Path(target).unlink(missing_ok=True)  # our own reservation, nothing else
                raise SetAsideError(f"it could not be moved or copied ({_why(exc)})") from None
        moved = moved and bool(suffix)
    return Aside(aside, moved)


def readable_rows(path: Path) -> tuple[list[tuple[Any, ...]], int]:
    """The rows that ``path`` (a damaged history) can still give, in id order, and how many ids
    could not be read (0 when unknown). Never raises: an unreadable file gives no rows."""
    try:
        db = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=2.0)
    except sqlite3.Error:
        return [], 0
    try:
        return _rows(db)
    finally:
        db.close()


def _rows(db: sqlite3.Connection) -> tuple[list[tuple[Any, ...]], int]:
    select = f"SELECT id, {COLUMNS} FROM classifications NOT INDEXED"
    found: dict[int, tuple[Any, ...]] = {}
    for order in ("ASC", "DESC"):
        try:
            for row in db.execute(f"{select} ORDER BY id {order}"):
                found[int(row[0])] = row
        except sqlite3.Error:
            pass  # the scan stops at the first damaged page; the other direction goes on
    if not found:
        return [], 0
    ids = sorted(found)
    missed = 0
    gaps = [(a, b) for a, b in itertools.pairwise(ids) if b - a > 1]
    probes = 0
    for low, high in gaps:
        for id_ in range(low + 1, high):
            probes += 1
            if probes > MAX_PROBES:
                break
            try:
                row = db.execute(f"{select} WHERE id = ?", (id_,)).fetchone()
            except sqlite3.Error:
                missed += 1
                continue
            if row is not None:
                found[id_] = row
    return [found[i][1:] for i in sorted(found)], missed


def _why(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__
