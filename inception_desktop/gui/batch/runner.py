"""Running a batch in the window: listing and decoding on threads, the network on the worker.

A feeder thread lists the inputs lazily (a folder that holds a million photos is never a list)
and hands each one to a small decode pool, which decodes it as the command line does
(:func:`~inception_desktop.core.photo.prepare.decode_for_network` then framing) and makes its
thumbnail. Decoded inputs come to the GUI thread as queued signals; there they are grouped into
chunks of :data:`CHUNK` and sent to the inference worker as one :class:`BatchRequest`, served by
the model's ``classify_batch`` (never one ``predict`` per image). At most :data:`IN_FLIGHT`
chunks wait at the worker, so a photo the person opens meanwhile waits for one chunk at most,
and at most :data:`AHEAD` network inputs exist at a time: memory is bounded whatever the size of
the folder (a finished row keeps its small record and a JPEG thumbnail of a few KB, no pixels).

Every input ends as exactly one row: classified, or with its error (an unreadable file, one that
vanished). ``cancel`` stops listing and decoding at once; chunks already at the worker are
answered and dropped.
"""

from __future__ import annotations

import io
import itertools
import logging
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from inception_desktop.core.batch.inputs import iter_inputs
from inception_desktop.core.batch.records import Record
from inception_desktop.core.errors import first_line
from inception_desktop.core.photo.framing import Framing
from inception_desktop.gui.runtime.channel import Channel
from inception_desktop.gui.runtime.recordable import Kept, batch_entries
from inception_desktop.gui.runtime.requests import ModelKind, next_id
from inception_desktop.gui.runtime.worker import InferenceWorker

log = logging.getLogger(__name__)

#: Inputs per request to the worker (the command line's batch size).
CHUNK = 16
#: Chunks sent to the worker and not yet answered.
IN_FLIGHT = 2
#: Network inputs decoded or being decoded and not yet classified, at most.
AHEAD = CHUNK * (IN_FLIGHT + 2)
#: Threads that decode photos (Pillow releases the GIL while it decodes and resizes).
DECODE_THREADS = 2
#: Thumbnails' longest side, kept as JPEG bytes.
THUMB_SIDE = 64
#: How many classes a row keeps (its top-5).
TOP = 5
#: The network input side (Inception v3 and the heads made by 'retrain').


@dataclass
class Decoded:
    """One input after the pool: its network input (until classified), thumbnail or error."""

    index: int
    path: str
    array: np.ndarray | None = field(default=None, repr=False)
    thumbnail: bytes = b""
    error: str | None = None


@dataclass(frozen=True)
class Row:
    """What the table keeps of one input: ``index`` is its place in the listing."""

    index: int
    record: Record
    thumbnail: bytes = b""


@dataclass(frozen=True)
class BatchResult:
    """The worker's answer to a :class:`BatchRequest`: one record per input, in order."""

    request_id: int
    records: tuple[Record, ...]
    weights: str = ""  # which weights answered (Prediction.weights), for the history

    def history(self, now: float) -> list[Kept]:
        return batch_entries(self.records, self.weights, now)


@dataclass(frozen=True)
class BatchRequest:
    """Classify ``arrays`` (framed network inputs of ``paths``) in one ``classify_batch``."""

    kind: ClassVar[ModelKind] = ModelKind.PHOTO
    paths: tuple[str, ...]
    arrays: tuple[np.ndarray, ...] = field(repr=False)
    framing: Framing
    id: int = field(default_factory=next_id)

    @property
    def source(self) -> str:
        return f"batch-{self.id}"  # never replaced by another chunk ("latest wins" is per source)

    def serve(self, model: Any) -> BatchResult:
        predictions = model.classify_batch(list(self.arrays), k=TOP)
        records = tuple(
            Record.from_prediction(path, p.as_dict(), self.framing.mode, p.device)
            for path, p in zip(self.paths, predictions, strict=True)
        )
        return BatchResult(self.id, records, predictions[0].weights if predictions else "")


