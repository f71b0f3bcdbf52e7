"""The Photo workspace: photos in, Inception v3's top-10 out, with crop-and-pad experiments.

It opens what it is given (files, folders, web images, a pasted image), sends its own requests to
the inference worker through its :class:`Channel` and shows their answers itself; the window only
hands it drops. Every change (another photo, framing, pad colour, crop rectangle) sends a new
request; the worker keeps only the newest per source (the replaced one is announced as
superseded, so nothing waits for it) and this view shows only the answer to the request it sent
last. Without a model (weights missing, or still loading) the network input is still framed, off
the GUI thread, so framing can be explored before any weights are there.

The workspace shows a photo (its title, the photo, its framing, its classification) and lays out
the widgets of the parts it composes, each owning its own state:

* :class:`~.shelf.PhotoShelf`: the photos open, the strip, loading and the bounded cache;
* :class:`~.scores.PhotoScores`: the photo shown, classified (latest wins), or its preview;
* :class:`~.captions.Captions`: the thumbnails' captions, classified in the background;
* :class:`~.framer.Framer`: the framing (mode, pad colour, crop box) and its controls;
* :class:`~.model_gate.ModelGate`: whether Inception v3 can serve, and the weights panel;
* :class:`~.explainer.PhotoExplainer`: the heat maps and their controls;
* :class:`~.launchers.CompareLauncher` and :class:`~.launchers.SweepLauncher`;
* :mod:`.clipboard`: what the Copy actions put on the clipboard.

Its public methods are what the window uses (menus, drops, settings, history); they hand on to
the parts. What the window connects: ``message`` (errors only, one per failing input), ``notice``
(short transient texts), ``photoOpened`` (the absolute path of each file or folder given that
opened, for Open Recent), ``framingChanged`` and ``padColorChanged`` (settings),
``compareRequested``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QWidget

from inception_desktop.core.models.inception import INPUT_SIZE
from inception_desktop.core.photo.framing import Framing
from inception_desktop.gui.photo import clipboard
from inception_desktop.gui.photo.camera import PhotoCamera
from inception_desktop.gui.photo.captions import Captions
from inception_desktop.gui.photo.compare_dialog import CompareDialog
from inception_desktop.gui.photo.explain import PhotoHeat
from inception_desktop.gui.photo.explainer import PhotoExplainer
from inception_desktop.gui.photo.framer import Framer
from inception_desktop.gui.photo.image_loader import ImageLoader, Photo, file_key
from inception_desktop.gui.photo.launchers import CompareLauncher, SweepLauncher
from inception_desktop.gui.photo.layout import lay_out
from inception_desktop.gui.photo.model_gate import ModelGate
from inception_desktop.gui.photo.photo_list import shown_size
from inception_desktop.gui.photo.photo_view import PhotoView
from inception_desktop.gui.photo.precision_check import PrecisionLauncher
from inception_desktop.gui.photo.scores import PhotoScores
from inception_desktop.gui.photo.shelf import PhotoShelf
from inception_desktop.gui.photo.sweep import SweepDialog
from inception_desktop.gui.runtime.channel import Channel, ModelWatch
from inception_desktop.gui.runtime.mime import Inputs
from inception_desktop.gui.runtime.requests import ModelKind, PhotoResult
from inception_desktop.gui.runtime.worker import InferenceWorker
from inception_desktop.gui.widgets.input_view import InputDialog, InputView
from inception_desktop.gui.widgets.score_bars import ScoreBars


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
        self.channel = Channel(worker, self)
        self.model = ModelWatch(worker, ModelKind.PHOTO, self)
        self.input_dialog: InputDialog | None = None
        self._served = False  # a model has served this workspace before
        self.view = PhotoView()
        self.input_view = InputView(caption="network input", max_scale=1.0)
        self.bars = ScoreBars(10)

        self.gate = ModelGate(worker, self.model, self)
        self.gate.ready.connect(self._model_ready)
        self.shelf = PhotoShelf(self)
        self.shelf.showing.connect(self._show)
        self.shelf.reloading.connect(self._reloading)
        self.shelf.emptied.connect(self._show_nothing)
        self.shelf.placeholderChanged.connect(self.view.set_placeholder)
        self.shelf.strip.showInputRequested.connect(self._show_input_of)
        self.framer = Framer(self.view, self._framed_photo, self)
        self.framer.modeChanged.connect(self.framingChanged)
        self.framer.padColorChanged.connect(self.padColorChanged)
        self.framer.bar.compareRequested.connect(self.compare)
        self.framer.copy_box_button.clicked.connect(self.copy_box)
        self.captions = Captions(self.shelf, self.channel, self.model, self.framer, self)
        views = (self.input_view, self.view, self.bars)
        parts = (self.channel, self.model, self.gate, self.shelf, self.framer)
        self.explainer = PhotoExplainer(*parts, views, self)
        self.scores = PhotoScores(*parts, self.captions, self.explainer, views, self)
        self.framer.changed.connect(self._reframe)
        self.comparer = CompareLauncher(*parts, self.explainer.controls, self)
        self.comparer.requested.connect(self.compareRequested)
        self.sweeper = SweepLauncher(self.channel, self.gate, self.shelf, self.framer, self)
        self.precision = PrecisionLauncher(
            worker, self.gate, self.shelf, self.framer, self, self.open_framed_here
        )
        self.shelf.photoOpened.connect(self.photoOpened)
        talking: tuple[Any, ...] = (
            self.shelf, self.explainer, self.comparer, self.sweeper, self.precision,
        )  # fmt: skip
        for part in (self.gate, self.scores, *talking):
            part.message.connect(self.message)
        for part in talking:
            part.notice.connect(self.notice)
        self._build()

    def _build(self) -> None:
        # The parts' widgets, laid out here (and reached here by the window and its tests).
        self.weights_panel = self.gate.panel
        self.strip = self.shelf.strip
        self.framing_bar = self.framer.bar
        self.framing_bar.keep_visible = self.input_view  # the colour dialog previews it live
        self.box_label = self.framer.box_label
        self.copy_box_button = self.framer.copy_box_button
        self.explain_controls = self.explainer.controls
        self.headline = self.scores.headline
        self.bars.setToolTip("Click a class to explain it: where the network saw it")
        self.title = QLabel("")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Maximum)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.camera = PhotoCamera(
            self.channel, self.model, self.framer, self.shelf.open,
            (self.input_view, self.view, self.bars), (self.title, self.headline), self,
        )  # fmt: skip
        self.camera.liveChanged.connect(self._live_changed)
        self.camera.message.connect(self.message)
        self.camera.notice.connect(self.notice)
        self.sweep_button = QPushButton("Sweep")
        self.sweep_button.setToolTip(
            "Classify the photo under many crops, pads and shifts: which framings change the "
            "answer (Ctrl+Shift+K)"
        )
        self.sweep_button.clicked.connect(self.sweep)
        self.copy_input_button = QPushButton("Copy input")
        self.copy_input_button.setToolTip(
            f"Copy the network input ({INPUT_SIZE}x{INPUT_SIZE}) as an image"
        )
        self.copy_input_button.clicked.connect(self.copy_input)
        self.copy_scores_button = QPushButton("Copy scores")
        self.copy_scores_button.setToolTip("Copy the top-10 as text: rank, label, percentage")
        self.copy_scores_button.clicked.connect(self.copy_scores)
        lay_out(
            self,
            above=(self.weights_panel, self.camera.bar, self.framing_bar),
            title=self.title,
            photo=self.view,
            box_row=(self.box_label, self.copy_box_button, self.sweep_button),
            network_input=self.input_view,
            copy_row=(self.copy_input_button, self.copy_scores_button),
            explain=self.explain_controls,
            headline=self.headline,
            bars=self.bars,
            below=self.strip,
        )
        self.framer.update_box_label()
        self.scores.update_placeholders()
        self._update_enabled()

    def _update_enabled(self) -> None:
        """What acts on a photo waits for one: with none, its buttons are disabled (the
        photo view says what to do; the menu's actions say why not)."""
        has_photo = self.shelf.has_photo()
        buttons = (self.copy_input_button, self.copy_scores_button, self.sweep_button)
        for widget in (*buttons, self.framing_bar.compare_button, self.explain_controls):
            widget.setEnabled(has_photo)

    # --- the model ---------------------------------------------------------------------------
    def start_model(self) -> None:
        """Load Inception v3, or offer its weights when they are missing."""
        self.gate.start()

    def _model_ready(self) -> None:
        """A model serves: the photo shown is classified by it (another model than before, or
        the first, for a photo that waited), and the thumbnails are captioned."""
        if self._served:
            self.scores.classify()
        else:
            self.scores.classify_waiting()
        self._served = True
        self.captions.next()

    # --- opening and showing photos ---------------------------------------------------------
    def open(self, inputs: Inputs) -> None:
        """Open files, folders, web images and a pasted image together (see the shelf)."""
        self.shelf.open(inputs)

    def open_framed(self, path: str, framing: Framing) -> None:
        """Show the photo in ``path`` framed as it was classified (a batch row, a history
        entry): its framing mode and its crop box, so it is classified once, that way."""
        self.set_mode(framing.mode)
        key = file_key(path)
        self.framer.promise_box(key, framing.box)
        shown = self.shelf.current_photo()
        if shown is not None and shown.key == key:
            self._show(shown)  # already in front: framed again
        else:
            self.open(Inputs(paths=[path]))

    def _show(self, photo: Photo) -> None:
        if self.live():
            return  # a camera or video is shown: the strip's photo waits for it to stop
        self.explainer.another_photo()  # another photo: explain its own top class
        self.scores.another_photo()  # and show none of the previous photo's answer
        self.view.set_image(photo.qimage)
        self.framer.frame(photo)
        w, h = shown_size(photo)
        self.title.setText(photo_title(photo, w, h))
        self.title.setToolTip(photo.loaded.source)
        self.scores.update_placeholders()
        self._update_enabled()
        self.scores.classify()

    def _reloading(self, name: str) -> None:
        if self.live():
            return
        self.view.set_image(None)
        self.title.setText(f"{name} — loading…")
        self.framer.update_box_label()

    def _show_nothing(self) -> None:
        if self.live():
            return
        self.explainer.forget()
        self.framer.forget_box()
        self.view.set_image(None)
        self.title.setText("")
        self.scores.clear()
        self._update_enabled()

    # --- a live source (camera or video file) -----------------------------------------------
    def live(self) -> bool:
        """Whether a camera or video is shown (instead of the strip's photo)."""
        camera = getattr(self, "camera", None)  # (made after the framer, which asks)
        return camera is not None and camera.live()

    def start_camera(self) -> None:
        """Start the camera chosen (Photo › Camera): the scores follow its picture."""
        self.camera.start_camera()

    def play_video(self, path: str) -> None:
        """Play a video file as a camera (Photo › Play Video)."""
        self.camera.play(path)

    def _framed_photo(self) -> Photo | None:
        if self.live():
            return self.camera.photo
        return self.shelf.current_photo()

    def _reframe(self) -> None:
        if self.live():
            self.camera.reframe()
        else:
            self.scores.classify()

    def _live_changed(self, live: bool) -> None:
        self.explainer.drop_heat()
        if live:
            return
        photo = self.shelf.current_photo()
        if photo is not None:
            self._show(photo)
        else:
            self._show_nothing()

    def fetching(self) -> list[str]:
        """The web addresses being fetched now."""
        return self.shelf.fetching()

    @property
    def loader(self) -> ImageLoader:
        return self.shelf.loader

    @property
    def current(self) -> int:
        """The row of the photo shown (-1 for none)."""
        return self.shelf.current

    def current_photo(self) -> Photo | None:
        """The photo shown (None while none is, or while it is being reloaded)."""
        return self.shelf.current_photo()

    @property
    def photos(self) -> list[str]:
        """The sources of the photos in the strip, in strip order."""
        return self.shelf.list.sources()

    def photo_count(self) -> int:
        return len(self.shelf.list)

    def decoded_count(self) -> int:
        """How many full-size photos are held in memory (the cache, plus kept copies)."""
        return self.shelf.decoded_count()

    def remove_photo(self, index: int) -> None:
        """Remove the photo at ``index``; its neighbour (if any) is shown instead."""
        self.shelf.remove_photo(index)

    def remove_all(self) -> None:
        self.shelf.remove_all()

    def set_drop_highlight(self, on: bool) -> None:
        """Show that dragged files will open here (the window calls it from its drag events)."""
        self.view.set_highlight(on)

    # --- framing -----------------------------------------------------------------------------
    @property
    def framing(self) -> Framing:
        """The framing every request of this workspace uses now."""
        return self.framer.framing

    @property
    def mode(self) -> str:
        """The framing mode in use (for the window's checkable framing actions)."""
        return self.framer.framing.mode

    def current_mode(self) -> str:
        return self.framer.framing.mode

    def set_mode(self, mode: str) -> None:
        self.framer.set_mode(mode)

    def set_pad_color(self, text: str) -> None:
        self.framer.set_pad_color(text)

    def pad_color_name(self) -> str:
        return self.framer.pad_color_name()

    def choose_pad_color(self) -> None:
        """The pad colour's dialog (see :class:`FramingBar`): the choice applies live."""
        self.framing_bar.choose_pad_color()

    def clear_box(self) -> None:
        """Remove the crop rectangle (the whole photo is classified again)."""
        self.framer.clear_box()

    def box_text(self) -> str:
        """The crop box as the command line's ``--box X,Y,W,H`` ("" without a box)."""
        return self.framer.box_text()

    # --- the clipboard and the input window --------------------------------------------------
    def copy_box(self) -> None:
        self.notice.emit(clipboard.copy_box(self.box_text()))

    def copy_scores(self) -> None:
        photo = self.shelf.current_photo()
        source = photo.loaded.source if photo is not None else ""
        scores = self.bars.as_text()
        self.notice.emit(clipboard.copy_scores(scores, source, self.mode, self.box_text()))

    def copy_input(self) -> None:
        self.notice.emit(clipboard.copy_input(self.input_view.image()))

    def _show_input_of(self, index: int) -> None:
        self.shelf.select(index)
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

    # --- the answer -------------------------------------------------------------------------
    @property
    def result(self) -> PhotoResult | None:
        """The answer shown (None while none is)."""
        return self.scores.result

    @result.setter
    def result(self, result: PhotoResult | None) -> None:
        self.scores.result = result

    # --- explanations, Compare and Sweep -----------------------------------------------------
    @property
    def heat(self) -> PhotoHeat | None:
        """The heat map shown (None when none is)."""
        return self.explainer.heat

    def set_explaining(self, on: bool) -> None:
        """Show heat maps (the Photo menu's Explain toggle, Ctrl+E)."""
        self.explain_controls.set_on(on)

    def explaining(self) -> bool:
        return self.explain_controls.is_on()

    def compare(self) -> None:
        """Every framing side by side; says why not when there is no photo or no model."""
        self.comparer.compare()

    @property
    def compare_dialog(self) -> CompareDialog | None:
        return self.comparer.dialog

    def set_answer_unknown(self, on: bool) -> None:
        """Photo › Answer "Unknown": a retrained model says *unknown* below the calibrated
        confidence its card stores (``classify --unknown auto``); the photo is classified again."""
        self.scores.answer_unknown = on
        self.scores.classify()

    def sweep(self) -> None:
        """Classify the photo under many framings; a chart of the top class across them."""
        self.sweeper.sweep()

    @property
    def sweep_dialog(self) -> SweepDialog | None:
        return self.sweeper.dialog

    def precision_check(self, folder: str | None = None) -> None:
        """float32 against int8 on the photos in the strip (Photo › Precision Check), or in
        ``folder`` (Photo › Precision Check of a Folder)."""
        self.precision.check(folder)

    def open_framed_here(self, path: str) -> None:
        """Open ``path`` in the strip with the framing in use, and show it."""
        self.open_framed(path, self.framer.framing)

    def take(self, inputs: Inputs) -> bool:
        """Whatever is dropped or pasted here opens as photos (the window's protocol)."""
        self.open(inputs)
        return True

    def shutdown(self, ms: int = 5000) -> bool:
        """Stop the background work this view started (a download, photos being opened)."""
        if self.weights_panel.busy():
            self.weights_panel.cancel()
        self.shelf.loader.cancel()
        released = self.camera.shutdown(ms)
        return self.shelf.loader.wait(ms) and released


def photo_title(photo: Photo, width: int, height: int) -> str:
    """ "house.png — 640x400 PNG"; a pasted image is "Pasted image — 299x299" (its source and
    format are both "clipboard": saying it twice says nothing)."""
    loaded = photo.loaded
    if photo.path is not None:
        return f"{Path(photo.path).name} — {width}x{height} {loaded.format}"
    if loaded.format == "clipboard":
        return f"Pasted image — {width}x{height}"
    return f"{loaded.source} — {width}x{height} {loaded.format}"
