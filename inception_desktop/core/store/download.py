"""Hash-verified downloads that never leave a half-written file where a good one is expected.

The bytes are written through :func:`~.atomic.atomic_open` (a temporary file
beside the target, hashed while it fills, moved into place with one rename only after the size and
hash matched). Every failure removes the temporary file and raises :class:`DownloadError`.

What a download may cost is bounded, whatever the server does:

* **time**: an overall ``deadline``; ``timeout`` seconds without a byte; and a minimum-progress
  rule, since a trickle is a stall: fewer than ``min_bytes`` in a ``window`` of seconds fails;
* **size**: ``expected_size`` (exact) or ``max_bytes`` (a cap), checked against Content-Length
  before the body and against the bytes as they arrive, so a body with no length cannot fill a
  disk before the hash is checked;
* **cancel**: the network is read on a helper thread while the calling thread waits at most
  :data:`POLL` seconds at a time, so a :class:`CancelToken` takes effect within a second even
  while a read, a connect or a DNS lookup hangs (the socket is shut down to wake the reader).

Errors from ``urllib``, ``http.client``, ``socket`` and ``ssl`` (IncompleteRead,
RemoteDisconnected, ConnectionResetError, SSLError...) all become :class:`DownloadError`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inception_desktop.core.errors import InceptionDesktopError, first_line

if TYPE_CHECKING:
    import urllib.request

# urllib.request, http.client and ssl are imported where a download starts: together they cost
# ~50 ms, and the window imports this module (through core.weights) before its first paint.

from inception_desktop.core.store import atomic

log = logging.getLogger(__name__)

#: Called with (bytes received, total bytes or None when the server does not say).
ProgressCallback = Callable[[int, "int | None"], None]

CHUNK = 1 << 16
#: Seconds without any byte (connecting, or between reads) before giving up.
DEFAULT_TIMEOUT = 30.0
#: Seconds a whole download may take.
DEFAULT_DEADLINE = 3600.0
#: The minimum-progress rule: at least MIN_BYTES in every WINDOW seconds (about 1 kB/s).
MIN_BYTES = 32 * 1024
WINDOW = 30.0
#: How long the calling thread waits for the network before it looks at cancel and the clocks.
POLL = 0.2


class CancelToken:
    """Set from any thread to stop a download within :data:`POLL` seconds."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


