"""Decoding dropped, pasted, opened and web images off the GUI thread.

Work runs on Qt's global thread pool; the results come back to the GUI thread as signals. A
dropped folder expands to its images here, never on the GUI thread.
"""

from __future__ import annotations

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
from inception_desktop.gui.input_view import array_to_qimage

log = logging.getLogger(__name__)

#: Photos are decoded at reduced size when that still leaves this many pixels a side: plenty for
#: a 299-pixel input from a crop of a third of the photo, and quick to show.
DISPLAY_DRAFT = 1024


@dataclass(frozen=True)
class Photo:
    loaded: LoadedImage
    qimage: QImage


class ImageLoader(QObject):
    loaded = Signal(object)  # Photo
    failed = Signal(str, str)  # source, message
    empty = Signal(str)  # a folder without images

    def __init__(self, pool: QThreadPool | None = None) -> None:
        super().__init__()
        self._pool = pool or QThreadPool.globalInstance()

    def load_path(self, path: str) -> None:
        self._start(lambda: self._from_path(path))

    def load_qimage(self, image: QImage, source: str = "clipboard") -> None:
        copy = image.copy()  # the clipboard's image may change under us
        self._start(lambda: self._from_qimage(copy, source))

    def load_url(self, url: str) -> None:
        self._start(lambda: self._from_url(url))

    def wait(self, ms: int = 10000) -> bool:
        return self._pool.waitForDone(ms)

    # --- on pool threads -------------------------------------------------------------------
    def _start(self, work) -> None:
        self._pool.start(_Task(work))

    def _emit(self, loaded: LoadedImage) -> None:
        array = np.asarray(loaded.image)
        self.loaded.emit(Photo(loaded, array_to_qimage(array)))

    def _from_path(self, path: str) -> None:
        p = Path(path)
        try:
            if p.is_dir():
                found = list_images(p)
                if not found:
                    self.empty.emit(path)
                for child in found:
                    self._start(lambda child=child: self._from_path(str(child)))
                return
            self._emit(load_image(p, draft_to=DISPLAY_DRAFT))
        except ImageLoadError as exc:
            self.failed.emit(exc.source, exc.reason)
        except OSError as exc:
            self.failed.emit(path, str(exc))

    def _from_qimage(self, image: QImage, source: str) -> None:
        rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
        w, h = rgba.width(), rgba.height()
        if w * h == 0:
            self.failed.emit(source, "the clipboard image is empty")
            return
        buffer = np.frombuffer(rgba.constBits(), np.uint8, count=rgba.bytesPerLine() * h)
        array = buffer.reshape(h, rgba.bytesPerLine())[:, : 4 * w].reshape(h, w, 4)
        rgb = to_rgb(Image.fromarray(array.copy(), "RGBA"))
        self._emit(LoadedImage(rgb, source, "clipboard", (w, h)))

    def _from_url(self, url: str) -> None:
        from inception_desktop.core.web_image import fetch_image

        try:
            self._emit(fetch_image(url, draft_to=DISPLAY_DRAFT))
        except ImageLoadError as exc:
            self.failed.emit(exc.source, exc.reason)


class _Task(QRunnable):
    def __init__(self, work) -> None:
        super().__init__()
        self._work = work

    def run(self) -> None:
        try:
            self._work()
        except Exception:
            log.exception("image loading failed")
