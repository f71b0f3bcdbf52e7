"""Decoding dropped, pasted, opened and web images off the GUI thread.

Each opening is one background :class:`~..runtime.background.Job` that yields its
photos one by one (a dropped folder expands to its images there, never on the GUI thread), so
photos come back to the GUI thread as signals, and a failure of any kind, expected or not, reaches
the person as ``failed(source, message)``. Everything slow about a photo happens in the job:
decoding, its thumbnail, and (for a photo without a file) its downscaled copy, so the GUI thread
only inserts finished results. ``cancel`` stops every job at its next photo.

Each result carries an ``order`` (where the person put it: the n-th file given, the k-th image of
a folder) so the window can show photos in the order given whatever order the jobs finish them,
and a ``key`` that names the photo (its resolved path, or a unique name for a photo without a
file) so the same file opened twice is one photo and a photo dropped from memory can be reloaded.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import QObject, QThreadPool, Signal, Slot
from PySide6.QtGui import QImage

from inception_desktop.core.errors import first_line
from inception_desktop.core.photo.images import (
    ImageLoadError,
    LoadedImage,
    list_images,
    load_image,
    to_rgb,
)
from inception_desktop.core.photo.prepare import PHOTO_DRAFT
from inception_desktop.core.photo.thumbnails import thumbnail
from inception_desktop.gui.photo.strip import THUMB
from inception_desktop.gui.runtime.background import Job
from inception_desktop.gui.widgets.input_view import array_to_qimage, qimage_to_array

log = logging.getLogger(__name__)

#: Photos are decoded as the command line decodes them (core.photo_input), so both give the same
#: network input for the same photo and framing.
DISPLAY_DRAFT = PHOTO_DRAFT
#: A photo without a file (clipboard, web) cannot be reloaded, so it is kept, downscaled to this
#: longest side (the same detail a drafted JPEG keeps).
KEPT_SIDE = 2048
#: Thumbnails are made at the strip's size on the pool thread: the GUI thread only shows them.
THUMB_SIDE = THUMB

#: A folder's photos are sent to the GUI thread together, at most this often.
BATCH_MS = 15

_serial = itertools.count(1)


@dataclass(frozen=True)
class Photo:
    """A decoded photo ready to show, with its thumbnail and its place among those opened."""

    loaded: LoadedImage
    qimage: QImage
    thumbnail: QImage
    key: str
    path: str | None = None  # the file it can be reloaded from; None for clipboard or web
    order: tuple[int, ...] = ()


def file_key(path: str | Path) -> str:
    """The name that makes two openings of one file one photo (absolute, links resolved)."""
    try:
        return str(Path(path).resolve())
    except OSError:
        return str(Path(path).absolute())


@dataclass(frozen=True)
class _Problem:
    source: str
    message: str


@dataclass(frozen=True)
class _EmptyFolder:
    folder: str


class ImageLoader(QObject):
    loaded = Signal(object)  # Photo
    failed = Signal(str, str)  # source, message
    empty = Signal(str)  # a folder without images
    done = Signal(str)  # an opening ended (its photos and failures were sent): its source

    def __init__(self, pool: QThreadPool | None = None) -> None:
        super().__init__()
        self._pool = pool or QThreadPool.globalInstance()
        self._jobs: set[Job] = set()

    def load_path(self, path: str, order: tuple[int, ...] = ()) -> None:
        """Load a file, or every image of a folder (ordered by name after ``order``)."""
        self._start(lambda job: _from_path(job, path, order), path)

    def load_qimage(
        self, image: QImage, source: str = "clipboard", order: tuple[int, ...] = ()
    ) -> None:
        copy = image.copy()  # the clipboard's image may change under us
        self._start(lambda job: _from_qimage(copy, source, order), source)

    def load_url(self, url: str, order: tuple[int, ...] = ()) -> None:
        self._start(lambda job: _from_url(url, order), url)

    def cancel(self) -> None:
        """Stop every opening under way at its next photo (what was sent still arrives)."""
        for job in self._jobs:
            job.cancel()

    def busy(self) -> bool:
        return bool(self._jobs)

    def wait(self, ms: int = 10000) -> bool:
        return self._pool.waitForDone(ms)

    def _start(self, work, source: str) -> None:
        job = Job(work, source)
        job.yielded.connect(self._arrived)
        job.errored.connect(self._errored)
        job.finished.connect(self._finished)
        self._jobs.add(job)
        job.start(self._pool)

    # Job signals come from pool threads: they are connected to slots of this QObject (never to
    # lambdas, which would run on the pool thread), so Qt queues them onto the GUI thread.
    @Slot(object)
    def _arrived(self, item: object) -> None:
        if isinstance(item, list):  # a folder's batch
            for each in item:
                self._arrived(each)
        elif isinstance(item, Photo):
            self.loaded.emit(item)
        elif isinstance(item, _Problem):
            self.failed.emit(item.source, item.message)
        elif isinstance(item, _EmptyFolder):
            self.empty.emit(item.folder)

    @Slot(object)
    def _errored(self, exc: BaseException) -> None:
        job = self.sender()
        self.failed.emit(job.name if isinstance(job, Job) else "a photo", _unexpected(exc))

    @Slot()
    def _finished(self) -> None:
        job = self.sender()
        if isinstance(job, Job):
            self._jobs.discard(job)
            self.done.emit(job.name)


# --- on pool threads -------------------------------------------------------------------------


def _unexpected(exc: BaseException) -> str:
    text = first_line(str(exc), 200)
    return f"could not be opened ({type(exc).__name__}{': ' + text if text else ''})"


def _photo(loaded: LoadedImage, key: str, path: str | None, order) -> Photo:
    if path is None:
        loaded = downscaled(loaded, KEPT_SIDE)
    array = np.asarray(loaded.image)
    thumb = thumbnail(loaded.image, THUMB_SIDE)
    return Photo(
        loaded,
        array_to_qimage(array),
        array_to_qimage(np.asarray(thumb)),
        key,
        path,
        tuple(order),
    )


def _from_file(path: Path, order: tuple[int, ...]) -> Photo | _Problem:
    try:
        return _photo(load_image(path, draft_to=DISPLAY_DRAFT), file_key(path), str(path), order)
    except ImageLoadError as exc:
        return _Problem(exc.source, exc.reason)
    except OSError as exc:
        return _Problem(str(path), str(exc))
    except Exception as exc:  # a decoder's bug: the person hears of it, the log keeps the trace
        log.warning("unexpected error loading %s", path, exc_info=True)
        return _Problem(str(path), _unexpected(exc))


def _from_path(job: Job, path: str, order: tuple[int, ...]) -> Iterator[object]:
    p = Path(path)
    if not p.is_dir():
        yield _from_file(p, order)
        return
    try:
        found = list_images(p)
    except OSError as exc:
        yield _Problem(path, str(exc))
        return
    if not found:
        yield _EmptyFolder(path)
    yield from _batches(_from_file(child, (*order, i)) for i, child in enumerate(found))


def _batches(items: Iterator[object]) -> Iterator[list[object]]:
    """``items`` in lists, one every :data:`BATCH_MS`: one signal and one turn of the GUI
    thread's loop per batch, not per photo (cancelling waits for the batch under way)."""
    batch: list[object] = []
    due = time.perf_counter() + BATCH_MS / 1000
    for item in items:
        batch.append(item)
        if time.perf_counter() >= due:
            yield batch
            batch = []
            due = time.perf_counter() + BATCH_MS / 1000
    if batch:
        yield batch