class DownloadError(InceptionDesktopError):
    """A download failed; ``kind`` is one of cancelled, timeout, offline, http, network
    (the connection broke), size (more or fewer bytes than allowed), hash, io (writing), for a
    caller that gives advice per kind; ``reason`` (as for every project error) is for people."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


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
    expected_size: int | None = None,
    deadline: float = DEFAULT_DEADLINE,
    min_bytes: int = MIN_BYTES,
    window: float = WINDOW,
) -> Path:
    """Download ``url`` to ``target`` atomically; see the module docstring for the guarantees.

    Args:
        expected_hash: hex digest the file must have; None accepts any content (used only for
            files that are validated otherwise, such as a dropped web image).
        timeout: seconds without any data before giving up (connect and each read).
        max_bytes: refuse a body larger than this.
        expected_size: the exact size the file must have, when it is known.
        deadline: seconds the whole download may take.
        min_bytes, window: fewer than ``min_bytes`` arriving in ``window`` seconds is a stall.
    """
    target = Path(target)
    try:
        atomic.check_output_dir(target.parent)
    except atomic.WriteError as exc:
        raise DownloadError(str(exc), "io") from None
    _remove_stale_parts(target)
    cap = min((n for n in (max_bytes, expected_size) if n is not None), default=None)
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "inception-desktop"})
    reader = _Reader(request, timeout)
    clock = _Clock(url, cancel, timeout, deadline, min_bytes, window)
    reader.start()
    try:
        total = _headers(reader, clock, url)
        if total is not None:
            if expected_size is not None and total != expected_size:
                raise DownloadError(
                    f"{url}: the server offers {total} bytes, the file has {expected_size}",
                    "size",
                )
            if cap is not None and total > cap:
                raise DownloadError(f"{url}: {total} bytes is more than the {cap} allowed", "size")
        clock.expected = total if total is not None else expected_size
        digest = hashlib.new(algorithm)
        try:
            with atomic.atomic_open(target, "wb") as out:
                received = _body(reader, clock, out, digest, url, total, cap, progress)
                if expected_size is not None and received != expected_size:
                    raise DownloadError(
                        f"{url}: got {received} bytes, the file has {expected_size}", "size"
                    )
                actual = digest.hexdigest()
                if expected_hash is not None and actual != expected_hash.lower():
                    raise DownloadError(
                        f"{url}: the file's {algorithm} is {actual}, expected {expected_hash}; "
                        "it is damaged or not the expected file, and was not kept",
                        "hash",
                    )
        except atomic.WriteError as exc:
            raise DownloadError(f"{url}: {exc}", "io") from exc
    finally:
        reader.stop()
    log.info("downloaded %s to %s (%d bytes)", url, target, received)
    return target


def _headers(reader: _Reader, clock: _Clock, url: str) -> int | None:
    """Wait for the response headers; the total size when the server says it."""
    kind, value = _next(reader, clock)
    if kind == "error":
        raise _translate(value, url, 0, None, clock.timeout)
    length = value.get("Content-Length")
    return int(length) if length and length.strip().isdigit() else None


def _body(
    reader: _Reader,
    clock: _Clock,
    out: Any,
    digest: Any,
    url: str,
    total: int | None,
    cap: int | None,
    progress: ProgressCallback | None,
) -> int:
    received = 0
    if progress:
        progress(0, total)
    while True:
        kind, value = _next(reader, clock)
        if kind == "error":
            raise _translate(value, url, received, total, clock.timeout)
        if not value:
            break
        received += len(value)
        clock.received = received
        if cap is not None and received > cap:
            raise DownloadError(f"{url}: more than the {cap} bytes allowed", "size")
        out.write(value)
        digest.update(value)
        if progress:
            progress(received, total)
    if total is not None and received < total:
        raise DownloadError(
            f"{url}: the connection closed after {received} of {total} bytes", "network"
        )
    return received


def _next(reader: _Reader, clock: _Clock) -> tuple[str, Any]:
    """The reader's next event, checking cancel and every time rule while waiting."""
    while True:
        clock.check()
        try:
            event = reader.events.get(timeout=POLL)
        except queue.Empty:
            continue
        if event[0] == "data" and event[1]:
            clock.data_arrived()
        return event


class _Clock:
    """Cancel, the overall deadline, the idle timeout and the minimum-progress rule."""

    def __init__(
        self,
        url: str,
        cancel: CancelToken | None,
        timeout: float,
        deadline: float,
        min_bytes: int,
        window: float,
    ) -> None:
        self.url, self.cancel, self.timeout = url, cancel, timeout
        self.deadline, self.min_bytes, self.window = deadline, min_bytes, window
        self.started = self.last_data = self.window_start = time.monotonic()
        self.received = self.window_bytes = 0
        self.expected: int | None = None

    def data_arrived(self) -> None:
        self.last_data = time.monotonic()

    def check(self) -> None:
        if self.cancel is not None and self.cancel.cancelled:
            raise DownloadError(f"download of {self.url} cancelled", "cancelled")
        now = time.monotonic()
        if now - self.started > self.deadline:
            raise DownloadError(
                f"{self.url}: not finished after {self.deadline:g} s "
                f"({self.received} bytes received), gave up",
                "timeout",
            )
        if now - self.last_data > self.timeout:
            raise DownloadError(
                f"{self.url}: no data for {self.timeout:g} s, gave up (check the connection)",
                "timeout",
            )
        if now - self.window_start >= self.window:
            needed = self.min_bytes
            if self.expected is not None:
                needed = min(needed, max(1, self.expected - self.window_bytes))
            if self.received - self.window_bytes < needed:
                raise DownloadError(
                    f"{self.url}: only {self.received - self.window_bytes} bytes in the last "
                    f"{self.window:g} s, the connection is stalled; gave up",
                    "timeout",
                )
            self.window_start, self.window_bytes = now, self.received


