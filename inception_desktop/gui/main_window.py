"""The main window: two workspaces, menus and shortcuts, the status bar, and the wiring between
the views, the image loader and the inference worker. It builds no model itself."""

from __future__ import annotations

import contextlib
import itertools
import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import QFileDialog, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from inception_desktop.core import weights
from inception_desktop.core.images import IMAGE_SUFFIXES
from inception_desktop.gui.compare_dialog import CompareDialog
from inception_desktop.gui.digit_workspace import DigitWorkspace
from inception_desktop.gui.image_loader import ImageLoader, Photo
from inception_desktop.gui.messages import Banner
from inception_desktop.gui.mime import Inputs, inputs_from_mime
from inception_desktop.gui.photo_workspace import PhotoWorkspace
from inception_desktop.gui.settings import Settings
from inception_desktop.gui.status_bar import StatusBar
from inception_desktop.gui.worker import DIGIT, PHOTO, Factory, WorkerThread

log = logging.getLogger(__name__)

PHOTO_TAB, DIGIT_TAB = 0, 1
RUNTIME_CHOICES = (
    ("auto", "&Automatic (TensorFlow on a GPU, else LiteRT)"),
    ("litert", "&LiteRT on the CPU (fast start)"),
    ("tensorflow", "&TensorFlow"),
)


