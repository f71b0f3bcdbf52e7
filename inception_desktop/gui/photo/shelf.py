"""The Photo workspace's shelf: the photos open, in the order given, and the strip that shows them.

An object of its own because opening photos is most of what the workspace does over time and
none of it depends on what a photo is classified as: decoding off the GUI thread, batches that
finish in any order, one entry per file, which photo is selected, and memory that stays bounded
however many photos are open. The shelf owns all of it (the :class:`ImageLoader`, the
:class:`PhotoList` with its rules in plain Python, the cache of decoded photos, the strip kept in
step with the list) and tells the workspace only which photo to show (``showing``), that the
chosen one is being decoded again (``reloading``) or that none is left (``emptied``). The
thumbnails' captions come from classifying them: :mod:`.captions` writes them here.

Memory: the strip keeps thumbnails, and only the :data:`CACHED` most recently shown decoded photos
are kept (one dropped from that cache is decoded again from its file, off the GUI thread, when it
is shown again). A photo without a file (clipboard, web) keeps the downscaled copy the loader
made. Photos that arrive within :data:`FLUSH_MS` are inserted together, in the order given.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from inception_desktop.core.photo.images import IMAGE_SUFFIXES
from inception_desktop.gui.photo.clipboard import copy_text
from inception_desktop.gui.photo.image_loader import ImageLoader, Photo
from inception_desktop.gui.photo.photo_list import Entry, PhotoCache, PhotoList
from inception_desktop.gui.photo.strip import PENDING, ThumbnailStrip
from inception_desktop.gui.runtime.mime import Inputs

#: Decoded photos kept in memory (a 12-megapixel JPEG decoded at half size costs about 18 MB).
CACHED = 8
#: Photos arriving within this many milliseconds are inserted into the strip together...
FLUSH_MS = 16
#: ...spending at most this long at a time on the GUI thread.
FLUSH_BUDGET_MS = 8

DROP_HERE = "Drop photos here, paste (Ctrl+V) or open (Ctrl+O)"


class PhotoShelf(QObject):
    """The photos open and the one selected; ``strip`` is its widget, for the workspace's layout."""

    showing = Signal(object)  # the Photo to show now (it is current_photo() already)
    reloading = Signal(str)  # the name of the photo chosen, decoded again before it can show
    emptied = Signal()  # no photo is left to show
    leaving = Signal(str, object)  # key, Photo: the photo shown is about to be replaced
    added = Signal(list)  # the keys of the photos just put on the strip, in strip order
    cleared = Signal()  # every photo was removed
    placeholderChanged = Signal(str)  # what the photo view says while it shows no photo
    photoOpened = Signal(str)  # the absolute path of a file or folder given, once it opened
    message = Signal(str)  # a photo that could not be opened, and why
    notice = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.loader = ImageLoader()
        self.loader.loaded.connect(self.receive)
        self.loader.failed.connect(self._load_failed)
        self.loader.empty.connect(self._empty_folder)
        self.loader.done.connect(self._load_done)
        self.list = PhotoList()
        self._cache = PhotoCache(CACHED)
        self._batches = itertools.count(1)
        self._given: dict[tuple[int, int], str] = {}  # (batch, place) → absolute path given
        self._fetching: list[str] = []  # web addresses being fetched
        self._shown: Photo | None = None
        self._waiting: str | None = None  # the key of the shown photo being decoded again
        self._incoming: list[Photo] = []
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self.flush)
        self._selecting = False
        self.strip = ThumbnailStrip()
        self.strip.chosen.connect(self.show_photo)
        self.strip.removeRequested.connect(self.remove_photo)
        self.strip.removeAllRequested.connect(self.remove_all)
        self.strip.copyPathRequested.connect(self.copy_path)
        self.strip.hide()

    # --- reading ---------------------------------------------------------------------------
    @property
    def current(self) -> int:
        """The row of the photo shown (-1 for none)."""
        return self.list.current

    def current_photo(self) -> Photo | None:
        """The photo shown (None while none is, or while it is being reloaded)."""
        return self._shown

    def has_photo(self) -> bool:
        """A photo is shown, or is being decoded again to be shown."""
        return self._shown is not None or self._waiting is not None

    def is_current(self, key: str) -> bool:
        current = self.list.current_entry()
        return current is not None and current.key == key

    def decoded_count(self) -> int:
        """How many full-size photos are held in memory (the cache, plus kept copies)."""
        kept = sum(1 for e in self.list if e.kept is not None)
        return len(self._cache) + kept

    def fetching(self) -> list[str]:
        """The web addresses being fetched now."""
        return list(self._fetching)

    # --- captions (written by .captions) ---------------------------------------------------
    def caption_pending(self, key: str) -> bool:
        """The thumbnail of ``key`` still waits for its caption."""
        row = self.list.index_of(key)
        return row >= 0 and self.strip.caption(row) == PENDING

    def uncaptioned(self, key: str) -> Photo | str | None:
        """What to caption ``key`` from, if it waits for its caption and is not the one shown
        (whose own answer captions it): the photo while it is in memory, else its file (decoded
        again for its caption); None for neither."""
        row = self.list.index_of(key)
        if row < 0 or row == self.list.current or self.strip.caption(row) != PENDING:
            return None
        entry = self.list[row]
        photo: Photo | None = self._cache.get(key, touch=False) or entry.kept
        return photo if photo is not None else entry.path

    def uncaption_all(self) -> list[str]:
        """Another model serves: every thumbnail but the shown one (its own answer follows)
        waits for a caption again. Returns their keys, in strip order."""
        keys = []
        for row, entry in enumerate(self.list):
            if row != self.list.current:
                self.strip.set_caption(row, PENDING)
                keys.append(entry.key)
        return keys

    def set_caption(self, key: str, caption: str) -> None:
        row = self.list.index_of(key)
        if row >= 0:
            self.strip.set_caption(row, caption)

    # --- opening photos --------------------------------------------------------------------
    def open(self, inputs: Inputs) -> None:
        """Open files, folders, web images and a pasted image together, as one batch: they show
        in the order given, whatever order they finish decoding in, and the first is selected."""
        batch = next(self._batches)
        self.list.begin_batch(batch)
        place = itertools.count()
        for path in inputs.paths:
            order = (batch, next(place))
            self._given[order] = str(Path(path).absolute())
            self.loader.load_path(path, order)
        for url in inputs.urls:
            self._fetching.append(url)
            self.loader.load_url(url, (batch, next(place)))
            self.notice.emit(f"Fetching {url}…")
        if inputs.image is not None:
            self.loader.load_qimage(inputs.image, order=(batch, next(place)))
        self._update_fetching()

    def _load_failed(self, source: str, why: str) -> None:
        self.message.emit(f"{source}: {why}")

    def _empty_folder(self, folder: str) -> None:
        self.message.emit(
            f"{folder}: no images in this folder (looked for {', '.join(IMAGE_SUFFIXES)})"
        )

    def _load_done(self, source: str) -> None:
        if source in self._fetching:
            self._fetching.remove(source)
            self._update_fetching()

    def _update_fetching(self) -> None:
        text = f"Fetching {self._fetching[0]}…" if self._fetching else DROP_HERE
        self.placeholderChanged.emit(text)

    def _opened(self, order: tuple[int, ...]) -> None:
        """A photo of the file or folder given at ``order[:2]`` decoded: say so once."""
        path = self._given.pop((order[0], order[1]), None) if len(order) >= 2 else None
        if path is not None:
            self.photoOpened.emit(path)

    def receive(self, photo: Photo) -> None:
        """A photo decoded by the loader: a reload of one we dropped from memory, a second opening
        of one we have, or a new one (inserted with the others that arrive within a frame)."""
        index = self.list.index_of(photo.key)
        if index >= 0:
            if photo.path is not None:
                self._cache.put(photo.key, photo)
            if photo.key == self._waiting:
                self._waiting = None
                if index == self.list.current:
                    self._show(photo)
            self._opened(photo.order)
            self._follow(photo.order, photo.key)
            return
        self._incoming.append(photo)
        if not self._flush_timer.isActive():
            self._flush_timer.start(FLUSH_MS)

    def flush(self) -> None:
        """Insert the photos that arrived, in the order they were given, for at most
        :data:`FLUSH_BUDGET_MS` (the GUI thread shares the interpreter with the decoding threads,
        so each insertion can take a while); the rest follow on the next turn of the loop."""
        self._incoming.sort(key=lambda p: p.order, reverse=True)  # pop() takes the first
        deadline = time.perf_counter() + FLUSH_BUDGET_MS / 1000
        done: list[Photo] = []
        added: list[str] = []
        while self._incoming and (not done or time.perf_counter() < deadline):
            photo = self._incoming.pop()
            done.append(photo)
            kept = photo if photo.path is None else None
            row = self.list.insert(
                Entry(photo.key, photo.loaded.source, photo.path, kept), photo.order
            )
            if row < 0:
                continue  # opened twice in one batch
            with self._quiet():
                self.strip.insert(row, photo.thumbnail, photo.loaded.source)
            self._cache.put(photo.key, photo)
            added.append(photo.key)
        if self._incoming:
            self._flush_timer.start(0)
        for photo in done:
            self._opened(photo.order)
            self._follow(photo.order, photo.key)
        self.strip.setVisible(len(self.list) > 1)
        self.added.emit(added)

    def _follow(self, order: tuple[int, ...], key: str) -> None:
        row = self.list.arrived(key, order)
        if row >= 0:
            self.select(row)

    # --- showing a photo -------------------------------------------------------------------
    def select(self, index: int) -> None:
        """Select and show the photo at ``index`` for the person (the strip follows)."""
        with self._quiet():
            self.strip.setCurrentRow(index)
        self._selecting = True
        try:
            self.show_photo(index)
        finally:
            self._selecting = False

    def show_photo(self, index: int) -> None:
        if not 0 <= index < len(self.list) or index == self.list.current:
            return
        if not self._selecting:
            self.list.stop_following()  # a person chose: stop following the batch being opened
        leaving = self.list.current_entry()
        if leaving and self._shown:
            self.leaving.emit(leaving.key, self._shown)
        self.list.current = index
        entry = self.list[index]
        photo = self._cache.get(entry.key) or entry.kept
        if photo is None:
            self._shown = None
            self._waiting = entry.key
            self.reloading.emit(Path(entry.path).name if entry.path is not None else entry.source)
            if entry.path is not None:
                self.loader.load_path(entry.path)
            return
        self._show(photo)

    def _show(self, photo: Photo) -> None:
        self._shown = photo
        self.showing.emit(photo)

    def copy_path(self, index: int) -> None:
        """Copy the path (or the web address) of the photo at ``index``."""
        if 0 <= index < len(self.list):
            entry = self.list[index]
            self.notice.emit(copy_text(entry.path if entry.path is not None else entry.source))

    # --- removing photos -------------------------------------------------------------------
    def remove_photo(self, index: int) -> None:
        """Remove the photo at ``index``; its neighbour (if any) is shown instead."""
        was_current = index == self.list.current
        entry = self.list.remove(index)
        if entry is None:
            return
        self._cache.pop(entry.key)
        with self._quiet():
            self.strip.remove(index)
        if was_current:
            self._shown = None
            self._waiting = None
            if len(self.list):
                self._select_now(self.list.current)
            else:
                self.emptied.emit()
        self.strip.setVisible(len(self.list) > 1)

    def _select_now(self, index: int) -> None:
        with self._quiet():
            self.strip.setCurrentRow(index)
        self._selecting = True
        try:
            self.list.current = -1  # nothing is shown: show ``index`` even if it is current
            self.show_photo(index)
        finally:
            self._selecting = False

    def remove_all(self) -> None:
        self.loader.cancel()  # a folder still being opened stops at its next photo
        self.list.clear()
        self._given.clear()
        self._incoming.clear()
        self._cache.clear()
        self.cleared.emit()
        with self._quiet():
            self.strip.clear()
        self._shown = None
        self._waiting = None
        self.emptied.emit()
        self.strip.hide()

    @contextlib.contextmanager
    def _quiet(self) -> Iterator[None]:
        """Strip changes made here are the shelf's own: the strip's signals stay silent."""
        blocked = self.strip.blockSignals(True)
        try:
            yield
        finally:
            self.strip.blockSignals(blocked)
