"""The main window: it builds the window (the workspaces as tabs, a banner, the status bar), the
menus and shortcuts, and takes drops and pastes. It routes no result: each workspace sends its own
requests to the inference worker and shows its own answers and its own model's state, which the
status bar shows for the workspace in front. Adding a workspace is one line in ``__init__``."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QSize, QTimer
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

from inception_desktop.core.photo.framing_modes import MODES
from inception_desktop.core.photo.images import IMAGE_SUFFIXES
from inception_desktop.gui.digit_workspace import DigitWorkspace
from inception_desktop.gui.messages import Banner
from inception_desktop.gui.mime import Inputs, inputs_from_mime
from inception_desktop.gui.photo_workspace import PhotoWorkspace
from inception_desktop.gui.settings import Settings
from inception_desktop.gui.status_bar import StatusBar
from inception_desktop.gui.worker import Factory, WorkerThread

log = logging.getLogger(__name__)

#: A workspace: a widget with ``TITLE``, ``message``, ``model`` (a ModelWatch), ``start_model``.
W = TypeVar("W", PhotoWorkspace, DigitWorkspace)

PHOTO_TAB, DIGIT_TAB = 0, 1
RUNTIME_CHOICES = (
    ("auto", "&Automatic (TensorFlow on a GPU, else LiteRT)"),
    ("litert", "&LiteRT on the CPU (fast start)"),
    ("tensorflow", "&TensorFlow"),
)


#: The first run's window size, where the screen has room for it.
FIRST_SIZE = QSize(1200, 720)


def first_size(available: QSize) -> QSize:
    """:data:`FIRST_SIZE`, shrunk to 95% of the available screen (a 1024x700 screen included),
    so a first window never reaches past the screen's edge."""
    room = QSize(int(available.width() * 0.95), int(available.height() * 0.95))
    return FIRST_SIZE.boundedTo(room)


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
        self.banner = Banner()
        self.tabs = QTabWidget()
        self._workspaces: list[PhotoWorkspace | DigitWorkspace] = []  # in tab order
        self.photo = self._add(PhotoWorkspace(self.worker))
        self.digit = self._add(DigitWorkspace(self.worker))
        self.tabs.currentChanged.connect(self._tab_changed)
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
    def _add(self, workspace: W) -> W:
        """A workspace as a tab: its messages go to the banner, its model to the status bar."""
        self.tabs.addTab(workspace, workspace.TITLE)
        self._workspaces.append(workspace)
        workspace.message.connect(self.banner.show_message)
        workspace.model.changed.connect(self._update_status)
        return workspace

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
        for number, mode in enumerate(MODES, start=1):
            key = f"Ctrl+Shift+{number}"
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
        self._action(photo, "&Import weights file…", self.photo.weights_panel.choose_file)
        digit = bar.addMenu("Di&git")
        self._action(digit, "&Open MNIST model…", self.open_digit_model)
        self._action(digit, "Use the &shipped model", self.digit.use_shipped_model)
        self._action(digit, "&Clear canvas", self.digit.canvas.clear)

    def _connect(self) -> None:
        self.photo.framingChanged.connect(lambda m: setattr(self.settings, "framing", m))
        self.photo.padColorChanged.connect(lambda c: setattr(self.settings, "pad_color", c))
        self.digit.penWidthChanged.connect(lambda v: setattr(self.settings, "pen_width", v))
        self.photo.compareRequested.connect(
            lambda: self.status.showMessage("Comparing framings…", 5000)
        )
        self.digit.openModelRequested.connect(self.open_digit_model)

    def _restore(self) -> None:
        s = self.settings
        geometry = s.geometry
        if geometry is not None and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(first_size(self.screen().availableGeometry().size()))
        with contextlib.suppress(ValueError):
            self.photo.set_pad_color(s.pad_color)
        if s.framing in MODES:
            self.photo.set_mode(s.framing)
        self.digit.set_pen_width(s.pen_width)
        self.tabs.setCurrentIndex(s.workspace if s.workspace in (0, 1) else 0)
        self._refresh_recent(s.recent_files())

    def start_models(self) -> None:
        """Ask the worker to load the models, after the window is on screen: first the one
        the visible workspace needs, so its first answer does not wait behind the other."""
        current = self.tabs.currentWidget()
        others = [self.tabs.widget(i) for i in range(self.tabs.count())]
        for workspace in [current, *(w for w in others if w is not current)]:
            workspace.start_model()
        self._update_status()

    # --- inputs ----------------------------------------------------------------------------
    def open_inputs(self, inputs: Inputs) -> None:
        if not inputs:
            self.banner.show_message(
                "Nothing to open: drop or paste image files, a folder, an "
                "image, or a web address of an image."
            )
            return
        self.tabs.setCurrentIndex(PHOTO_TAB)
        for path in inputs.paths:
            if Path(path).is_file():
                self._refresh_recent(self.settings.add_recent(path))
        for url in inputs.urls:
            self.status.showMessage(f"Fetching {url}…", 5000)
        self.photo.open(inputs)

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
            self.digit.load_model(path)

    def set_runtime(self, runtime: str) -> None:
        """Run the models on ``runtime`` from now on (and at the next start)."""
        self.settings.runtime = runtime
        for action in self.runtime_group.actions():
            action.setChecked(action.data() == runtime)
        self.worker.set_runtime(runtime)

    def _tab_changed(self, index: int) -> None:
        self.settings.workspace = index
        self._update_status()

    def _update_status(self) -> None:
        self.status.show_state(self._workspaces[self.tabs.currentIndex()].model.state)

    # --- shutdown --------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.geometry = self.saveGeometry()
        self.settings.sync()
        self.photo.shutdown()
        if not self.worker_thread.stop():
            log.warning("the inference thread did not stop in time")
        super().closeEvent(event)


def schedule_start(window: MainWindow) -> None:
    """Load models once the event loop runs, so the window paints first."""
    QTimer.singleShot(0, window.start_models)
