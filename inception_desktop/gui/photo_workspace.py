"""The Photo workspace: photos in, Inception v3's top-10 out, with crop-and-pad experiments.

It opens what it is given (files, folders, web images, a pasted image) with its own image
loader, sends its own requests to the inference worker through its :class:`Channel` and shows their
answers itself; the window only hands it drops. Every change (another photo, framing, pad colour,
crop rectangle) sends a new request; the worker keeps only the newest per source (the replaced one
is announced as superseded, so nothing waits for it) and this view shows only the answer to the
request it sent last.

Memory stays bounded however many photos are open: the strip keeps thumbnails, and only the
:data:`CACHED` most recently shown decoded photos are kept (a photo dropped from that cache is
decoded again from its file, off the GUI thread, when it is shown again). A photo without a file
(clipboard, web) keeps the downscaled copy the loader made. Photos that arrive within
:data:`FLUSH_MS` are inserted together, in the order they were given.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QColorDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from inception_desktop.core.photo.framing import DEFAULT_MODE, MODES, Framing, parse_color
from inception_desktop.core.photo.images import IMAGE_SUFFIXES
from inception_desktop.core.store import weights
from inception_desktop.gui.channel import Channel, ModelWatch
from inception_desktop.gui.compare_dialog import CompareDialog
from inception_desktop.gui.image_loader import ImageLoader, Photo
from inception_desktop.gui.input_view import InputView
from inception_desktop.gui.mime import Inputs
from inception_desktop.gui.photo_view import PhotoView
from inception_desktop.gui.requests import (
    CompareRequest,
    CompareResult,
    ModelKind,
    PhotoRequest,
    PhotoResult,
)
from inception_desktop.gui.score_bars import ScoreBars
from inception_desktop.gui.thumbnail_strip import PENDING, ThumbnailStrip
from inception_desktop.gui.weights_panel import WeightsPanel
from inception_desktop.gui.worker import InferenceWorker

#: Decoded photos kept in memory (a 12-megapixel JPEG decoded at half size costs about 18 MB).
CACHED = 8
#: Photos arriving within this many milliseconds are inserted into the strip together...
FLUSH_MS = 16
#: ...spending at most this long at a time on the GUI thread.
FLUSH_BUDGET_MS = 8

LABELS = {"squash": "S&quash", "crop": "&Crop", "pad": "&Pad"}
TIPS = {
    "squash": "Resize the whole photo to a square, distorting it",
    "crop": "Take the largest centred square",
    "pad": "Pad to a square with the pad colour (nothing lost, nothing distorted)",
}


@dataclass(frozen=True)
class _Entry:
    """A photo in the strip: what is needed to name it and get it back, never its pixels (except
    ``kept``: the downscaled copy of a photo that has no file to reload from)."""

    key: str
    source: str
    path: str | None
    kept: Photo | None

    @staticmethod
    def of(photo: Photo) -> _Entry:
        kept = photo if photo.path is None else None
        return _Entry(photo.key, photo.loaded.source, photo.path, kept)


class _PhotoCache:
    """The most recently shown decoded photos, least recently used dropped first."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._photos: OrderedDict[str, Photo] = OrderedDict()

    def get(self, key: str, touch: bool = True) -> Photo | None:
        photo = self._photos.get(key)
        if photo is not None and touch:
            self._photos.move_to_end(key)
        return photo

    def put(self, key: str, photo: Photo) -> None:
        if photo.path is None:
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


