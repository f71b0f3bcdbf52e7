"""Writing files so that a reader only ever sees the old file or the whole new one.

Every file the app writes (models, checkpoints, reports, saved inputs, downloads, small JSON
records) goes through this module: the bytes go to a private temporary folder beside the target,
are flushed and fsync'ed, and the finished file is moved over the target with one ``os.replace``
(atomic on POSIX and Windows when both are on one file system). A crash, a SIGKILL, a full disk or
an exception leaves the old target untouched; the temporary folder is removed on any error, and one
left by a killed process is removed later by :func:`remove_stale_temps`.

The temporary file has the target's own name inside its folder (``.inception-desktop-tmp-XXXX/
model.keras``), so writers that choose a format by suffix (Keras ``.keras`` / ``.weights.h5``,
Pillow ``.png``) see the right one, and a name that fits the target's folder fits there too.

Failures become :class:`WriteError`: one line naming the file and the cause in words (disk full,
read-only, name too long, a file or folder in the way). :func:`check_output_file` and
:func:`check_output_dir` find most of these before a long job starts.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from inception_desktop.core.errors import InceptionDesktopError, first_line

try:  # POSIX: a held lock marks a temporary folder as in use by a live writer
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

TEMP_PREFIX = ".inception-desktop-tmp-"
_LOCK_NAME = ".lock"
#: A temporary folder younger than this is never treated as stale (it may be being set up).
MIN_STALE_AGE = 60.0
#: Without file locks (Windows), a temporary folder is stale when it is this old.
UNLOCKED_STALE_AGE = 24 * 3600.0


class WriteError(InceptionDesktopError):
    """A file or folder could not be written; ``str()`` is one line for a person.

    ``errno`` is the operating system's code when there was one (``errno.ENOSPC``...).
    """

    def __init__(self, path: str | Path, reason: str, errno_: int | None = None) -> None:
        super().__init__(f"cannot write {_show(path)}: {reason}", reason)
        self.path = Path(path)
        self.errno = errno_


def describe_os_error(exc: OSError) -> str:
    """The cause of a failed write in words a person acts on."""
    code = exc.errno
    if code == errno.ENOSPC or code == getattr(errno, "EDQUOT", -1):
        return "the disk is full (free some space and try again)"
    if code in (errno.EROFS,):
        return "the file system is read-only"
    if code in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if code == errno.ENAMETOOLONG:
        return "the file name is too long for this file system"
    if code == errno.EISDIR:
        return "a folder with that name is in the way"
    if code == errno.ENOTDIR:
        return "a file is in the way where a folder is needed"
    if code == errno.EEXIST:
        return "a file with that name is in the way"
    if code == errno.ENOENT:
        return "its folder does not exist"
    return first_line(exc.strerror or exc)


def _error(path: str | Path, exc: OSError) -> WriteError:
    return WriteError(path, describe_os_error(exc), exc.errno)


def _show(path: str | Path) -> str:
    """A path on one line, whatever bytes its name holds (for messages only)."""
    text = os.fspath(path)
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\n", "\\n")


# ----------------------------------------------------------------------------- checks


def name_max(directory: Path) -> int:
    """The longest file name (in bytes) the file system of ``directory`` accepts."""
    try:
        return int(os.pathconf(directory, "PC_NAME_MAX"))
    except (AttributeError, OSError, ValueError):  # Windows, or a path pathconf cannot ask
        return 255


def _check_name(path: Path, limit: int) -> None:
    size = len(os.fsencode(path.name))
    if size > limit:
        raise WriteError(
            path,
            f"the file name is {size} bytes long, this file system allows {limit}",
            errno.ENAMETOOLONG,
        )


def check_output_dir(directory: str | Path, create: bool = True) -> Path:
    """Make sure files can be written into ``directory`` before any long work starts.

    Creates it (and its parents) when missing and ``create`` is set, then proves it writable by
    creating and removing a temporary folder, which catches read-only file systems even for root.
    Raises :class:`WriteError` for a file in the way, a missing folder, a name too long, or no
    permission.

    Then it sweeps the folder of what killed writers left there (:func:`remove_stale_temps`):
    every writing command checks its outputs through here before its work, so a retrain killed
    during its save (a ``.inception-desktop-tmp-*/model.keras``) or its export (a partial
    ``.tflite``) is cleaned up by the next command that writes beside it.
    """
    directory = Path(directory)
    missing: list[Path] = []
    for part in (directory, *directory.parents):
        _check_name(part, name_max(_existing_ancestor(part)))
        kind = _kind(part)
        if kind == "file":
            raise WriteError(part, "a file with that name is in the way (a folder is needed)")
        if kind == "dir":
            break
        missing.append(part)
    if missing:
        if not create:
            raise WriteError(directory, "the folder does not exist", errno.ENOENT)
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _error(directory, exc) from None
    try:
        probe = tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=directory)
        os.rmdir(probe)
    except OSError as exc:
        raise _error(directory, exc) from None
    remove_stale_temps(directory)
    return directory


def check_output_file(path: str | Path) -> Path:
    """Make sure ``path`` can be (re)written atomically, creating its folder when missing.

    Raises :class:`WriteError` when a folder is in the way, the name is too long for the file
    system, or the folder cannot be written. An existing file is fine: it will be replaced.
    """
    path = Path(path)
    if path.name in ("", ".", ".."):
        raise WriteError(path, "not a file name")
    _check_name(path, name_max(_existing_ancestor(path.parent)))
    check_output_dir(path.parent)
    _check_name(path, name_max(path.parent))
    if _kind(path) == "dir":
        raise WriteError(path, "a folder with that name is in the way", errno.EISDIR)
    return path


def _kind(path: Path) -> str:
    """ "dir", "file" (anything else that exists) or "" (nothing there, or cannot be asked)."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise _error(path, exc) from None
        return ""
    return "dir" if stat.S_ISDIR(mode) else "file"