def _from_qimage(image: QImage, source: str, order: tuple[int, ...]) -> Iterator[object]:
    array = qimage_to_array(image)
    h, w = array.shape[:2]
    if w * h == 0:
        yield _Problem(source, "the clipboard image is empty")
        return
    rgb = to_rgb(Image.fromarray(array, "RGBA"))
    loaded = LoadedImage(rgb, source, "clipboard", (w, h))
    yield _photo(loaded, f"{source}#{next(_serial)}", None, order)


def _from_url(url: str, order: tuple[int, ...]) -> Iterator[object]:
    from inception_desktop.core.photo.web_image import fetch_image

    try:
        loaded = fetch_image(url, draft_to=DISPLAY_DRAFT)
    except ImageLoadError as exc:
        yield _Problem(exc.source, exc.reason)
        return
    yield _photo(loaded, f"{url}#{next(_serial)}", None, order)


def downscaled(loaded: LoadedImage, side: int) -> LoadedImage:
    """``loaded`` with its longest side at most ``side`` pixels (``scale`` kept consistent)."""
    w, h = loaded.image.size
    factor = side / max(w, h)
    if factor >= 1.0:
        return loaded
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    image = loaded.image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
    scale = loaded.scale * size[0] / w
    return LoadedImage(image, loaded.source, loaded.format, loaded.original_size, scale)