class PhotoWorkspace(QWidget):
    TITLE = "&Photo"
    framingChanged = Signal(str)
    padColorChanged = Signal(str)
    compareRequested = Signal()
    message = Signal(str)  # something the person should read (a photo that cannot be opened)

    def __init__(self, worker: InferenceWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self.channel = Channel(worker, self)
        self.model = ModelWatch(worker, ModelKind.PHOTO, self)
        self.model.ready.connect(self._model_ready)
        self.model.unavailable.connect(self._model_unavailable)
        self._has_model = False
        self.loader = ImageLoader()
        self.loader.loaded.connect(self.receive)
        self.loader.failed.connect(lambda source, why: self.message.emit(f"{source}: {why}"))
        self.loader.empty.connect(self._empty_folder)
        self._batches = itertools.count(1)
        self.compare_dialog: CompareDialog | None = None
        self.entries: list[_Entry] = []
        self._orders: list[tuple[int, ...]] = []  # each entry's place in the order given
        self._keys: dict[str, int] | None = None  # key → row, rebuilt after changes
        self._cache = _PhotoCache(CACHED)
        self._shown: Photo | None = None
        self._waiting: str | None = None  # the key of the shown photo being decoded again
        self._incoming: list[Photo] = []
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self.flush)
        self._select_batch: int | None = None
        self._select_order: tuple[int, ...] | None = None
        self._selecting = False
        self._uncaptioned: deque[str] = deque()
        self._caption_id: int | None = None
        self.current = -1
        self._last_id = 0
        self._compare_id = 0
        self.framing = Framing(DEFAULT_MODE)
        self.result: PhotoResult | None = None

        self.weights_panel = WeightsPanel()
        self.weights_panel.hide()
        self.weights_panel.installed.connect(lambda _path: self._worker.load(ModelKind.PHOTO))
        self.view = PhotoView()
        self.view.boxChanged.connect(self._box_changed)
        self.strip = ThumbnailStrip()
        self.strip.chosen.connect(self.show_photo)
        self.strip.removeRequested.connect(self.remove_photo)
        self.strip.removeAllRequested.connect(self.remove_all)
        self.strip.hide()
        self.input_view = InputView(caption="network input")
        self.bars = ScoreBars(10)
        self.bars.clear("Drop a photo to classify it")
        self.title = QLabel("")
        self.title.setWordWrap(True)

        self.mode_group = QButtonGroup(self)
        self.mode_buttons: dict[str, QPushButton] = {}
        framing_row = QHBoxLayout()
        framing_row.addWidget(QLabel("Framing:"))
        for mode in MODES:
            button = QPushButton(LABELS[mode])
            button.setCheckable(True)
            button.setToolTip(TIPS[mode])
            button.clicked.connect(lambda _=False, m=mode: self.set_mode(m))
            self.mode_group.addButton(button)
            self.mode_buttons[mode] = button
            framing_row.addWidget(button)
        self.mode_buttons[self.framing.mode].setChecked(True)
        self.color_button = QPushButton("Pad colour…")
        self.color_button.clicked.connect(self._choose_color)
        framing_row.addWidget(self.color_button)
        self.clear_box_button = QPushButton("Clear box")
        self.clear_box_button.setToolTip("Remove the crop rectangle (Esc on the photo)")
        self.clear_box_button.clicked.connect(self.view.clear_box)
        framing_row.addWidget(self.clear_box_button)
        self.compare_button = QPushButton("Compare")
        self.compare_button.setToolTip("Classify the photo under every framing, side by side")
        self.compare_button.clicked.connect(self.compare)
        framing_row.addWidget(self.compare_button)
        framing_row.addStretch(1)
        self._update_color_button()

        left = QVBoxLayout()
        left.addWidget(self.view, 1)
        left.addWidget(self.strip)
        middle = QVBoxLayout()
        middle.addWidget(self.input_view, 1)
        right = QVBoxLayout()
        right.addWidget(self.title)
        right.addWidget(self.bars)
        right.addStretch(1)
        self.title.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        panes = QHBoxLayout()
        panes.addLayout(left, 5)
        panes.addLayout(middle, 3)
        panes.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.weights_panel)
        layout.addLayout(framing_row)
        layout.addLayout(panes, 1)

    # --- the model ---------------------------------------------------------------------------
    def start_model(self) -> None:
        """Load Inception v3, or offer its weights when they are missing."""
        if weights.status().present:
            self._worker.load(ModelKind.PHOTO)
        else:
            self.model.update(name="Inception v3 (weights missing)")
            self.set_weights_missing(True)

    def _model_ready(self, _name: str) -> None:
        self._has_model = True
        self.set_weights_missing(False)

    def _model_unavailable(self, message: str) -> None:
        if not self._has_model:  # (a failed reload leaves the model loaded before serving)
            self.model.update(name="Inception v3 (unavailable)")
            self.set_weights_missing(True)
        self.weights_panel.status.setText(message)
        self.message.emit(f"Cannot use the model: {message}")

    # --- photos ----------------------------------------------------------------------------
    def open(self, inputs: Inputs) -> None:
        """Open files, folders, web images and a pasted image together, as one batch: they show
        in the order given, whatever order they finish decoding in, and the first is selected."""
        batch = next(self._batches)
        self.begin_batch(batch)
        place = itertools.count()
        for path in inputs.paths:
            self.loader.load_path(path, (batch, next(place)))
        for url in inputs.urls:
            self.loader.load_url(url, (batch, next(place)))
        if inputs.image is not None:
            self.loader.load_qimage(inputs.image, order=(batch, next(place)))

    def _empty_folder(self, folder: str) -> None:
        self.message.emit(
            f"{folder}: no images in this folder (looked for {', '.join(IMAGE_SUFFIXES)})"
        )

    def receive(self, photo: Photo) -> None:
        """A photo decoded by the loader: a reload of one we dropped from memory, a second opening
        of one we have, or a new one (inserted with the others that arrive within a frame)."""
        index = self._index_of(photo.key)
        if index >= 0:
            if photo.path is not None:
                self._cache.put(photo.key, photo)
            if photo.key == self._waiting:
                self._waiting = None
                if index == self.current:
                    self._show(photo)
            self._consider_selecting(photo.order, photo.key)
            return
        self._incoming.append(photo)
        if not self._flush_timer.isActive():
            self._flush_timer.start(FLUSH_MS)

    def add_photo(self, photo: Photo) -> None:
        """Add one photo now (no batching) and show it."""
        self._incoming.append(photo)
        self.flush()
        index = self._index_of(photo.key)
        if index >= 0:
            self._select(index)

    def begin_batch(self, batch: int) -> None:
        """Photos opened together: the first of them in the order given is selected."""
        self._select_batch = batch
        self._select_order = None

    def flush(self) -> None:
        """Insert the photos that arrived, in the order they were given, for at most
        :data:`FLUSH_BUDGET_MS` (the GUI thread shares the interpreter with the decoding threads,
        so each insertion can take a while); the rest follow on the next turn of the loop."""
        self._incoming.sort(key=lambda p: p.order, reverse=True)  # pop() takes the first
        deadline = time.perf_counter() + FLUSH_BUDGET_MS / 1000
        done: list[Photo] = []
        known = self._key_set()
        while self._incoming and (not done or time.perf_counter() < deadline):
            photo = self._incoming.pop()
            done.append(photo)
            if photo.key in known:
                continue  # opened twice in one batch
            known.add(photo.key)
            row = bisect.bisect_right(self._orders, photo.order)
            self.entries.insert(row, _Entry.of(photo))
            self._orders.insert(row, photo.order)
            if row <= self.current:
                self.current += 1
            with self._quiet():
                self.strip.insert(row, photo.thumbnail, photo.loaded.source)
            self._cache.put(photo.key, photo)
            self._uncaptioned.append(photo.key)
        self._keys = None
        if self._incoming:
            self._flush_timer.start(0)
        for photo in done:
            self._consider_selecting(photo.order, photo.key)
        self.strip.setVisible(len(self.entries) > 1)
        self._next_caption()

    def _key_set(self) -> set[str]:
        if self._keys is None:
            self._keys = {e.key: i for i, e in enumerate(self.entries)}
        return set(self._keys)

    def _consider_selecting(self, order: tuple[int, ...], key: str) -> None:
        if not order or order[0] != self._select_batch:
            return
        if self._select_order is not None and order >= self._select_order:
            return
        self._select_order = order
        self._select(self._index_of(key))

    def _select(self, index: int) -> None:
        with self._quiet():
            self.strip.setCurrentRow(index)
        self._selecting = True
        try:
            self.show_photo(index)
        finally:
            self._selecting = False

    def show_photo(self, index: int) -> None:
        if not 0 <= index < len(self.entries) or index == self.current:
            return
        if not self._selecting:
            self._select_batch = None  # a person chose: stop following the batch being opened
        leaving = self.entries[self.current] if 0 <= self.current < len(self.entries) else None
        if leaving and self._shown and self.strip.caption(self.current) == PENDING:
            # Its request is about to be superseded (latest wins): caption it separately.
            self._classify_thumbnail(leaving.key, self._shown)
        self.current = index
        entry = self.entries[index]
        photo = self._cache.get(entry.key) or entry.kept
        if photo is None:
            self._shown = None
            self._waiting = entry.key
            self.view.set_image(None)
            self.title.setText(f"<b>{entry.source}</b><br>loading…")
            if entry.path is not None:
                self.loader.load_path(entry.path)
            return
        self._show(photo)

    def _show(self, photo: Photo) -> None:
        self._shown = photo
        self.view.set_image(photo.qimage)
        self.framing = replace(self.framing, box=None)
        w, h = photo.loaded.original_size
        self.title.setText(f"<b>{photo.loaded.source}</b><br>{w}x{h} {photo.loaded.format}")
        self.classify()

    def current_photo(self) -> Photo | None:
        """The photo shown (None while none is, or while it is being reloaded)."""
        return self._shown

    @property
    def photos(self) -> list[str]:
        """The sources of the photos in the strip, in strip order."""
        return [e.source for e in self.entries]

    def photo_count(self) -> int:
        return len(self.entries)

    def decoded_count(self) -> int:
        """How many full-size photos are held in memory (the cache, plus kept copies)."""
        kept = sum(1 for e in self.entries if e.kept is not None)
        return len(self._cache) + kept

    def remove_photo(self, index: int) -> None:
        """Remove the photo at ``index``; its neighbour (if any) is shown instead."""
        if not 0 <= index < len(self.entries):
            return
        entry = self.entries.pop(index)
        self._orders.pop(index)
        self._keys = None
        self._cache.pop(entry.key)
        with self._quiet():
            self.strip.remove(index)
        if index < self.current:
            self.current -= 1
        elif index == self.current:
            self.current = -1
            self._shown = None
            self._waiting = None
            if self.entries:
                self._select(min(index, len(self.entries) - 1))
            else:
                self._show_nothing()
        self.strip.setVisible(len(self.entries) > 1)

    def remove_all(self) -> None:
        self.loader.cancel()  # a folder still being opened stops at its next photo
        self.entries.clear()
        self._orders.clear()
        self._incoming.clear()
        self._keys = None
        self._cache.clear()
        self._uncaptioned.clear()
        with self._quiet():
            self.strip.clear()
        self.current = -1
        self._shown = None
        self._waiting = None
        self._show_nothing()
        self.strip.hide()

    def _show_nothing(self) -> None:
        self._last_id = 0
        self.result = None
        self.view.set_image(None)
        self.input_view.set_array(None)
        self.title.setText("")
        self.bars.clear("Drop a photo to classify it")

    def _index_of(self, key: str) -> int:
        if self._keys is None:
            self._keys = {e.key: i for i, e in enumerate(self.entries)}
        return self._keys.get(key, -1)

    @contextlib.contextmanager
    def _quiet(self):
        """Strip changes made here are the workspace's own: the strip's signals stay silent."""
        blocked = self.strip.blockSignals(True)
        try:
            yield
        finally:
            self.strip.blockSignals(blocked)

    # --- framing ---------------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        self.framing = replace(self.framing, mode=mode)
        self.mode_buttons[mode].setChecked(True)
        self.framingChanged.emit(mode)
        self.classify()

    def set_pad_color(self, text: str) -> None:
        self.framing = replace(self.framing, pad_color=parse_color(text))
        self._update_color_button()
        self.padColorChanged.emit(self.pad_color_name())
        self.classify()

    def pad_color_name(self) -> str:
        return QColor(*self.framing.pad_color).name()

    def _choose_color(self) -> None:
        colour = QColorDialog.getColor(QColor(*self.framing.pad_color), self, "Pad colour")
        if colour.isValid():
            self.set_pad_color(colour.name())

    def _update_color_button(self) -> None:
        name = self.pad_color_name()
        self.color_button.setStyleSheet(f"QPushButton {{ border-left: 14px solid {name}; }}")

    def _box_changed(self, box: Any) -> None:
        photo = self.current_photo()
        if photo is None:
            return
        # The view draws on the decoded photo; a framing's box is in the original's pixels.
        original = box.scaled(1 / photo.loaded.scale) if box is not None else None
        self.framing = replace(self.framing, box=original)
        self.classify()

    # --- requests and results --------------------------------------------------------------
    def classify(self) -> None:
        photo = self.current_photo()
        if photo is None:
            return
        request = PhotoRequest(photo.loaded, self.framing, path=photo.path)
        self._last_id = request.id
        self._send(request, photo.key)

    def _classify_thumbnail(self, key: str, photo: Photo) -> int:
        framing = replace(self.framing, box=None)
        request = PhotoRequest(photo.loaded, framing, source=f"thumbnail-{key}", path=photo.path)
        self._send(request, key)
        return request.id

    def _send(self, request: PhotoRequest, key: str) -> None:
        """Send ``request`` for the photo ``key``; its answer captions that photo's thumbnail."""
        rid = request.id
        self.channel.send(
            request,
            lambda result: self._answered(key, result),
            lambda message: self._failed(key, rid, message),
            lambda: self._request_done(rid),
        )

    def _next_caption(self) -> None:
        """Caption one more photo in the background: one request at a time, and only photos
        still in memory (the others are captioned when shown), so a big folder costs nothing."""
        while self._caption_id is None and self._uncaptioned:
            key = self._uncaptioned.popleft()
            index = self._index_of(key)
            if index < 0 or index == self.current or self.strip.caption(index) != PENDING:
                continue
            photo = self._cache.get(key, touch=False) or self.entries[index].kept
            if photo is not None:
                self._caption_id = self._classify_thumbnail(key, photo)

    def _caption(self, key: str, caption: str) -> None:
        row = self._index_of(key)
        if row >= 0:
            self.strip.set_caption(row, caption)

    def _request_done(self, request_id: int) -> None:
        """Any request's end (answered, failed or superseded): the next caption may go."""
        if request_id == self._caption_id:
            self._caption_id = None
            self._next_caption()

    def _answered(self, key: str, result: PhotoResult) -> None:
        current = self.entries[self.current].key if 0 <= self.current < len(self.entries) else None
        if result.framed.framing.box is None or key == current:
            self._caption(key, result.prediction.best.label)
        self._request_done(result.request_id)
        if result.request_id != self._last_id:
            return  # stale, or a thumbnail's
        self.result = result
        self.input_view.set_array(result.framed.array, result.framed.content_rect)
        self.view.set_seen(result.framed.source_rect)
        self.bars.set_scores([(s.label, s.score) for s in result.prediction.top])
        self.model.update(ms=result.prediction.ms)

    def _failed(self, key: str, request_id: int, message: str) -> None:
        self._caption(key, "error")
        self._request_done(request_id)
        if request_id == self._last_id:
            self.bars.clear(message)
        self.message.emit(message)

    def compare(self) -> None:
        photo = self.current_photo()
        if photo is None:
            return
        request = CompareRequest(photo.loaded, self.framing, path=photo.path)
        self._compare_id = request.id
        self.compareRequested.emit()
        self.channel.send(request, self._compared, self.message.emit)

    def _compared(self, result: CompareResult) -> None:
        if result.request_id != self._compare_id:
            return
        if self.compare_dialog is not None:
            self.compare_dialog.close()
        self.compare_dialog = CompareDialog(result, self.framing.mode, self)
        self.compare_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.compare_dialog.destroyed.connect(self._compare_closed)
        self.compare_dialog.show()

    def _compare_closed(self) -> None:
        self.compare_dialog = None

    def set_weights_missing(self, missing: bool) -> None:
        self.weights_panel.setVisible(missing)
        if missing and self.result is None:
            self.bars.clear("Inception v3 weights are needed (see above)")

    def shutdown(self, ms: int = 5000) -> None:
        """Stop the background work this view started (a download, photos being opened)."""
        if self.weights_panel.busy():
            self.weights_panel.cancel()
        self.loader.cancel()
        self.loader.wait(ms)