class _Reader(threading.Thread):
    """Connects and reads on its own thread, handing ("headers", msg), ("data", bytes) and
    ("error", exc) to the caller through a small queue; ``b""`` data means the end."""

    def __init__(self, request: urllib.request.Request, timeout: float) -> None:
        super().__init__(name="download-reader", daemon=True)
        self.request, self.timeout = request, timeout
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=16)
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._response: Any = None

    def run(self) -> None:
        try:
            import urllib.request

            response = urllib.request.urlopen(self.request, timeout=self.timeout)
        except BaseException as exc:  # handed over, translated by the caller
            self._put(("error", exc))
            return
        with self._lock:
            self._response = response
        try:
            if self._stopped.is_set():
                return
            self._put(("headers", response.headers))
            read = getattr(response, "read1", response.read)
            while not self._stopped.is_set():
                chunk = read(CHUNK)
                self._put(("data", chunk))
                if not chunk:
                    return
        except BaseException as exc:
            self._put(("error", exc))
        finally:
            with self._lock:
                self._response = None
                response.close()

    def _put(self, event: tuple[str, Any]) -> None:
        while not self._stopped.is_set():
            try:
                self.events.put(event, timeout=POLL)
                return
            except queue.Full:
                continue

    def stop(self) -> None:
        """Stop reading now: a read blocked on the socket is woken by shutting the socket down."""
        self._stopped.set()
        with self._lock:
            if self._response is None:
                return
            try:
                fd = self._response.fileno()
                with socket.socket(fileno=os.dup(fd)) as sock:
                    sock.shutdown(socket.SHUT_RDWR)
            except (OSError, ValueError, AttributeError):
                pass


def _translate(
    exc: BaseException, url: str, received: int, total: int | None, timeout: float
) -> DownloadError:
    """One :class:`DownloadError` for whatever the network stack raised."""
    import http.client
    import ssl
    import urllib.error

    where = f" after {received} of {total} bytes" if total else ""
    if isinstance(exc, DownloadError):
        return exc
    if isinstance(exc, urllib.error.HTTPError):
        return DownloadError(f"{url}: the server answered {exc.code} {exc.reason}", "http")
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return DownloadError(f"{url}: no answer within {timeout:g} s", "timeout")
        if isinstance(reason, ssl.SSLError):
            return DownloadError(f"{url}: secure connection failed ({reason})", "network")
        return DownloadError(f"{url}: cannot connect ({reason}); you may be offline", "offline")
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return DownloadError(
            f"{url}: no data for {timeout:g} s{where}, gave up (check the connection)", "timeout"
        )
    if isinstance(exc, ValueError) and received == 0:
        return DownloadError(f"{url}: not a valid URL ({exc})", "http")
    if isinstance(exc, (http.client.HTTPException, ssl.SSLError, OSError, ValueError)):
        detail = first_line(str(exc))
        name = type(exc).__name__
        return DownloadError(
            f"{url}: the connection broke{where} ({name}{': ' + detail if detail else ''})",
            "network",
        )
    if isinstance(exc, Exception):
        return DownloadError(f"{url}: {type(exc).__name__}: {exc}", "network")
    raise exc  # KeyboardInterrupt, SystemExit on the reader thread: not ours to hide


def _remove_stale_parts(target: Path) -> None:
    """Remove temporaries that earlier, killed downloads left beside ``target``."""
    removed = atomic.remove_stale_temps(target.parent)
    now = time.time()
    for part in target.parent.glob(f".{target.name}.*.part"):  # older versions' temporaries
        try:
            if now - part.stat().st_mtime >= atomic.MIN_STALE_AGE:
                part.unlink()
                removed.append(part)
        except OSError:
            pass
    if removed:
        log.info("removed %d stale partial downloads beside %s", len(removed), target)