class MainWindow(QMainWindow):
    def __init__(
        self,
        settings: Settings | None = None,
        factories: dict[str, Factory] | None = None,
        runtime: str | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle("Inception Desktop")
        self.setAcceptDrops(True)
        self.settings = settings or Settings()
        if runtime is not None:
            self.settings.runtime = runtime
        self.worker_thread = WorkerThread(factories, self.settings.runtime)
        self.worker = self.worker_thread.worker
        self.loader = ImageLoader()
        self.compare_dialog: CompareDialog | None = None
        self._loading: set[str] = set()
        self._names: dict[str, str] = {}
        self._devices: dict[str, str] = {}
        self._unavailable: dict[str, str] = {}  # kind → what the status bar says instead
        self._batch = 0  # inputs opened together (a drop, a paste, a dialog) share a batch

        self.photo = PhotoWorkspace(self.worker.submit)
        self.digit = DigitWorkspace(self.worker.submit)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.photo, "&Photo")
        self.tabs.addTab(self.digit, "&Digit")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.banner = Banner()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.status = StatusBar()
        self.setStatusBar(self.status)
        self._build_menus()
        self._connect()
        self._restore()

    # --- construction ----------------------------------------------------------------------
    def _action(self, menu, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&Open Photos…", self.open_dialog, QKeySequence.StandardKey.Open)
        self._action(file_menu, "Open &Folder…", self.open_folder_dialog, "Ctrl+Shift+O")
        self._action(file_menu, "&Paste", self.paste, QKeySequence.StandardKey.Paste)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        view = bar.addMenu("&View")
        self._action(
            view, "&Photo workspace", lambda: self.tabs.setCurrentIndex(PHOTO_TAB), "Ctrl+1"
        )
        self._action(
            view, "&Digit workspace", lambda: self.tabs.setCurrentIndex(DIGIT_TAB), "Ctrl+2"
        )
        view.addSeparator()
        self.runtime_menu = view.addMenu("&Runtime")
        self.runtime_group = QActionGroup(self)
        for name, text in RUNTIME_CHOICES:
            action = self.runtime_menu.addAction(text)
            action.setCheckable(True)
            action.setData(name)
            action.setChecked(name == self.settings.runtime)
            action.triggered.connect(lambda _=False, n=name: self.set_runtime(n))
            self.runtime_group.addAction(action)
        photo = bar.addMenu("P&hoto")
        for key, mode in (
            ("Ctrl+Shift+1", "squash"),
            ("Ctrl+Shift+2", "crop"),
            ("Ctrl+Shift+3", "pad"),
        ):
            self._action(
                photo, f"Frame by {mode}", lambda _=False, m=mode: self.photo.set_mode(m), key
            )
        self._action(photo, "&Compare framings", self.photo.compare, "Ctrl+K")
        photo.addSeparator()
        self._action(
            photo,
            "&Remove photo",
            lambda: self.photo.remove_photo(self.photo.current),
            tip="Remove the photo shown from the strip (Delete on the strip)",
        )
        self._action(
            photo, "Remove &all photos", self.photo.remove_all, "Ctrl+Shift+Del", "Empty the strip"
        )
        photo.addSeparator()
        self._action(
            photo, "&Download Inception v3 weights", self.photo.weights_panel.start_download
        )
        self._action(photo, "&Import weights file…", self.photo.weights_panel._choose_file)
        digit = bar.addMenu("Di&git")
        self._action(digit, "&Open MNIST model…", self.open_digit_model)
        self._action(digit, "Use the &shipped model", self.use_shipped_digit_model)
        self._action(digit, "&Clear canvas", self.digit.canvas.clear)

    def _connect(self) -> None:
        w = self.worker
        w.loading.connect(self._on_loading)
        w.modelReady.connect(self._on_model_ready)
        w.modelUnavailable.connect(self._on_model_unavailable)
        w.photoResult.connect(self._on_photo_result)
        w.digitResult.connect(self._on_digit_result)
        w.compareResult.connect(self._on_compare_result)
        w.failed.connect(self._on_failed)
        self.loader.loaded.connect(self._on_photo_loaded)
        self.loader.failed.connect(self._on_load_failed)
        self.loader.empty.connect(self._on_empty_folder)
        self.photo.reloadRequested.connect(self.loader.load_path)
        self.photo.weights_panel.installed.connect(lambda _path: self.worker.load(PHOTO))
        self.photo.framingChanged.connect(lambda m: setattr(self.settings, "framing", m))
        self.photo.padColorChanged.connect(lambda c: setattr(self.settings, "pad_color", c))
        self.digit.penWidthChanged.connect(lambda v: setattr(self.settings, "pen_width", v))
        self.photo.compareRequested.connect(
            lambda: self.status.showMessage("Comparing framings…", 5000)
        )
        self.digit.openModelRequested.connect(self.open_digit_model)
        self.digit.shippedModelRequested.connect(self.use_shipped_digit_model)

    def _restore(self) -> None:
        s = self.settings
        geometry = s.geometry
        if geometry is not None and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 720)
        with contextlib.suppress(ValueError):
            self.photo.set_pad_color(s.pad_color)
        if s.framing in ("squash", "crop", "pad"):
            self.photo.set_mode(s.framing)
        self.digit.set_pen_width(s.pen_width)
        self.tabs.setCurrentIndex(s.workspace if s.workspace in (0, 1) else 0)
        self._refresh_recent(s.recent_files())

    def start_models(self) -> None:
        """Ask the worker to load the models, after the window is on screen: first the one
        the visible workspace needs, so its first answer does not wait behind the other."""
        photo_first = self.tabs.currentIndex() == PHOTO_TAB
        if not photo_first:
            self.worker.load(DIGIT)
        if weights.status().present:
            self.worker.load(PHOTO)
        else:
            self._unavailable[PHOTO] = "Inception v3 (weights missing)"
            self.photo.set_weights_missing(True)
            self._update_status()
        if photo_first:
            self.worker.load(DIGIT)

    # --- inputs ----------------------------------------------------------------------------
    def open_inputs(self, inputs: Inputs) -> None:
        if not inputs:
            self.banner.show_message(
                "Nothing to open: drop or paste image files, a folder, an "
                "image, or a web address of an image."
            )
            return
        self.tabs.setCurrentIndex(PHOTO_TAB)
        # Each input gets its place in this batch: photos show in the order given, whatever
        # order they finish decoding in, and the batch's first photo is the one selected.
        self._batch += 1
        self.photo.begin_batch(self._batch)
        place = itertools.count()
        for path in inputs.paths:
            if Path(path).is_file():
                self._refresh_recent(self.settings.add_recent(path))
            self.loader.load_path(path, (self._batch, next(place)))
        for url in inputs.urls:
            self.status.showMessage(f"Fetching {url}…", 5000)
            self.loader.load_url(url, (self._batch, next(place)))
        if inputs.image is not None:
            self.loader.load_qimage(inputs.image, order=(self._batch, next(place)))

    def open_paths(self, paths: list[str]) -> None:
        self.open_inputs(Inputs(paths=list(paths)))

    def open_dialog(self) -> None:
        patterns = " ".join(f"*{s}" for s in IMAGE_SUFFIXES)
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Open photos", "", f"Images ({patterns});;All files (*)"
        )
        if paths:
            self.open_paths(paths)

    def open_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open a folder of photos")
        if folder:
            self.open_paths([folder])

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        self.open_inputs(inputs_from_mime(mime) if mime is not None else Inputs())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if inputs_from_mime(event.mimeData()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        inputs = inputs_from_mime(event.mimeData())
        if inputs:
            event.acceptProposedAction()
        self.open_inputs(inputs)

    def _refresh_recent(self, recent: list[str]) -> None:
        self.recent_menu.clear()
        for path in recent:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_paths([p]))
        self.recent_menu.setEnabled(bool(recent))

    def open_digit_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open an MNIST model", "", "Keras models (*.keras)"
        )
        if path:
            self.worker.load(DIGIT, path)

    def set_runtime(self, runtime: str) -> None:
        """Run the models on ``runtime`` from now on (and at the next start)."""
        self.settings.runtime = runtime
        for action in self.runtime_group.actions():
            action.setChecked(action.data() == runtime)
        self.worker.set_runtime(runtime)

    def use_shipped_digit_model(self) -> None:
        self.worker.load(DIGIT, None)

    # --- worker signals --------------------------------------------------------------------
    @Slot(str, str)
    def _on_loading(self, kind: str, message: str) -> None:
        self._loading.add(kind)
        self.status.set_loading(message)

    def _done_loading(self, kind: str) -> None:
        self._loading.discard(kind)
        if not self._loading:
            self.status.set_loading(None)

    @Slot(str, str, str)
    def _on_model_ready(self, kind: str, name: str, device: str) -> None:
        self._done_loading(kind)
        self._names[kind] = name
        self._devices[kind] = device
        if kind == PHOTO:
            self.photo.set_weights_missing(False)
        else:
            self.digit.set_model(name)
        self._update_status()

    @Slot(str, str)
    def _on_model_unavailable(self, kind: str, message: str) -> None:
        self._done_loading(kind)
        if kind == PHOTO:
            self._unavailable.setdefault(PHOTO, "Inception v3 (unavailable)")
            self.photo.set_weights_missing(True)
            self.photo.weights_panel.status.setText(message)
        self._update_status()
        self.banner.show_message(f"Cannot use the model: {message}")

    # Loader and worker signals arrive from other threads: they are connected to methods of this
    # QObject (never to lambdas), so Qt queues them onto the GUI thread.
    @Slot(object)
    def _on_photo_loaded(self, photo: Photo) -> None:
        self.photo.receive(photo)

    @Slot(str, str)
    def _on_load_failed(self, source: str, why: str) -> None:
        self.banner.show_message(f"{source}: {why}")

    @Slot(str)
    def _on_empty_folder(self, folder: str) -> None:
        self.banner.show_message(
            f"{folder}: no images in this folder (looked for {', '.join(IMAGE_SUFFIXES)})"
        )

    @Slot(object)
    def _on_photo_result(self, result) -> None:
        if self.photo.show_result(result):
            self.status.set_timing(result.prediction.ms)

    @Slot(object)
    def _on_digit_result(self, result) -> None:
        if self.digit.show_result(result) and result.prediction is not None:
            self.status.set_timing(result.prediction.ms)

    @Slot(object)
    def _on_compare_result(self, result) -> None:
        if not self.photo.is_current_compare(result.request_id):
            return
        if self.compare_dialog is not None:
            self.compare_dialog.close()
        self.compare_dialog = CompareDialog(result, self.photo.framing.mode, self)
        self.compare_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.compare_dialog.destroyed.connect(lambda: setattr(self, "compare_dialog", None))
        self.compare_dialog.show()

    @Slot(object)
    def _on_failed(self, failure) -> None:
        if failure.source == "digit":
            self.digit.show_failure(failure)
        else:
            self.photo.show_failure(failure)
        self.banner.show_message(failure.message)

    def _tab_changed(self, index: int) -> None:
        self.settings.workspace = index
        self._update_status()

    def _update_status(self) -> None:
        kind = PHOTO if self.tabs.currentIndex() == PHOTO_TAB else DIGIT
        name = self._names.get(kind) or self._unavailable.get(kind, "not loaded")
        device = self._devices.get(kind) or next(iter(self._devices.values()), "starting…")
        self.status.set_model(name, device)

    # --- shutdown --------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.geometry = self.saveGeometry()
        self.settings.sync()
        if self.photo.weights_panel.busy():
            self.photo.weights_panel.cancel()
        self.loader.wait(5000)
        if not self.worker_thread.stop():
            log.warning("the inference thread did not stop in time")
        super().closeEvent(event)


def schedule_start(window: MainWindow) -> None:
    """Load models once the event loop runs, so the window paints first."""
    QTimer.singleShot(0, window.start_models)
