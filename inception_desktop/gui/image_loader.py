"""Decoding dropped, pasted, opened and web images off the GUI thread.

Work runs on Qt's global thread pool; the results come back to the GUI thread as signals. A
dropped folder expands to its images here, never on the GUI thread. Everything slow about a photo
happens here too: decoding, its thumbnail, and (for a photo without a file) its downscaled copy,
so the GUI thread only inserts finished results.

Each result carries an ``order`` (where the person put it: the n-th file given, the k-th image of
a folder) so the window can show photos in the order given whatever order the pool finishes them,
and a ``key`` that names the photo (its resolved path, or a unique name for a photo without a
file) so the same file opened twice is one photo and a photo dropped from memory can be reloaded.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QImage

from inception_desktop.core.images import (
    ImageLoadError,
    LoadedImage,
    list_images,
    load_image,
    to_rgb,
)
from inception_desktop.core.photo_input import PHOTO_DRAFT
from inception_desktop.gui.input_view import array_to_qimage
from inception_desktop.gui.thumbnail_strip import THUMB

log = logging.getLogger(__name__)

#: Photos are decoded as the command line decodes them (core.photo_input), so both give the same
#: network input for the same photo and framing.
DISPLAY_DRAFT = PHOTO_DRAFT
#: A photo without a file (clipboard, web) cannot be reloaded, so it is kept, downscaled to this
#: longest side (the same detail a drafted JPEG keeps).
KEPT_SIDE = 2048
#: Thumbnails are made at the strip's size on the pool thread: the GUI thread only shows them.
THUMB_SIDE = THUMB

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


class ImageLoader(QObject):
    loaded = Signal(object)  # Photo
    failed = Signal(str, str)  # source, message
    empty = Signal(str)  # a folder without images

    def __init__(self, pool: QThreadPool | None = None) -> None:
        super().__init__()
        self._pool = pool or QThreadPool.globalInstance()

    def load_path(self, path: str, order: tuple[int, ...] = ()) -> None:
        """Load a file, or every image of a folder (ordered by name after ``order``)."""
        self._start(lambda: self._from_path(path, order))

    def load_qimage(
        self, image: QImage, source: str = "clipboard", order: tuple[int, ...] = ()
    ) -> None:
        copy = image.copy()  # the clipboard's image may change under us
        self._start(lambda: self._from_qimage(copy, source, order))

    def load_url(self, url: str, order: tuple[int, ...] = ()) -> None:
        self._start(lambda: self._from_url(url, order))

    def wait(self, ms: int = 10000) -> bool:
        return self._pool.waitForDone(ms)

    # --- on pool threads -------------------------------------------------------------------
    def _start(self, work) -> None:
        self._pool.start(_Task(work))

    def _emit(self, loaded: LoadedImage, key: str, path: str | None, order) -> None:
        if path is None:
            loaded = downscaled(loaded, KEPT_SIDE)
        array = np.asarray(loaded.image)
        thumb = loaded.image.copy()
        thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.BILINEAR, reducing_gap=2.0)
        self.loaded.emit(
            Photo(
                loaded,
                array_to_qimage(array),
                array_to_qimage(np.asarray(thumb)),
                key,
                path,
                tuple(order),
            )
        )

    def _from_path(self, path: str, order: tuple[int, ...]) -> None:
        p = Path(path)
        try:
            if p.is_dir():
                found = list_images(p)
                if not found:
                    self.empty.emit(path)
                for i, child in enumerate(found):
                    self._start(lambda child=child, i=i: self._from_path(str(child), (*order, i)))
                return
            self._emit(load_image(p, draft_to=DISPLAY_DRAFT), file_key(p), str(p), order)
        except ImageLoadError as exc:
            self.failed.emit(exc.source, exc.reason)
        except OSError as exc:
            self.failed.emit(path, str(exc))

    def _from_qimage(self, image: QImage, source: str, order: tuple[int, ...]) -> None:
        rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
        w, h = rgba.width(), rgba.height()
        if w * h == 0:
            self.failed.emit(source, "the clipboard image is empty")
            return
        buffer = np.frombuffer(rgba.constBits(), np.uint8, count=rgba.bytesPerLine() * h)
        array = buffer.reshape(h, rgba.bytesPerLine())[:, : 4 * w].reshape(h, w, 4)
        rgb = to_rgb(Image.fromarray(array.copy(), "RGBA"))
        loaded = LoadedImage(rgb, source, "clipboard", (w, h))
        self._emit(loaded, f"{source}#{next(_serial)}", None, order)

    def _from_url(self, url: str, order: tuple[int, ...]) -> None:
        from inception_desktop.core.web_image import fetch_image

        try:
            loaded = fetch_image(url, draft_to=DISPLAY_DRAFT)
        except ImageLoadError as exc:
            self.failed.emit(exc.source, exc.reason)
            return
        self._emit(loaded, f"{url}#{next(_serial)}", None, order)


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


class _Task(QRunnable):
    def __init__(self, work) -> None:
        super().__init__()
        self._work = work

    def run(self) -> None:
        try:
            self._work()
        except Exception:
            log.exception("image loading failed")