def _existing_ancestor(path: Path) -> Path:
    for candidate in (path, *path.parents):
        try:
            if candidate.is_dir():
                return candidate
        except OSError:
            continue
    return Path(".")


# ----------------------------------------------------------------------------- writing


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path to write ``target``'s new content to; it replaces ``target`` when
    the block ends without an exception, and is removed otherwise.

    For writers that want a path (``model.save``, ``image.save``, ``save_weights``): the yielded
    path has the target's exact name, in a private folder beside it. The file is fsync'ed before
    the rename, and the folder after it. ``OSError`` from the block or the rename becomes
    :class:`WriteError`; other exceptions pass through unchanged.
    """
    target = Path(target)
    with _temp_dir(target) as tmp_dir:
        tmp = tmp_dir / target.name
        try:
            yield tmp
            if not tmp.is_file():
                raise WriteError(target, "the writer produced no file")
            _fsync_file(tmp)
            os.replace(tmp, target)
        except OSError as exc:
            raise _error(target, exc) from exc
    _fsync_dir(target.parent)


@contextlib.contextmanager
def atomic_open(target: str | Path, mode: str = "wb", **kwargs: Any) -> Iterator[IO[Any]]:
    """Like ``open(target, mode)``, but the content replaces ``target`` only when the block ends
    without an exception (see :func:`atomic_path`). ``mode`` is ``"wb"`` or ``"w"``."""
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_open writes new files only, not mode {mode!r}")
    with atomic_path(target) as tmp:
        try:
            stream = open(tmp, mode, **kwargs)  # noqa: SIM115 - closed below, before the rename
        except OSError as exc:
            raise _error(target, exc) from exc
        with stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())


def commit(finished: str | Path, target: str | Path) -> Path:
    """Move a file that another writer has finished (``finished``, beside ``target``) over
    ``target`` atomically: fsync'ed before the rename, its folder after.

    For writers that choose their own path (Keras' ``ModelCheckpoint``): a kill while they write
    damages only ``finished``; ``target`` is the old file or the whole new one.
    """
    finished, target = Path(finished), Path(target)
    try:
        _fsync_file(finished)
        os.replace(finished, target)
    except OSError as exc:
        raise _error(target, exc) from exc
    _fsync_dir(target.parent)
    return target


def write_bytes(target: str | Path, data: bytes) -> Path:
    """Replace ``target`` with ``data`` atomically."""
    with atomic_open(target, "wb") as stream:
        stream.write(data)
    return Path(target)


def write_text(target: str | Path, text: str, encoding: str = "utf-8") -> Path:
    """Replace ``target`` with ``text`` atomically."""
    return write_bytes(target, text.encode(encoding))


def write_json(target: str | Path, value: Any, indent: int | None = 2) -> Path:
    """Replace ``target`` with ``value`` as JSON atomically (the text is built before writing)."""
    return write_text(target, json.dumps(value, indent=indent) + "\n")


def copy_file(source: str | Path, target: str | Path) -> Path:
    """Copy ``source`` over ``target`` atomically."""
    with atomic_path(target) as tmp:
        shutil.copyfile(source, tmp)
    return Path(target)


# ----------------------------------------------------------------------------- temporaries


@contextlib.contextmanager
def _temp_dir(target: Path) -> Iterator[Path]:
    try:
        tmp_dir = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=target.parent))
    except OSError as exc:
        raise _error(target, exc) from None
    lock = None
    try:
        try:
            lock = _lock(tmp_dir)
        except OSError as exc:
            raise _error(target, exc) from None
        yield tmp_dir
    finally:
        if lock is not None:
            lock.close()
        shutil.rmtree(tmp_dir, ignore_errors=True)


def _lock(tmp_dir: Path) -> IO[bytes] | None:
    """Hold an exclusive lock in ``tmp_dir`` for as long as the writer lives (POSIX only)."""
    if fcntl is None:  # pragma: no cover - Windows
        return None
    stream = open(tmp_dir / _LOCK_NAME, "wb")  # noqa: SIM115 - closed by _temp_dir
    try:
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        stream.close()
        raise
    return stream


def remove_stale_temps(directory: str | Path) -> list[Path]:
    """Remove temporary folders that killed writers left in ``directory``; return them.

    A folder is stale when no live process holds its lock (POSIX) and it is older than
    :data:`MIN_STALE_AGE`; without locks, when older than :data:`UNLOCKED_STALE_AGE`.
    """
    directory = Path(directory)
    removed: list[Path] = []
    try:
        entries = [p for p in directory.iterdir() if p.name.startswith(TEMP_PREFIX)]
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        try:
            age = now - entry.stat().st_mtime
        except OSError:
            continue
        if age < MIN_STALE_AGE or not entry.is_dir() or _in_use(entry, age):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def _in_use(tmp_dir: Path, age: float) -> bool:
    if fcntl is None:  # pragma: no cover - Windows
        return age < UNLOCKED_STALE_AGE
    try:
        with open(tmp_dir / _LOCK_NAME, "rb") as stream:
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    return False


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as stream:
        os.fsync(stream.fileno())


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_cache_entry(target: str | Path, data: bytes) -> None:
    """Write a cache entry whole or not at all (a temporary name, then a rename), and never
    raise: an entry that cannot be written only costs its recomputation. No fsync: a crash loses
    at most an entry, which a checksum or a size check then refuses."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.replace(tmp, target)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
