"""Hash-verified downloads that never leave a half-written file where a good one is expected.

The bytes go to a temporary file beside the target, are hashed while they arrive, and are moved
into place with one atomic rename only after the hash matched. Cancel, timeout, server errors and
a wrong hash all remove the temporary file and raise :class:`DownloadError`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

#: Called with (bytes received, total bytes or None when the server does not say).
ProgressCallback = Callable[[int, "int | None"], None]

CHUNK = 1 << 16
DEFAULT_TIMEOUT = 30.0


class CancelToken:
    """Set from any thread to stop a download at its next chunk."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


class DownloadError(Exception):
    """A download failed; ``reason`` is one of cancelled, timeout, offline, http, hash, io."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def file_digest(path: str | Path, algorithm: str = "md5") -> str:
    """Hex digest of a file, read in chunks so that a 92 MB file costs no 92 MB of memory."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download_file(
    url: str,
    target: str | Path,
    *,
    expected_hash: str | None,
    algorithm: str = "md5",
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int | None = None,
) -> Path:
    """Download ``url`` to ``target`` atomically; see the module docstring for the guarantees.

    Args:
        expected_hash: hex digest the file must have; None accepts any content (used only for
            files that are validated otherwise, such as a dropped web image).
        timeout: seconds without any data before giving up (connect and each read).
        max_bytes: refuse a body larger than this.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    request = urllib.request.Request(url, headers={"User-Agent": "inception-desktop"})
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    digest = hashlib.new(algorithm)
    try:
        with os.fdopen(fd, "wb") as out, _open(request, url, timeout) as response:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            if max_bytes is not None and total is not None and total > max_bytes:
                raise DownloadError(
                    f"{url}: {total} bytes is more than the {max_bytes} allowed", "io"
                )
            received = 0
            if progress:
                progress(0, total)
            while True:
                if cancel is not None and cancel.cancelled:
                    raise DownloadError(f"download of {url} cancelled", "cancelled")
                try:
                    chunk = response.read(CHUNK)
                except TimeoutError as exc:
                    raise DownloadError(
                        f"{url}: no data for {timeout:g} s, gave up (check the connection)",
                        "timeout",
                    ) from exc
                if not chunk:
                    break
                received += len(chunk)
                if max_bytes is not None and received > max_bytes:
                    raise DownloadError(f"{url}: more than the {max_bytes} bytes allowed", "io")
                out.write(chunk)
                digest.update(chunk)
                if progress:
                    progress(received, total)
            if total is not None and received < total:
                raise DownloadError(
                    f"{url}: connection closed after {received} of {total} bytes", "io"
                )
        actual = digest.hexdigest()
        if expected_hash is not None and actual != expected_hash.lower():
            raise DownloadError(
                f"{url}: the file's {algorithm} is {actual}, expected {expected_hash}; "
                "it is damaged or not the expected file, and was not kept",
                "hash",
            )
        os.replace(tmp, target)
        log.info("downloaded %s to %s (%d bytes)", url, target, received)
        return target
    except OSError as exc:
        raise DownloadError(f"{url}: could not write {target}: {exc}", "io") from exc
    finally:
        tmp.unlink(missing_ok=True)


def _open(request: urllib.request.Request, url: str, timeout: float):
    try:
        return urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"{url}: the server answered {exc.code} {exc.reason}", "http") from exc
    except TimeoutError as exc:
        raise DownloadError(f"{url}: no answer within {timeout:g} s", "timeout") from exc
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise DownloadError(f"{url}: no answer within {timeout:g} s", "timeout") from exc
        raise DownloadError(
            f"{url}: cannot connect ({reason}); you may be offline", "offline"
        ) from exc
    except ValueError as exc:
        raise DownloadError(f"{url}: not a valid URL", "http") from exc
