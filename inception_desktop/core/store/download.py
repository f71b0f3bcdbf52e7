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
    caller that gives advice per kind; ``reason`` (as for every project error) is for people: what
    happened in words and sizes (never raw byte counts), without the URL that ``str()`` adds."""

    def __init__(self, message: str, kind: str, reason: str | None = None) -> None:
        super().__init__(message, reason)
        self.kind = kind


def _error(url: str, reason: str, kind: str) -> DownloadError:
    return DownloadError(f"{url}: {reason}", kind, reason)


def size_text(n: float) -> str:
    """Bytes for a person in SI units, the one unit used for every size the app shows:
    ``96.1 MB`` is 96,112,376 bytes (1 MB = 1,000,000 bytes, as file managers and browsers
    count on Linux and macOS)."""
    if n < 1000:
        return f"{int(n)} bytes"
    for unit, factor in (("kB", 1e3), ("MB", 1e6), ("GB", 1e9)):
        if n < factor * 999.95:
            return f"{n / factor:.1f} {unit}"
    return f"{n / 1e12:.1f} TB"


def duration_text(seconds: float) -> str:
    """``7 s``, ``2 min 05 s``, ``1 h 03 min``: a time left, rounded up to whole seconds."""
    s = max(0, int(-(-seconds // 1)))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


def _sizes(a: int, b: int) -> tuple[str, str]:
    """Two sizes to compare, in bytes where the rounded texts would read the same."""
    if size_text(a) == size_text(b):
        return f"{a:,} bytes", f"{b:,} bytes"
    return size_text(a), size_text(b)


def _stopped_at(received: int, total: int | None) -> str:
    """Where a download stopped, in words: ``at 40% (38.4 MB of 96.1 MB)`` or ``after 3.2 MB``."""
    if total:
        return f"at {received / total:.0%} ({size_text(received)} of {size_text(total)})"
    return f"after {size_text(received)}" if received else "before any data arrived"


class TransferMeter:
    """Speed and time left of a transfer, from the progress callbacks it is fed.

    The speed is measured over the last ``window`` seconds (a moving window: a connection that
    slows down shows it within seconds, and one slow read does not swing the estimate); it is
    unknown (None) until ``min_span`` seconds of data were seen. One meter may follow several
    files in turn (MNIST's four): progress that goes back, or another total, starts it afresh.
    """

    def __init__(
        self,
        window: float = 5.0,
        min_span: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.window, self.min_span, self.clock = window, min_span, clock
        self.done = 0
        self.total: int | None = None
        self._samples: list[tuple[float, int]] = []

    def update(self, done: int, total: int | None = None) -> None:
        now = self.clock()
        if done < self.done or total != self.total:  # a new file on the same meter: start over
            self._samples.clear()
        self.done, self.total = done, total
        self._samples.append((now, done))
        while len(self._samples) > 2 and now - self._samples[1][0] >= self.window:
            self._samples.pop(0)

    @property
    def speed(self) -> float | None:
        """Bytes per second over the window, or None while too little was seen."""
        if len(self._samples) < 2:
            return None
        (t0, b0), (t1, b1) = self._samples[0], self._samples[-1]
        if t1 - t0 < self.min_span:
            return None
        return max(0.0, (b1 - b0) / (t1 - t0))

    @property
    def remaining(self) -> float | None:
        """Seconds left at the current speed, or None when the total or the speed is unknown."""
        speed = self.speed
        if self.total is None or not speed:
            return None
        return max(0.0, (self.total - self.done) / speed)

    def describe(self) -> str:
        """``38.4 MB of 96.1 MB (40%), 5.2 MB/s, 11 s left`` (parts unknown yet are left out)."""
        if self.total:
            share = min(1.0, self.done / self.total)
            parts = [f"{size_text(self.done)} of {size_text(self.total)} ({share:.0%})"]
        else:
            parts = [size_text(self.done)]
        speed, remaining = self.speed, self.remaining
        if speed is not None:
            parts.append(f"{size_text(speed)}/s")
        if remaining is not None and self.total and self.done < self.total:
            parts.append(f"{duration_text(remaining)} left")
        return ", ".join(parts)


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
        raise DownloadError(str(exc), "io", exc.reason) from None
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
                raise _error(
                    url,
                    "the server offers {}, the file has {}".format(*_sizes(total, expected_size)),
                    "size",
                )
            if cap is not None and total > cap:
                raise _error(
                    url,
                    f"the server offers {size_text(total)}, more than the {size_text(cap)} "
                    f"({cap} bytes) allowed",
                    "size",
                )
        clock.expected = total if total is not None else expected_size
        digest = hashlib.new(algorithm)
        try:
            with atomic.atomic_open(target, "wb") as out:
                received = _body(reader, clock, out, digest, url, total, cap, progress)
                if expected_size is not None and received != expected_size:
                    raise _error(
                        url,
                        "the download ended at {}, the file has {}".format(
                            *_sizes(received, expected_size)
                        ),
                        "size",
                    )
                actual = digest.hexdigest()
                if expected_hash is not None and actual != expected_hash.lower():
                    raise _error(
                        url,
                        "the downloaded file is damaged or not the expected one, and was not "
                        f"kept (its {algorithm} is {actual}, expected {expected_hash})",
                        "hash",
                    )
        except atomic.WriteError as exc:
            raise _error(url, f"could not save it: {exc}", "io") from exc
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
            raise _error(
                url,
                f"the server sent more than the {size_text(cap)} ({cap} bytes) allowed; "
                "nothing was kept",
                "size",
            )
        out.write(value)
        digest.update(value)
        if progress:
            progress(received, total)
    if total is not None and received < total:
        raise _error(
            url,
            f"the download stopped {_stopped_at(received, total)}: the connection was closed",
            "network",
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
            raise DownloadError(
                f"download of {self.url} cancelled",
                "cancelled",
                f"the download was cancelled {_stopped_at(self.received, self.expected)}",
            )
        now = time.monotonic()
        where = _stopped_at(self.received, self.expected)
        if now - self.started > self.deadline:
            raise _error(
                self.url,
                f"not finished after {duration_text(self.deadline)}: the download stopped "
                f"{where}, gave up",
                "timeout",
            )
        if now - self.last_data > self.timeout:
            raise _error(
                self.url,
                f"no data for {duration_text(self.timeout)}: the download stopped {where}, "
                "gave up (check the connection)",
                "timeout",
            )
        if now - self.window_start >= self.window:
            needed = self.min_bytes
            if self.expected is not None:
                needed = min(needed, max(1, self.expected - self.window_bytes))
            if self.received - self.window_bytes < needed:
                raise _error(
                    self.url,
                    f"only {size_text(self.received - self.window_bytes)} in the last "
                    f"{duration_text(self.window)}: the connection is stalled, the download "
                    f"stopped {where}; gave up",
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

    where = f"the download stopped {_stopped_at(received, total)}: " if received else ""
    if isinstance(exc, DownloadError):
        return exc
    if isinstance(exc, urllib.error.HTTPError):
        return _error(url, f"the server answered {exc.code} {exc.reason}", "http")
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return _error(url, f"no answer within {duration_text(timeout)}", "timeout")
        if isinstance(reason, ssl.SSLError):
            return _error(url, f"secure connection failed ({reason})", "network")
        return _error(url, f"cannot connect ({reason}); you may be offline", "offline")
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return _error(
            url,
            f"{where}no data for {duration_text(timeout)}, gave up (check the connection)",
            "timeout",
        )
    if isinstance(exc, ValueError) and received == 0:
        return _error(url, f"not a valid URL ({exc})", "http")
    if isinstance(exc, (http.client.HTTPException, ssl.SSLError, OSError, ValueError)):
        return _error(url, f"{where or 'the download failed: '}{_cause(exc)}", "network")
    if isinstance(exc, Exception):
        return _error(url, f"{where}{type(exc).__name__}: {first_line(exc)}", "network")
    raise exc  # KeyboardInterrupt, SystemExit on the reader thread: not ours to hide


def _cause(exc: BaseException) -> str:
    """What broke a connection, in words (the exception's name only when it says more)."""
    import http.client
    import ssl

    if isinstance(exc, ConnectionResetError):
        return "the connection was reset"
    if isinstance(exc, (http.client.IncompleteRead, http.client.RemoteDisconnected)):
        return "the connection was closed"
    if isinstance(exc, ConnectionAbortedError | BrokenPipeError):
        return "the connection was dropped"
    if isinstance(exc, ssl.SSLError):
        return f"the secure connection failed ({first_line(exc)})"
    detail = first_line(exc)
    return f"the connection broke ({type(exc).__name__}{': ' + detail if detail else ''})"


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