def decode(index: int, path: str, framing: Framing) -> Decoded:
    """Decode and frame one photo as the command line does, and make its thumbnail; any failure
    is the row's error (never an exception: one bad file never stops a batch)."""

    from inception_desktop.core.models.inception import INPUT_SIZE
    from inception_desktop.core.photo.images import ImageLoadError
    from inception_desktop.core.photo.prepare import decode_for_network, network_input
    from inception_desktop.core.photo.thumbnails import thumbnail

    try:
        loaded = decode_for_network(path, framing, INPUT_SIZE)
        array = network_input(loaded, framing, INPUT_SIZE).array
        out = io.BytesIO()
        thumbnail(loaded.image, THUMB_SIDE).save(out, "JPEG", quality=80)
        return Decoded(index, path, array, out.getvalue())
    except ImageLoadError as exc:
        return Decoded(index, path, error=exc.reason)
    except Exception as exc:  # a bug or a Pillow surprise: the row says it, the batch goes on
        log.warning("decoding %s failed", path, exc_info=True)
        return Decoded(index, path, error=first_line(exc, 300))


class _Feeder(QObject):
    """Lists and decodes on background threads; ``decoded`` reaches the GUI thread queued."""

    decoded = Signal(object)  # Decoded
    listed = Signal(int)  # how many inputs the batch has (known once listing ends)
    done = Signal()  # every input has been decoded (or the run was cancelled)


