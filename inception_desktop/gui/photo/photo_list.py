"""The Photo workspace's list of photos, without Qt: their order, their keys, which one is current.

The strip shows this list; the workspace keeps the two in step. Kept apart from the widgets so the
rules a person relies on are plain Python, tested without a window:

* photos stand in the order they were given (each has an ``order``, a tuple such as
  ``(batch, argument, index in folder)``), whatever order they finish decoding in;
* one key (a file's resolved path) is one photo: opening it again re-selects it;
* of a batch being opened, the first in the order given is selected, until a person chooses
  another photo (:meth:`stop_following`);
* removing the current photo selects its neighbour.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Entry:
    """A photo in the list: what names it and gets it back, never its pixels (except ``kept``:
    the downscaled copy of a photo that has no file to reload from)."""

    key: str
    source: str
    path: str | None = None
    kept: Any = None


class PhotoList:
    """Entries in the order given, one per key, with a current row (-1 for none)."""

    def __init__(self) -> None:
        self._entries: list[Entry] = []
        self._orders: list[tuple[int, ...]] = []  # each entry's place in the order given
        self._rows: dict[str, int] | None = None  # key → row, rebuilt lazily after changes
        self.current = -1
        self._batch: int | None = None  # the batch whose first photo is being selected
        self._best: tuple[int, ...] | None = None  # the earliest order of it seen so far

    # --- reading ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, row: int) -> Entry:
        return self._entries[row]

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._index()

    def index_of(self, key: str) -> int:
        """The row of ``key``, or -1."""
        return self._index().get(key, -1)

    def current_entry(self) -> Entry | None:
        return self._entries[self.current] if 0 <= self.current < len(self._entries) else None

    def sources(self) -> list[str]:
        return [e.source for e in self._entries]

    def _index(self) -> dict[str, int]:
        if self._rows is None:
            self._rows = {e.key: i for i, e in enumerate(self._entries)}
        return self._rows

    # --- changing --------------------------------------------------------------------------
    def insert(self, entry: Entry, order: tuple[int, ...] = ()) -> int:
        """Insert ``entry`` at its place in the order given; returns its row, or -1 when its key
        is already in the list (nothing changes: a file opened twice is one photo). Photos with
        equal orders keep their arrival order; the current row follows its photo."""
        if entry.key in self:
            return -1
        row = bisect.bisect_right(self._orders, order)
        self._entries.insert(row, entry)
        self._orders.insert(row, order)
        if row <= self.current:
            self.current += 1
        if self._rows is not None:
            if row == len(self._entries) - 1:
                self._rows[entry.key] = row  # appended: the common case of a folder, cheaply
            else:
                self._rows = None
        return row

    def remove(self, row: int) -> Entry | None:
        """Remove the entry at ``row`` (None when there is none). When it was the current one,
        the current row becomes its neighbour (the next one, else the previous), or -1; the
        caller shows whatever :attr:`current` then is."""
        if not 0 <= row < len(self._entries):
            return None
        entry = self._entries.pop(row)
        self._orders.pop(row)
        self._rows = None
        if row < self.current:
            self.current -= 1
        elif row == self.current:
            self.current = min(row, len(self._entries) - 1)
        return entry

    def clear(self) -> None:
        self._entries.clear()
        self._orders.clear()
        self._rows = None
        self.current = -1
        self._batch = self._best = None

    # --- selection while a batch is opened -------------------------------------------------
    def begin_batch(self, batch: int) -> None:
        """Photos of ``batch`` are being opened: the first of them in the order given will be
        selected, whatever order they arrive in."""
        self._batch = batch
        self._best = None

    def stop_following(self) -> None:
        """A person chose a photo: later arrivals of the batch no longer move the selection."""
        self._batch = self._best = None

    def arrived(self, key: str, order: tuple[int, ...]) -> int:
        """``key`` (already in the list, newly or again) arrived with ``order``: the row to select
        now when it is the earliest photo so far of the batch being opened, else -1."""
        if not order or order[0] != self._batch:
            return -1
        if self._best is not None and order >= self._best:
            return -1
        row = self.index_of(key)
        if row >= 0:
            self._best = order
        return row


class PhotoCache:
    """The most recently shown decoded photos, least recently used dropped first: what keeps
    memory bounded however many photos are open (the others are decoded again when shown).
    A photo without a file (``path`` None) is never put here: its entry keeps it."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._photos: OrderedDict[str, Any] = OrderedDict()

    def get(self, key: str, touch: bool = True) -> Any:
        photo = self._photos.get(key)
        if photo is not None and touch:
            self._photos.move_to_end(key)
        return photo

    def put(self, key: str, photo: Any) -> None:
        if getattr(photo, "path", None) is None:
            return  # kept by its entry
        self._photos[key] = photo
        self._photos.move_to_end(key)
        while len(self._photos) > self.capacity:
            self._photos.popitem(last=False)

    def pop(self, key: str) -> None:
        self._photos.pop(key, None)

    def clear(self) -> None:
        self._photos.clear()

    def __len__(self) -> int:
        return len(self._photos)


def shown_size(photo: Any) -> tuple[int, int]:
    """The original size of ``photo`` (a loader's Photo) as it is shown: upright. A photo
    rotated by its EXIF orientation is 320x785 when shown so, though its file (and
    ``original_size``) say 785x320; the decoded image is upright, so its shape decides."""
    ow, oh = photo.loaded.original_size
    iw, ih = photo.loaded.size
    if ow != oh and (iw > ih) != (ow > oh):
        return oh, ow
    return ow, oh


def box_argument(box: Any) -> str:
    """A crop box (original pixels, a core ``Box``) as the command line's ``--box X,Y,W,H``."""
    return "--box " + ",".join(str(round(v)) for v in (box.x, box.y, box.w, box.h))
