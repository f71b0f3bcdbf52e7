"""The Photo workspace: photos in, Inception v3's top-10 out, with crop-and-pad experiments.

It opens what it is given (files, folders, web images, a pasted image) with its own image
loader, sends its own requests to the inference worker through its :class:`Channel` and shows their
answers itself; the window only hands it drops. Every change (another photo, framing, pad colour,
crop rectangle) sends a new request; the worker keeps only the newest per source (the replaced one
is announced as superseded, so nothing waits for it) and this view shows only the answer to the
request it sent last. Without a model (weights missing, or still loading) the network input is
still framed, off the GUI thread, so framing can be explored before any weights are there.

The strip's rules (order given, one entry per file, which photo is selected) live in
:class:`~.photo_list.PhotoList`, plain Python; this module keeps the strip
widget in step with it. Memory stays bounded however many photos are open: the strip keeps
thumbnails, and only the :data:`CACHED` most recently shown decoded photos are kept (a photo dropped
from that cache is decoded again from its file, off the GUI thread, when it is shown again). A photo
without a file (clipboard, web) keeps the downscaled copy the loader made. Photos that arrive within
:data:`FLUSH_MS` are inserted together, in the order they were given.

What the window connects: ``message`` (errors only, one per failing input), ``notice`` (short
transient texts), ``photoOpened`` (the absolute path of each file or folder given that opened, for
Open Recent), ``framingChanged`` and ``padColorChanged`` (settings), ``compareRequested``.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections import deque
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from inception_desktop.core.models.inception import INPUT_SIZE
from inception_desktop.core.photo.framing import (
    DEFAULT_MODE,
    Box,
    Framing,
    parse_color,
)
from inception_desktop.core.photo.images import IMAGE_SUFFIXES
from inception_desktop.core.store import weights
from inception_desktop.gui.photo import clipboard
from inception_desktop.gui.photo.compare_dialog import CompareDialog
from inception_desktop.gui.photo.explain import (
    CompareExplainRequest,
    CompareExplainResult,
    ExplainControls,
    PhotoExplainRequest,
    PhotoExplainResult,
    PhotoHeat,
)
from inception_desktop.gui.photo.framing_bar import FramingBar
from inception_desktop.gui.photo.image_loader import ImageLoader, Photo, file_key
from inception_desktop.gui.photo.photo_list import (
    Entry,
    PhotoCache,
    PhotoList,
    box_argument,
    shown_size,
)
from inception_desktop.gui.photo.photo_view import PhotoView
from inception_desktop.gui.photo.strip import PENDING, ThumbnailStrip
from inception_desktop.gui.photo.sweep import SweepAnswer, SweepDialog, SweepRequest
from inception_desktop.gui.photo.weights_panel import WeightsPanel
from inception_desktop.gui.runtime.background import Job
from inception_desktop.gui.runtime.channel import Channel, ModelWatch
from inception_desktop.gui.runtime.mime import Inputs
from inception_desktop.gui.runtime.requests import (
    CompareRequest,
    CompareResult,
    ModelKind,
    PhotoRequest,
    PhotoResult,
)
from inception_desktop.gui.runtime.worker import InferenceWorker
from inception_desktop.gui.widgets.input_view import InputDialog, InputView
from inception_desktop.gui.widgets.score_bars import ScoreBars

#: Decoded photos kept in memory (a 12-megapixel JPEG decoded at half size costs about 18 MB).
CACHED = 8
#: Photos arriving within this many milliseconds are inserted into the strip together...
FLUSH_MS = 16
#: ...spending at most this long at a time on the GUI thread.
FLUSH_BUDGET_MS = 8
#: An explanation is asked for this long after the last answer: a drag of the crop box answers
#: many times a second, and each map (seconds on LiteRT) would hold the worker from the next.
EXPLAIN_DELAY_MS = 250
#: Occlusion's first, coarse map (cells per side) before the 8x8 one, where maps are occluded.
COARSE_GRID = 4

NO_PHOTO = "Drop a photo to classify it"
NO_WEIGHTS = "Inception v3 needs its weights: download or import them above"


class PhotoWorkspace(QWidget):
    TITLE = "Photo"
    framingChanged = Signal(str)  # the mode, on every change
    padColorChanged = Signal(str)
    compareRequested = Signal()
    message = Signal(str)  # an error the person should read: one per failing input
    notice = Signal(str)  # a short transient status text (not an error)
    photoOpened = Signal(str)  # the absolute path of a file or folder given, once it opened

    def __init__(self, worker: InferenceWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self.channel = Channel(worker, self)
        self.model = ModelWatch(worker, ModelKind.PHOTO, self)
        self.model.ready.connect(self._model_ready)
        self.model.unavailable.connect(self._model_unavailable)
        self.model.changed.connect(self._update_placeholders)
        self._has_model = False
        self._weights_missing = False
        self.loader = ImageLoader()
        self.loader.loaded.connect(self.receive)
        self.loader.failed.connect(self._load_failed)
        self.loader.empty.connect(self._empty_folder)
        self.loader.done.connect(self._load_done)
        self._batches = itertools.count(1)
        self._given: dict[tuple[int, int], str] = {}  # (batch, place) → absolute path given
        self._fetching: list[str] = []  # web addresses being fetched
        self.compare_dialog: CompareDialog | None = None
        self.input_dialog: InputDialog | None = None
        self.list = PhotoList()
        self._cache = PhotoCache(CACHED)
        #: Crop boxes to put on photos when they are next shown (a history entry reopened).
        self._boxes: dict[str, Box] = {}
        self._shown: Photo | None = None
        self._waiting: str | None = None  # the key of the shown photo being decoded again
        self._incoming: list[Photo] = []
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self.flush)
        self._selecting = False
        self._uncaptioned: deque[str] = deque()
        self._caption_id: int | None = None
        self._last_id = 0
        self._compare_id = 0
        self._preview: Job | None = None
        self._unsent = False  # the shown photo waits for the model to be classified
        self.framing = Framing(DEFAULT_MODE)
        self.result: PhotoResult | None = None
        # Explanations: the class asked for (None: the top one), the last request and answer.
        self._explain_class: int | None = None
        self._explain_id = 0
        self._coarse_id = 0
        self._full_shown = False  # the full map of the last request is shown
        self._explained_once = False
        self.heat: PhotoHeat | None = None
        self._compare_explain_id = 0
        self._compare_heats: CompareExplainResult | None = None
        self._sweep_id = 0
        self.sweep_dialog: SweepDialog | None = None
        self._explain_timer = QTimer(self)
        self._explain_timer.setSingleShot(True)
        self._explain_timer.setInterval(EXPLAIN_DELAY_MS)
        self._explain_timer.timeout.connect(self._explain)
        self._build()

    def _build(self) -> None:
        self.weights_panel = WeightsPanel()
        self.weights_panel.hide()
        self.weights_panel.installed.connect(lambda _path: self._worker.load(ModelKind.PHOTO))
        # Download and Import wait while a model loads, whoever started the load.
        self.model.changed.connect(
            lambda: self.weights_panel.set_model_loading(self.model.state.loading is not None)
        )
        self.view = PhotoView()
        self.view.boxChanged.connect(self._box_changed)
        self.strip = ThumbnailStrip()
        self.strip.chosen.connect(self.show_photo)
        self.strip.removeRequested.connect(self.remove_photo)
        self.strip.removeAllRequested.connect(self.remove_all)
        self.strip.copyPathRequested.connect(self.copy_path)
        self.strip.showInputRequested.connect(self._show_input_of)
        self.strip.hide()
        self.input_view = InputView(caption="network input", max_scale=1.0)
        self.input_view.setMinimumSize(150, 150)
        # Never shown above 1:1, so never wider than that: the photo takes the room left.
        self.input_view.setMaximumSize(INPUT_SIZE + 24, INPUT_SIZE + 20)
        self.bars = ScoreBars(10)
        self.bars.rowClicked.connect(self.explain_row)
        self.bars.setToolTip("Click a class to explain it: where the network saw it")
        self.explain_controls = ExplainControls()
        self.explain_controls.toggled.connect(self._explain_toggled)
        self.explain_controls.opacityChanged.connect(self._set_heat_opacity)
        self.explain_controls.methodChanged.connect(lambda _m: self._re_explain())
        self.bars.setMinimumWidth(220)
        self.bars.setMaximumWidth(460)
        self.title = QLabel("")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Maximum)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.headline = QLabel("")
        font = self.headline.font()
        font.setPointSize(round(font.pointSize() * 1.8))
        font.setBold(True)
        self.headline.setFont(font)
        self.headline.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.headline.setMaximumWidth(460)
        self.box_label = QLabel("")
        self.box_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.box_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.box_label.setToolTip(
            "The crop box in the original photo's pixels (drag on the photo to draw one)"
        )

        self.framing_bar = FramingBar(self.framing.mode, self.framing.pad_color)
        self.framing_bar.modeChosen.connect(self.set_mode)
        self.framing_bar.padColorPicked.connect(self.set_pad_color)
        self.framing_bar.clearBoxRequested.connect(self.clear_box)
        self.framing_bar.compareRequested.connect(self.compare)
        self.sweep_button = QPushButton("Sweep")
        self.sweep_button.setToolTip(
            "Classify the photo under many crops, pads and shifts: which framings change the "
            "answer (Ctrl+Shift+K)"
        )
        self.sweep_button.clicked.connect(self.sweep)

        self.copy_box_button = QPushButton("Copy box")
        self.copy_box_button.setToolTip("Copy the box as the command line's --box X,Y,W,H")
        self.copy_box_button.clicked.connect(self.copy_box)
        box_row = QHBoxLayout()
        box_row.addWidget(self.box_label, 1)
        box_row.addWidget(self.copy_box_button)
        box_row.addWidget(self.sweep_button)

        self.copy_input_button = QPushButton("Copy input")
        self.copy_input_button.setToolTip(
            f"Copy the network input ({INPUT_SIZE}x{INPUT_SIZE}) as an image"
        )
        self.copy_input_button.clicked.connect(self.copy_input)
        self.copy_scores_button = QPushButton("Copy scores")
        self.copy_scores_button.setToolTip("Copy the top-10 as text: rank, label, percentage")
        self.copy_scores_button.clicked.connect(self.copy_scores)

        left = QVBoxLayout()
        left.addWidget(self.title)
        left.addWidget(self.view, 1)
        left.addLayout(box_row)
        copy_row = QHBoxLayout()
        copy_row.addStretch(1)
        copy_row.addWidget(self.copy_input_button)
        copy_row.addWidget(self.copy_scores_button)
        copy_row.addStretch(1)
        middle = QVBoxLayout()
        middle.addWidget(self.input_view)
        middle.addLayout(copy_row)
        middle.addWidget(self.explain_controls)
        middle.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.headline)
        right.addWidget(self.bars)
        right.addStretch(1)
        panes = QHBoxLayout()
        panes.setSpacing(14)
        # The photo gets the most; the input never grows past 1:1 and the scores past readable
        # widths, so a maximised window gives the rest to the photo.
        panes.addLayout(left, 5)
        panes.addLayout(middle, 3)
        panes.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.weights_panel)
        layout.addWidget(self.framing_bar)
        layout.addLayout(panes, 1)
        layout.addWidget(self.strip)
        self._update_box_label()
        self._update_placeholders()

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
        self.weights_panel.status.setText("")  # an earlier failure no longer applies
        self.set_weights_missing(False)
        if self._unsent:
            self.classify()  # what waited for the weights (a preview was shown meanwhile)
        self._next_caption()

    def _model_unavailable(self, message: str) -> None:
        if not self._has_model:  # (a failed reload leaves the model loaded before serving)
            self.model.update(name="Inception v3 (unavailable)")
            self.set_weights_missing(True)
        self.weights_panel.status.setText(message)
        self.message.emit(f"Cannot use the model: {message}")

    def set_weights_missing(self, missing: bool) -> None:
        self._weights_missing = missing
        self.weights_panel.setVisible(missing)
        self._update_placeholders()
        if missing:
            self._preview_input()

    def _update_placeholders(self) -> None:
        """Say why no scores show: no photo, no weights, the model loading, or classifying."""
        if self._shown is None and self._waiting is None:
            text = NO_PHOTO
        elif self._weights_missing and not self._has_model:
            text = NO_WEIGHTS
        elif not self.model.state.ready:
            text = self.model.state.loading or "Loading Inception v3…"
        else:
            text = "Classifying…"
        if not self.bars.rows():
            self.bars.clear(text)
        self.input_view.set_placeholder(
            "Network input" if self._shown is not None or self._waiting else ""
        )

    # --- opening photos -------------------------------------------------------------------
    def open_framed(self, path: str, framing: Framing) -> None:
        """Show the photo in ``path`` framed as it was classified (a batch row, a history
        entry): its framing mode and its crop box, so it is classified once, that way."""
        self.set_mode(framing.mode)
        key = file_key(path)
        if framing.box is None:
            self._boxes.pop(key, None)
        else:
            self._boxes[key] = framing.box
        if self._shown is not None and self._shown.key == key:
            self._show(self._shown)  # already in front: framed again
        else:
            self.open(Inputs(paths=[path]))

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

    def fetching(self) -> list[str]:
        """The web addresses being fetched now."""
        return list(self._fetching)

    def _update_fetching(self) -> None:
        if self._fetching:
            self.view.set_placeholder(f"Fetching {self._fetching[0]}…")
        else:
            self.view.set_placeholder("Drop photos here, paste (Ctrl+V) or open (Ctrl+O)")

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
            self._uncaptioned.append(photo.key)
        if self._incoming:
            self._flush_timer.start(0)
        for photo in done:
            self._opened(photo.order)
            self._follow(photo.order, photo.key)
        self.strip.setVisible(len(self.list) > 1)
        self._next_caption()

    def _follow(self, order: tuple[int, ...], key: str) -> None:
        row = self.list.arrived(key, order)
        if row >= 0:
            self._select(row)

    def _select(self, index: int) -> None:
        with self._quiet():
            self.strip.setCurrentRow(index)
        self._selecting = True
        try:
            self.show_photo(index)
        finally:
            self._selecting = False

    # --- showing a photo ------------------------------------------------------------------
    @property
    def current(self) -> int:
        """The row of the photo shown (-1 for none)."""
        return self.list.current

    def show_photo(self, index: int) -> None:
        if not 0 <= index < len(self.list) or index == self.list.current:
            return
        if not self._selecting:
            self.list.stop_following()  # a person chose: stop following the batch being opened
        leaving = self.list.current_entry()
        if leaving and self._shown and self.strip.caption(self.list.current) == PENDING:
            # Its request is about to be superseded (latest wins): caption it separately.
            self._classify_thumbnail(leaving.key, self._shown)
        self.list.current = index
        entry = self.list[index]
        photo = self._cache.get(entry.key) or entry.kept
        if photo is None:
            self._shown = None
            self._waiting = entry.key
            self.view.set_image(None)
            name = Path(entry.path).name if entry.path is not None else entry.source
            self.title.setText(f"{name} — loading…")
            self._update_box_label()
            if entry.path is not None:
                self.loader.load_path(entry.path)
            return
        self._show(photo)

    def _show(self, photo: Photo) -> None:
        self._shown = photo
        self._explain_class = None  # another photo: explain its own top class
        self.view.set_image(photo.qimage)
        box = self._boxes.pop(photo.key, None)  # in the original's pixels, as framings keep it
        self.framing = replace(self.framing, box=box)
        self.view.set_box(box.scaled(photo.loaded.scale) if box is not None else None)
        w, h = shown_size(photo)
        name = Path(photo.path).name if photo.path is not None else photo.loaded.source
        self.title.setText(f"{name} — {w}x{h} {photo.loaded.format}")
        self.title.setToolTip(photo.loaded.source)
        self._update_box_label()
        self._update_placeholders()
        self.classify()

    def current_photo(self) -> Photo | None:
        """The photo shown (None while none is, or while it is being reloaded)."""
        return self._shown

    @property
    def photos(self) -> list[str]:
        """The sources of the photos in the strip, in strip order."""
        return self.list.sources()

    def photo_count(self) -> int:
        return len(self.list)

    def decoded_count(self) -> int:
        """How many full-size photos are held in memory (the cache, plus kept copies)."""
        kept = sum(1 for e in self.list if e.kept is not None)
        return len(self._cache) + kept

    # --- removing photos ------------------------------------------------------------------
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
                self._show_nothing()
        self.strip.setVisible(len(self.list) > 1)

    def remove_current(self) -> None:
        """Remove the photo shown (the Photo menu's Remove photo)."""
        self.remove_photo(self.list.current)

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
        self._uncaptioned.clear()
        with self._quiet():
            self.strip.clear()
        self._shown = None
        self._waiting = None
        self._show_nothing()
        self.strip.hide()

    def _show_nothing(self) -> None:
        self._last_id = 0
        self.result = None
        self._explain_class = None
        self._drop_heat()
        self.framing = replace(self.framing, box=None)
        self.view.set_image(None)
        self.input_view.set_array(None)
        self.title.setText("")
        self.headline.setText("")
        self.bars.clear(NO_PHOTO)
        self._update_box_label()
        self._update_placeholders()

    @contextlib.contextmanager
    def _quiet(self):
        """Strip changes made here are the workspace's own: the strip's signals stay silent."""
        blocked = self.strip.blockSignals(True)
        try:
            yield
        finally:
            self.strip.blockSignals(blocked)

    # --- framing ---------------------------------------------------------------------------
    @property
    def mode(self) -> str:
        """The framing mode in use (for the window's checkable framing actions)."""
        return self.framing.mode

    def current_mode(self) -> str:
        return self.framing.mode

    def set_mode(self, mode: str) -> None:
        self.framing = replace(self.framing, mode=mode)
        self.framing_bar.show_mode(mode)
        self.framingChanged.emit(mode)
        self.classify()

    def set_pad_color(self, text: str) -> None:
        self.framing = replace(self.framing, pad_color=parse_color(text))
        self.framing_bar.show_pad_color(self.framing.pad_color)
        self.padColorChanged.emit(self.pad_color_name())
        self.classify()

    def pad_color_name(self) -> str:
        return QColor(*self.framing.pad_color).name()

    def choose_pad_color(self) -> None:
        """The pad colour's dialog (see :class:`FramingBar`): the choice applies live."""
        self.framing_bar.choose_pad_color()

    def clear_box(self) -> None:
        """Remove the crop rectangle (the whole photo is classified again)."""
        self.view.clear_box()

    def _box_changed(self, box: Any) -> None:
        photo = self.current_photo()
        if photo is None:
            return
        # The view draws on the decoded photo; a framing's box is in the original's pixels.
        original = box.scaled(1 / photo.loaded.scale) if box is not None else None
        self.framing = replace(self.framing, box=original)
        self._update_box_label()
        self.classify()

    def box_text(self) -> str:
        """The crop box as the command line's ``--box X,Y,W,H`` ("" without a box)."""
        box = self.framing.box
        return "" if box is None or self._shown is None else box_argument(box)

    def _update_box_label(self) -> None:
        box = self.framing.box if self._shown is not None else None
        if box is None:
            self.box_label.setText("No crop box" if self._shown else "")
        else:
            x, y, w, h = (round(v) for v in (box.x, box.y, box.w, box.h))
            self.box_label.setText(f"Box {x},{y} {w}x{h} px")
        self.copy_box_button.setEnabled(box is not None)
        self.framing_bar.show_box(box is not None)

    # --- the clipboard ---------------------------------------------------------------------
    def copy_box(self) -> None:
        self.notice.emit(clipboard.copy_box(self.box_text()))

    def copy_scores(self) -> None:
        source = self._shown.loaded.source if self._shown is not None else ""
        self.notice.emit(clipboard.copy_scores(self.bars.as_text(), source, self.framing.mode))

    def copy_input(self) -> None:
        self.notice.emit(clipboard.copy_input(self.input_view.image()))

    def copy_path(self, index: int) -> None:
        if 0 <= index < len(self.list):
            entry = self.list[index]
            self.notice.emit(
                clipboard.copy_text(entry.path if entry.path is not None else entry.source)
            )

    def _show_input_of(self, index: int) -> None:
        self._select(index)
        self.show_input()

    def show_input(self) -> None:
        """A window with the network input pixel for pixel (it follows the photo shown)."""
        if self.input_dialog is None:
            self.input_dialog = InputDialog(self.input_view, self)
            self.input_dialog.finished.connect(self._input_dialog_closed)
            self.input_dialog.show()
        else:
            self.input_dialog.raise_()

    def _input_dialog_closed(self) -> None:
        if self.input_dialog is not None:
            self.input_dialog.deleteLater()
        self.input_dialog = None

    def set_drop_highlight(self, on: bool) -> None:
        """Show that dragged files will open here (the window calls it from its drag events)."""
        self.view.set_highlight(on)

    # --- requests and results --------------------------------------------------------------
    def classify(self) -> None:
        photo = self.current_photo()
        if photo is None:
            return
        self._drop_heat()
        self._unsent = False
        if not self.model.state.ready:
            self._preview_input()
            if self._weights_missing:
                self._unsent = True
                return
        request = PhotoRequest(photo.loaded, self.framing, path=photo.path)
        self._last_id = request.id
        self._send(request, photo.key)

    def _preview_input(self) -> None:
        """Frame the shown photo without the model, off the GUI thread: the network input and
        what the network would see are shown even before (or without) any weights."""
        photo = self.current_photo()
        if photo is None:
            return
        from inception_desktop.core.photo.prepare import network_input_for

        loaded, path, framing = photo.loaded, photo.path, self.framing
        job = Job(lambda _job: network_input_for(loaded, path, framing, INPUT_SIZE), "preview")
        job.returned.connect(self._previewed)
        self._preview = job
        job.start()

    @Slot(object)
    def _previewed(self, framed: Any) -> None:
        if self.sender() is not self._preview or self.model.state.ready:
            return  # an older framing's, or the model answers now
        self._preview = None
        self.input_view.set_array(framed.array, framed.content_rect)
        self.view.set_seen(framed.source_rect)

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
        while self._caption_id is None and self._uncaptioned and self.model.state.ready:
            key = self._uncaptioned.popleft()
            index = self.list.index_of(key)
            if index < 0 or index == self.list.current or self.strip.caption(index) != PENDING:
                continue
            photo = self._cache.get(key, touch=False) or self.list[index].kept
            if photo is not None:
                self._caption_id = self._classify_thumbnail(key, photo)

    def _caption(self, key: str, caption: str) -> None:
        row = self.list.index_of(key)
        if row >= 0:
            self.strip.set_caption(row, caption)

    def _request_done(self, request_id: int) -> None:
        """Any request's end (answered, failed or superseded): the next caption may go."""
        if request_id == self._caption_id:
            self._caption_id = None
            self._next_caption()

    def _answered(self, key: str, result: PhotoResult) -> None:
        current = self.list.current_entry()
        if result.framed.framing.box is None or (current is not None and key == current.key):
            self._caption(key, result.prediction.best.label)
        self._request_done(result.request_id)
        if result.request_id != self._last_id:
            return  # stale, or a thumbnail's
        self.result = result
        self._preview = None
        self.input_view.set_array(result.framed.array, result.framed.content_rect)
        self.view.set_seen(result.framed.source_rect)
        self.bars.set_scores([(s.label, s.score) for s in result.prediction.top])
        best = result.prediction.best
        self.headline.setText(f"{best.label} — {self.bars.percent_texts()[0]}")
        self.model.update(ms=result.prediction.ms)
        if self.explain_controls.is_on():
            self._explain_timer.start()  # once the answers settle (a drag sends many)

    def _failed(self, key: str, request_id: int, message: str) -> None:
        self._caption(key, "error")
        self._request_done(request_id)
        if request_id == self._last_id:
            self.bars.clear(message)
            self.headline.setText("")
            self.message.emit(message)  # one per photo shown; a thumbnail's says "error"

    def compare(self) -> None:
        """Every framing side by side; says why not when there is no photo or no model."""
        photo = self.current_photo()
        if photo is None:
            self.notice.emit("Compare needs a photo: open, paste or drop one first")
            return
        if self._weights_missing and not self._has_model:
            self.notice.emit("Compare needs Inception v3: download or import its weights first")
            return
        request = CompareRequest(photo.loaded, self.framing, path=photo.path)
        self._compare_id = request.id
        self._compare_heats = None
        if self.explain_controls.is_on():
            heats = CompareExplainRequest(
                photo.loaded, self.framing, self.explain_controls.current_method(), photo.path
            )
            self._compare_explain_id = heats.id
            self.channel.send(heats, self._compare_explained, self.message.emit)
        self.compareRequested.emit()
        if not self.model.state.ready:
            self.notice.emit("Comparing framings once Inception v3 has loaded…")
        self.channel.send(request, self._compared, self.message.emit)

    def _compared(self, result: CompareResult) -> None:
        if result.request_id != self._compare_id:
            return
        if self.compare_dialog is not None:
            self.compare_dialog.close()
        self.compare_dialog = CompareDialog(result, self.framing.mode, self)
        self.compare_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.compare_dialog.destroyed.connect(self._compare_closed)
        if self._compare_heats is not None:
            self.compare_dialog.set_heats(
                self._compare_heats.heats, self.explain_controls.current_opacity()
            )
        self.compare_dialog.show()

    def _compare_explained(self, result: CompareExplainResult) -> None:
        if result.request_id != self._compare_explain_id:
            return
        self._compare_heats = result
        if self.compare_dialog is not None:
            self.compare_dialog.set_heats(result.heats, self.explain_controls.current_opacity())

    def _compare_closed(self) -> None:
        self.compare_dialog = None

    # --- explanations ----------------------------------------------------------------------
    def set_explaining(self, on: bool) -> None:
        """Show heat maps (the Photo menu's Explain toggle, Ctrl+E)."""
        self.explain_controls.set_on(on)

    def explaining(self) -> bool:
        return self.explain_controls.is_on()

    def _explain_toggled(self, on: bool) -> None:
        if on:
            self._re_explain()
        else:
            self._explain_id = self._coarse_id = 0
            self._explain_timer.stop()
            self._drop_heat()

    def explain_row(self, row: int) -> None:
        """Explain the class of the top-10's ``row`` (a click on its bar); turns explaining on."""
        if self.result is None or not 0 <= row < len(self.result.prediction.top):
            return
        self._explain_class = self.result.prediction.top[row].index
        if self.explain_controls.is_on():
            self._explain()
        else:
            self.explain_controls.set_on(True)  # explains through the toggle

    def _re_explain(self) -> None:
        if self.explain_controls.is_on() and self.result is not None:
            self._explain()

    def _explain(self) -> None:
        """Ask the worker for the explanation of the photo and framing shown (latest wins)."""
        self._explain_timer.stop()
        photo = self.current_photo()
        if photo is None:
            return
        if self._weights_missing and not self._has_model:
            self.explain_controls.status.setText("Explaining needs Inception v3's weights")
            return
        method = self.explain_controls.current_method()
        litert = "LiteRT" in self.model.state.device
        self._coarse_id = 0
        self._full_shown = False
        if method == "occlusion" or (litert and method == "auto"):
            # occlusion costs a forward pass per cell: a 4x4 first look, then 8x8
            coarse = PhotoExplainRequest(
                photo.loaded,
                self.framing,
                self._explain_class,
                method,
                photo.path,
                grid=COARSE_GRID,
                source="explain-coarse",
            )
            self._coarse_id = coarse.id
            self.channel.send(coarse, self._explained)
        request = PhotoExplainRequest(
            photo.loaded, self.framing, self._explain_class, method, photo.path
        )
        self._explain_id = request.id
        if not self._explained_once:
            self._explained_once = True
            if method == "occlusion" or (litert and method == "auto"):
                self.notice.emit("Explaining by occlusion: 64 grey patches, batched on LiteRT…")
            else:
                self.notice.emit(
                    "Explaining with Grad-CAM: TensorFlow prepares the gradients on first use "
                    "(a few seconds)…"
                )
        self.explain_controls.status.setText("Explaining…")
        rid = request.id
        self.channel.send(request, self._explained, lambda text: self._explain_failed(rid, text))

    def _explained(self, result: PhotoExplainResult) -> None:
        heat = result.heat
        coarse = result.request_id == self._coarse_id
        if not coarse and result.request_id != self._explain_id:
            return  # stale: another photo, framing or class was asked for since
        if heat.framed.framing != self.framing or (coarse and self._full_shown):
            return  # another framing now, or the full map came first
        self.heat = heat
        opacity = self.explain_controls.current_opacity()
        self.input_view.set_heat(heat.heat, opacity)
        self.view.set_heat(heat.on_photo, opacity)
        rows = [s.index for s in self.result.prediction.top] if self.result is not None else []
        self.bars.set_marked(rows.index(heat.class_index) if heat.class_index in rows else None)
        text = heat.describe()
        if heat.note:
            text += f" — {heat.note}"
        if coarse:
            self._coarse_id = 0
            self.explain_controls.status.setText(f"{text}; refining to 8x8…")
            return
        self._full_shown = True
        self.explain_controls.status.setText(text)
        self.notice.emit(f"Explained: {heat.describe()}")

    def _explain_failed(self, request_id: int, message: str) -> None:
        if request_id == self._explain_id:
            self.explain_controls.status.setText(f"Cannot explain: {message}")
            self.message.emit(f"Cannot explain: {message}")

    def _drop_heat(self) -> None:
        """The photo or framing changed: the heat shown no longer applies."""
        self.heat = None
        self.input_view.set_heat(None)
        self.view.set_heat(None)
        self.bars.set_marked(None)

    def _set_heat_opacity(self, opacity: float) -> None:
        self.input_view.set_heat(self.input_view.heat(), opacity)
        self.view.set_heat(self.view.heat(), opacity)
        if self.compare_dialog is not None:
            self.compare_dialog.set_opacity(opacity)

    # --- the framing sweep -----------------------------------------------------------------
    def sweep(self) -> None:
        """Classify the photo under many framings; a chart of the top class across them."""
        photo = self.current_photo()
        if photo is None:
            self.notice.emit("A framing sweep needs a photo: open, paste or drop one first")
            return
        if self._weights_missing and not self._has_model:
            self.notice.emit("A framing sweep needs Inception v3: get its weights first")
            return
        request = SweepRequest(photo.loaded, self.framing)
        self._sweep_id = request.id
        self.notice.emit("Sweeping framings: about 20 crops, pads and shifts…")
        self.channel.send(request, self._swept, self.message.emit)

    def _swept(self, answer: SweepAnswer) -> None:
        if answer.request_id != self._sweep_id:
            return
        if self.sweep_dialog is not None:
            self.sweep_dialog.close()
        self.sweep_dialog = SweepDialog(answer, self)
        self.sweep_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.sweep_dialog.destroyed.connect(self._sweep_closed)
        self.sweep_dialog.applyFraming.connect(self.apply_framing)
        self.sweep_dialog.show()
        flips = len(answer.result.flipped)
        self.notice.emit(f"Sweep: {flips} of {len(answer.result.entries)} framings flip the top-1")

    def _sweep_closed(self) -> None:
        self.sweep_dialog = None

    def apply_framing(self, framing: Framing) -> None:
        """Use ``framing`` (mode and box in original pixels; a sweep's row) on the photo."""
        photo = self.current_photo()
        if photo is None:
            return
        box = framing.box
        self.view.set_box(None if box is None else box.scaled(photo.loaded.scale))
        self.framing = replace(self.framing, mode=framing.mode, box=box)
        self.framing_bar.show_mode(framing.mode)
        self._update_box_label()
        self.framingChanged.emit(framing.mode)
        self.classify()

    def shutdown(self, ms: int = 5000) -> None:
        """Stop the background work this view started (a download, photos being opened)."""
        if self.weights_panel.busy():
            self.weights_panel.cancel()
        self.loader.cancel()
        self.loader.wait(ms)