class BatchRun(QObject):
    """One batch: ``rows`` as chunks finish, ``progress(done, total, failed)``, ``finished``.

    ``total`` is -1 while the listing still runs."""

    rows = Signal(list)  # list[Row]
    progress = Signal(int, int, int)
    finished = Signal(bool)  # cancelled
    message = Signal(str)

    def __init__(
        self,
        worker: InferenceWorker,
        paths: Sequence[str],
        framing: Framing,
        recursive: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.paths = list(paths)
        self.framing = framing
        self.recursive = recursive
        self.total = -1
        self.done = 0
        self.failed = 0
        self.started = time.monotonic()
        self.cancelled = False
        self.running = False
        self._channel = Channel(worker, self)
        self._feeder = _Feeder()
        self._feeder.decoded.connect(self._decoded)
        self._feeder.listed.connect(self._listed)
        self._feeder.done.connect(self._decoding_done)
        self._room = threading.Semaphore(AHEAD)  # released as rows are made
        self._stop = threading.Event()
        self._ready: list[Decoded] = []
        self._in_flight = 0
        self._decoding = True
        self._pool: ThreadPoolExecutor | None = None
        self._thread: threading.Thread | None = None

    # --- GUI thread --------------------------------------------------------------------------
    def start(self) -> None:
        self.running = True
        self._pool = ThreadPoolExecutor(DECODE_THREADS, thread_name_prefix="batch-decode")
        self._thread = threading.Thread(target=self._feed, name="batch-list", daemon=True)
        self._thread.start()
        threading.Thread(target=self._count, name="batch-count", daemon=True).start()

    def cancel(self) -> None:
        """Stop listing and decoding now; what the worker is serving is answered and dropped."""
        if not self.running:
            return
        self.cancelled = True
        self._stop.set()
        for _ in range(AHEAD):  # wake a feeder waiting for room
            self._room.release()
        self._finish()

    def wait(self, timeout: float = 5.0) -> None:
        """Let the threads end (at shutdown, after :meth:`cancel`)."""
        if self._thread is not None:
            self._thread.join(timeout)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def seconds_left(self) -> float | None:
        """An estimate from the rate so far (None until a few rows are done or the size known)."""
        if self.total < 0 or self.done < 4:
            return None
        rate = self.done / max(1e-6, time.monotonic() - self.started)
        return (self.total - self.done) / rate

    @Slot(int)
    def _listed(self, total: int) -> None:
        self.total = total
        self._report()

    @Slot(object)
    def _decoded(self, item: Decoded) -> None:
        if self.cancelled:
            return
        if item.error is not None:
            self._room.release()
            self._add_rows([Row(item.index, Record(item.path, error=item.error), b"")])
        else:
            self._ready.append(item)
        self._send()

    @Slot()
    def _decoding_done(self) -> None:
        self._decoding = False
        self._send()

    def _send(self) -> None:
        """Send full chunks (or the last, short one) while fewer than IN_FLIGHT are out."""
        while self._in_flight < IN_FLIGHT and (
            len(self._ready) >= CHUNK or (self._ready and not self._decoding)
        ):
            chunk, self._ready = self._ready[:CHUNK], self._ready[CHUNK:]
            request = BatchRequest(
                tuple(d.path for d in chunk),
                tuple(d.array for d in chunk),  # type: ignore[misc]  # ready: all decoded
                self.framing,
            )
            self._in_flight += 1
            self._channel.send(
                request,
                partial(self._answered, chunk),
                partial(self._chunk_failed, chunk),
                partial(self._chunk_failed, chunk, "dropped by the worker"),
            )
        if not self._decoding and not self._ready and not self._in_flight and self.running:
            self._finish()

    def _answered(self, chunk: list[Decoded], result: BatchResult) -> None:
        self._in_flight -= 1
        if self.cancelled:
            return
        rows = [
            Row(d.index, record, d.thumbnail)
            for d, record in zip(chunk, result.records, strict=True)
        ]
        self._chunk_done(chunk, rows)

    def _chunk_failed(self, chunk: list[Decoded], why: str) -> None:
        self._in_flight -= 1
        if self.cancelled:
            return
        self._chunk_done(
            chunk, [Row(d.index, Record(d.path, error=why), d.thumbnail) for d in chunk]
        )

    def _chunk_done(self, chunk: list[Decoded], rows: list[Row]) -> None:
        for item in chunk:
            item.array = None
            self._room.release()
        self._add_rows(rows)
        self._send()

    def _add_rows(self, rows: list[Row]) -> None:
        self.done += len(rows)
        self.failed += sum(1 for r in rows if not r.record.ok)
        self.rows.emit(rows)
        self._report()

    def _report(self) -> None:
        self.progress.emit(self.done, self.total, self.failed)

    def _finish(self) -> None:
        if not self.running:
            return
        self.running = False
        self._ready.clear()
        self._stop.set()
        vanished = [p for p in self.paths if not Path(p).exists()]
        for path in vanished:
            self.message.emit(
                f"{path}: it vanished during the batch; its photos are rows with errors"
            )
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self.finished.emit(self.cancelled)

    # --- the listing threads ---------------------------------------------------------------
    def _count(self) -> None:
        """The batch's size for progress and time left: a second, name-only listing (cheap
        next to decoding), so the first rows need not wait for a big folder's count."""
        total = 0
        for _ in iter_inputs(self.paths, self.recursive):
            if self._stop.is_set():
                return
            total += 1
        self._feeder.listed.emit(total)

    def _feed(self) -> None:
        feeder, pool = self._feeder, self._pool
        assert pool is not None
        try:
            counted = itertools.count()
            for found in iter_inputs(self.paths, self.recursive):
                if self._stop.is_set():
                    return
                index = next(counted)
                self._room.acquire()  # every row takes a place until it is made
                if self._stop.is_set():
                    return
                if found.error is not None:
                    feeder.decoded.emit(Decoded(index, found.path, error=found.error))
                    continue
                future = pool.submit(decode, index, found.path, self.framing)
                future.add_done_callback(
                    lambda f: None if f.cancelled() else feeder.decoded.emit(f.result())
                )
        except Exception as exc:  # a cancel shut the pool; else a listing failure, said once
            if self._stop.is_set():
                return
            log.warning("listing failed", exc_info=True)
            feeder.decoded.emit(Decoded(-1, ", ".join(self.paths), error=first_line(exc, 300)))
        pool.shutdown(wait=True)  # every decode emitted before "done"
        if not self._stop.is_set():
            feeder.done.emit()
