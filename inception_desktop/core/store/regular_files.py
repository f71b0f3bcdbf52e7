"""Opening a file someone sent us without hanging or reading without end.

A path can name a named pipe (opening it blocks until a writer comes, forever), a device such as
``/dev/zero`` (endless data) or a sparse file of many gigabytes. Each loader of untrusted files
(pictures, IDX data, model archives) goes through :func:`open_regular_file`, which looks at the
path with ``stat`` before opening it, opens without blocking, checks again on the open descriptor
(the path may have been swapped in between) and refuses anything but a regular file within a size
limit. Failures are :class:`UnreadableFileError` with a short reason that each loader wraps into
its own error type, naming the file.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path
from typing import BinaryIO

from inception_desktop.core.errors import InceptionDesktopError

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in after stat() must not block open()
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_BINARY", 0)
)


class UnreadableFileError(InceptionDesktopError):
    """The path is missing, not a regular file, too large or unreadable; ``reason`` says which."""

    def __init__(self, reason: str, *, missing: bool = False) -> None:
        super().__init__(reason, reason)
        self.missing = missing


def size_text(n: int) -> str:
    """``n`` bytes for a person: ``512 bytes``, ``3.2 MB``, ``8.0 GB`` (decimal units)."""
    if n < 1000:
        return f"{n} bytes"
    for unit, factor in (("kB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12)):
        if n < factor * 1000 or unit == "TB":
            return f"{n / factor:.1f} {unit}"
    raise AssertionError("unreachable")


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _check(info: os.stat_result, max_bytes: int) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise UnreadableFileError("is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableFileError(f"{_kind(info.st_mode)}, not a regular file; not read")
    if info.st_size > max_bytes:
        raise UnreadableFileError(
            f"too large: the file is {size_text(info.st_size)}, the limit is {size_text(max_bytes)}"
        )


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "cannot read it (permission denied)"
    return f"cannot read it ({exc.strerror or exc})"


def check_regular_file(path: str | Path, max_bytes: int) -> int:
    """The size of ``path`` if it names a regular file of at most ``max_bytes``; else
    :class:`UnreadableFileError`. Nothing is opened, so a FIFO or a device cannot hang the caller.

    For libraries that open the file themselves (LiteRT's interpreter, Keras): the check comes
    before they are handed the path. Where the project reads the file itself, use
    :func:`open_regular_file`, which checks the open descriptor as well.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise UnreadableFileError("no such file", missing=True) from None
    except OSError as exc:
        raise UnreadableFileError(_os_reason(exc)) from None
    _check(info, max_bytes)
    return info.st_size


def regular_file_digest(path: str | Path, max_bytes: int, algorithm: str = "md5") -> str:
    """The hex digest of a regular file of at most ``max_bytes``, read in 1 MB chunks.

    The check comes before the first byte is read: hashing a FIFO never returns, ``/dev/zero``
    never ends, and a 2 GB sparse file costs seconds, so each is refused by kind or size first.
    """
    digest = hashlib.new(algorithm)
    with open_regular_file(path, max_bytes) as stream:
        read = 0
        try:
            for block in iter(lambda: stream.read(1 << 20), b""):
                read += len(block)
                if read > max_bytes:  # grew after the check
                    raise UnreadableFileError(f"too large: the file is over {size_text(max_bytes)}")
                digest.update(block)
        except OSError as exc:
            raise UnreadableFileError(_os_reason(exc)) from None
    return digest.hexdigest()


def not_a_file_reason(path: str | Path) -> str | None:
    """Why a folder entry is neither a regular file nor a folder, for a "skipped" list: a named
    pipe, a device (or a link to one), a link that loops or points nowhere. None for a regular
    file or a folder (or a link to one). Nothing is opened."""
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link that loops; not read"
        if isinstance(exc, FileNotFoundError) and os.path.islink(path):
            return "a symbolic link to nothing; not read"
        return _os_reason(exc)
    if stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode):
        return None
    link = "a link to " if os.path.islink(path) else ""
    return f"{link}{_kind(info.st_mode)}, not a regular file; not read"


def open_regular_file(path: str | Path, max_bytes: int) -> BinaryIO:
    """Open ``path`` for binary reading if it is a regular file of at most ``max_bytes``.

    Never blocks on a FIFO and never opens a device. The caller closes the returned file.
    """
    try:
        _check(os.stat(path), max_bytes)
    except FileNotFoundError:
        raise UnreadableFileError("no such file", missing=True) from None
    except OSError as exc:
        raise UnreadableFileError(_os_reason(exc)) from None
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise UnreadableFileError("no such file", missing=True) from None
    except OSError as exc:
        raise UnreadableFileError(_os_reason(exc)) from None
    try:
        _check(os.fstat(fd), max_bytes)
        if _OPEN_FLAGS & getattr(os, "O_NONBLOCK", 0) and hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)  # a regular file: ordinary reads from here on
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular_file(path: str | Path, max_bytes: int) -> bytes:
    """The whole content of a regular file of at most ``max_bytes`` (see :func:`open_regular_file`).

    At most ``max_bytes + 1`` bytes are read, so a file that grows after the check is refused too.
    """
    with open_regular_file(path, max_bytes) as stream:
        try:
            data = stream.read(max_bytes + 1)
        except MemoryError:
            raise UnreadableFileError("not enough memory to read it") from None
        except OSError as exc:
            raise UnreadableFileError(_os_reason(exc)) from None
    if len(data) > max_bytes:
        raise UnreadableFileError(f"too large: the file is over {size_text(max_bytes)}")
    return data
