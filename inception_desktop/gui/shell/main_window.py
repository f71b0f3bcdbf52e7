"""The main window: the workspaces as tabs, the menus, the status bar with its list of problems,
and what comes in from outside (drops, pastes, open dialogs). It routes no result: each workspace
sends its own requests to the inference worker and shows its own answers and its own model's
state, which the status bar shows for the workspace in front.

The parts live beside it: :mod:`.workspaces` (the protocol and the tabs, made when first
needed), :mod:`.menus` (every action and shortcut), :mod:`.model_memory` (models chosen in an
earlier session), :mod:`.recent` (Open Recent), :mod:`.problems`, :mod:`.status_bar`.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMainWindow, QTabWidget

from inception_desktop.core.models import conversion
from inception_desktop.core.models.precision import FP32, INT8
from inception_desktop.core.models.runtime import AUTO, TENSORFLOW
from inception_desktop.core.photo.framing_modes import MODES
from inception_desktop.core.photo.images import IMAGE_SUFFIXES
from inception_desktop.gui.digit.workspace import DigitWorkspace
from inception_desktop.gui.history.recorder import HistoryRecorder
from inception_desktop.gui.runtime.mime import Inputs, inputs_from_mime
from inception_desktop.gui.runtime.worker import Factory, WorkerThread
from inception_desktop.gui.shell.menus import Menus
from inception_desktop.gui.shell.model_memory import ModelMemory
from inception_desktop.gui.shell.problems import Problems, ProblemsButton
from inception_desktop.gui.shell.recent import RecentFiles
from inception_desktop.gui.shell.settings import Settings
from inception_desktop.gui.shell.status_bar import StatusBar
from inception_desktop.gui.shell.workspaces import (
    BATCH,
    DIGIT,
    PHOTO,
    RETRAIN,
    Workspace,
    WorkspaceTabs,
)

if TYPE_CHECKING:  # imported when first shown: not on the start-up path
    from inception_desktop.gui.batch.workspace import BatchWorkspace
    from inception_desktop.gui.history.view import HistoryDialog
    from inception_desktop.gui.photo.workspace import PhotoWorkspace
    from inception_desktop.gui.retrain.workspace import RetrainWorkspace

log = logging.getLogger(__name__)

#: How long a problem and a workspace's notice stay in the status bar's message area.
SHOW_PROBLEM_MS = 10000
NOTICE_MS = 5000
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
        precision: str | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle("Inception Desktop")
        self.setAcceptDrops(True)
        self.settings = settings or Settings()
        if runtime is not None:
            self.settings.runtime = runtime
        if precision is not None:
            self.settings.precision = precision
        # Conversions for LiteRT (new weights, a user's MNIST file) need TensorFlow: they run as
        # 'inception-desktop convert' in child processes, and this process never imports it.
        conversion.convert_in_child_processes()
        self.worker_thread = WorkerThread(factories, self.settings.runtime, self.settings.precision)
        self.worker = self.worker_thread.worker
        self.problems = Problems(self)
        self.status = StatusBar()
        self.problems_button = ProblemsButton(self.problems)
        self.status.addPermanentWidget(self.problems_button)
        self.setStatusBar(self.status)
        self.problems.added.connect(lambda text: self.status.showMessage(text, SHOW_PROBLEM_MS))
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.models_started = False
        self._start_when_made = True
        self.memory = ModelMemory(self)
        self.workspaces = WorkspaceTabs(self.tabs)
        self.workspaces.made.connect(self._made)
        self.workspaces.register(PHOTO, "Photo", self._make_photo)
        self.workspaces.register(DIGIT, "Digit", self._make_digit, now=True)
        self.workspaces.register(RETRAIN, "Retrain", self._make_retrain)
        self.workspaces.register(BATCH, "Many Photos", self._make_batch)
        # Every classification (photo, digit, batch) kept in the history, written off-thread.
        self.history = HistoryRecorder(self.worker, self.settings)
        self.history.message.connect(self.problems.add)
        self.history_dialog: HistoryDialog | None = None
        self.menus = Menus(self)
        self.recent = RecentFiles(self.menus.recent_menu, self.settings, self.open_paths)
        model_menu = self.menus.photo_model_menu
        model_menu.chosen.connect(self._photo_model_chosen)
        model_menu.framingSuggested.connect(self._framing_suggested)
        model_menu.loaded.connect(self.memory.photo_model_loaded)
        self._restore()
        self.tabs.currentChanged.connect(self._tab_changed)
        self._tab_changed(self.tabs.currentIndex())  # the workspace in front is made now

    # --- the workspaces --------------------------------------------------------------------
    def _made(self, key: str, workspace: Workspace) -> None:
        """A workspace just made: its problems go to the list, its notices and its model to the
        status bar; its model starts if the models have (see :meth:`start_models`)."""
        workspace.message.connect(self.problems.add)
        workspace.notice.connect(lambda text: self.status.showMessage(text, NOTICE_MS))
        workspace.model.changed.connect(self._update_status)
        if self.models_started and self._start_when_made:
            self.memory.start(key, workspace)

    def _make_photo(self) -> PhotoWorkspace:
        from inception_desktop.gui.photo.workspace import PhotoWorkspace

        photo = PhotoWorkspace(self.worker)
        photo.framingChanged.connect(self._framing_changed)
        photo.padColorChanged.connect(lambda c: setattr(self.settings, "pad_color", c))
        photo.photoOpened.connect(lambda path: self.recent.opened(path))
        photo.model.unavailable.connect(self.memory.photo_model_unavailable)
        photo.explain_controls.toggled.connect(self.menus.explain_action.setChecked)
        photo.camera.camera = self.settings.camera
        photo.camera.cameraChosen.connect(lambda i: setattr(self.settings, "camera", i))
        with contextlib.suppress(ValueError):
            photo.set_pad_color(self.settings.pad_color)
        photo.set_mode(self.settings.framing)
        return photo

    def _make_digit(self) -> DigitWorkspace:
        digit = DigitWorkspace(self.worker)
        digit.penWidthChanged.connect(lambda v: setattr(self.settings, "pen_width", v))
        digit.openModelRequested.connect(self.open_digit_model)
        digit.customModelChanged.connect(self.memory.digit_model_changed)
        digit.camera.camera = self.settings.camera
        digit.camera.cameraChosen.connect(lambda i: setattr(self.settings, "camera", i))
        digit.model.unavailable.connect(self.memory.digit_model_unavailable)
        return digit

    def _make_retrain(self) -> RetrainWorkspace:
        from inception_desktop.gui.retrain.workspace import RetrainWorkspace

        workspace = RetrainWorkspace(self.worker)
        workspace.openPhoto.connect(lambda path: self.open_paths([path]))
        workspace.useModel.connect(self._use_retrained)
        return workspace

    def _make_batch(self) -> BatchWorkspace:
        from inception_desktop.gui.batch.workspace import BatchWorkspace

        self.workspaces.get(PHOTO)  # whose model (Inception v3) the batches use
        workspace = BatchWorkspace(self.worker)
        workspace.openRequested.connect(self.open_with_framing)
        return workspace

    @property
    def photo(self) -> PhotoWorkspace:
        return cast("PhotoWorkspace", self.workspaces.get(PHOTO))

    @property
    def digit(self) -> DigitWorkspace:
        return cast(DigitWorkspace, self.workspaces.get(DIGIT))

    @property
    def retrain(self) -> RetrainWorkspace:
        return cast("RetrainWorkspace", self.workspaces.get(RETRAIN))

    @property
    def batch(self) -> BatchWorkspace:
        return cast("BatchWorkspace", self.workspaces.get(BATCH))

    def _restore(self) -> None:
        s = self.settings
        geometry = s.geometry
        if geometry is not None and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(first_size(self.screen().availableGeometry().size()))
        self._framing_changed(s.framing if s.framing in MODES else MODES[0])
        self.digit.set_pen_width(s.pen_width)
        self.tabs.setCurrentIndex(s.workspace if 0 <= s.workspace < self.tabs.count() else 0)

    def start_models(self) -> None:
        """Ask the worker to load the models of the workspaces made so far, after the window is
        on screen: first the one in front, so its first answer does not wait behind another."""
        self.models_started = True  # a workspace made later starts its own when it is made
        front = self.workspaces.current_key()
        made = sorted(self.workspaces.all_made(), key=lambda pair: pair[0] != front)
        for key, workspace in made:
            self.memory.start(key, workspace)
        self._update_status()

    def _photo_model_chosen(self, _path: str) -> None:
        """A photo model asked for in Photo › Model (or by Retrain's Use) before the Photo
        workspace was made: it is made now, before the load starts, so it follows that load
        (and does not start ImageNet's model as well)."""
        self._start_when_made = False
        try:
            self.workspaces.get(PHOTO)
        finally:
            self._start_when_made = True

    # --- inputs ----------------------------------------------------------------------------
    def open_inputs(self, inputs: Inputs, here: bool = False) -> None:
        """Open photos in the Photo workspace. ``here``: dropped or pasted on the workspace in
        front, which takes them if it can (:meth:`Workspace.take`: a single image on the Digit
        tab is read as a digit, files and folders on Many Photos become a batch). Files given at
        launch, from a file manager, a dialog or Open Recent always go to the Photo workspace."""
        if not inputs:
            self.problems.add(
                "Nothing to open: drop or paste image files, a folder, an "
                "image, or a web address of an image."
            )
            return
        front = self.workspaces.made_one(self.workspaces.current_key())
        if here and front is not None and front.take(inputs):
            return
        self.workspaces.show(PHOTO)
        self.photo.open(inputs)

    def open_paths(self, paths: list[str]) -> None:
        self.open_inputs(Inputs(paths=list(paths)))

    def open_with_framing(self, path: str, framing) -> None:
        """Show one photo in the Photo workspace as it was classified (a batch row, a history
        entry): its framing mode and crop box first, so it is classified once, that way."""
        self.workspaces.show(PHOTO)
        self.photo.open_framed(path, framing)

    def open_dialog(self) -> None:
        patterns = " ".join(f"*{s}" for s in IMAGE_SUFFIXES)
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Open photos", self.settings.last_folder, f"Images ({patterns});;All files (*)"
        )
        if paths:
            self.settings.last_folder = str(Path(paths[0]).parent)
            self.open_paths(paths)

    def open_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Open a folder of photos", self.settings.last_folder
        )
        if folder:
            self.settings.last_folder = folder
            self.open_paths([folder])

    def open_digit_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open an MNIST model", self.settings.last_folder, "Keras models (*.keras)"
        )
        if path:
            self.settings.last_folder = str(Path(path).parent)
            self.digit.load_model(path)

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        self.open_inputs(inputs_from_mime(mime) if mime is not None else Inputs(), here=True)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if inputs_from_mime(event.mimeData()):
            event.acceptProposedAction()
            self._drop_highlight(True)

    def dragMoveEvent(self, event) -> None:
        event.acceptProposedAction()

    def dragLeaveEvent(self, event) -> None:
        self._drop_highlight(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self._drop_highlight(False)
        inputs = inputs_from_mime(event.mimeData())
        if inputs:
            event.acceptProposedAction()
        self.open_inputs(inputs, here=True)

    def _drop_highlight(self, on: bool) -> None:
        """Show where a drop will land: the workspace in front takes it."""
        front = self.workspaces.made_one(self.workspaces.current_key())
        if front is not None:
            front.set_drop_highlight(on)

    # --- the rest ------------------------------------------------------------------------------
    def show_history(self) -> None:
        """The History window (not modal), read afresh each time it is shown."""
        dialog = self.history_dialog
        if dialog is None:
            from inception_desktop.gui.history.view import HistoryDialog

            dialog = self.history_dialog = HistoryDialog(self.history.store, self.settings, self)
            dialog.reopenRequested.connect(self._reopen)
            dialog.message.connect(self.problems.add)
            self.history.written.connect(dialog.refresh_if_shown)
        dialog.refresh()
        dialog.show()

    def _reopen(self, path: str, framing, record) -> None:
        """A history entry re-opened: its photo, framed as it was; and, when the photo model in
        use is not the one that classified it then, a word saying so (its scores will differ,
        and a retrained model's classes are not ImageNet's)."""
        self.open_with_framing(path, framing)
        now = self.photo.model.state.name
        if record.model and record.model != now and self.history_dialog is not None:
            then = f"{record.label} {record.top[0][1]:.1%}" if record.top else "an error"
            note = (
                f"Classified by {now} now. The entry was {then} by {record.model}: "
                "choose that model in Photo › Model to see its answer again."
            )
            self.history_dialog.note.setText(note)
            self.status.showMessage(note, NOTICE_MS)

    def _framing_suggested(self, mode: str) -> None:
        """A retrained model chosen now frames photos as it was trained: said when it changes
        the framing in use."""
        if mode != self.photo.mode:
            self.photo.set_mode(mode)
            self.status.showMessage(
                f"Framing set to {mode.capitalize()}: the model was trained on photos framed so",
                NOTICE_MS,
            )

    def _use_retrained(self, path: str) -> None:
        """Classify photos with a model the Retrain workspace saved: load it, show the photos."""
        self.menus.photo_model_menu.use(path)
        self.workspaces.show(PHOTO)

    def _framing_changed(self, mode: str) -> None:
        self.settings.framing = mode
        for action in self.menus.framing_group.actions():
            action.setChecked(action.data() == mode)

    def set_runtime(self, runtime: str) -> None:
        """Run the models on ``runtime`` from now on (and at the next start)."""
        self.settings.runtime = runtime
        for action in self.menus.runtime_group.actions():
            action.setChecked(action.data() == runtime)
        self.worker.set_runtime(runtime)
        if runtime == TENSORFLOW and self.settings.precision == INT8:
            self.set_precision(FP32)  # int8 is a LiteRT model

    def set_precision(self, precision: str) -> None:
        """Run the models in ``precision`` (fp32 or int8) from now on (and at the next start);
        int8 runs on LiteRT, so TensorFlow chosen by hand gives way to Automatic."""
        self.settings.precision = precision
        for action in self.menus.precision_group.actions():
            action.setChecked(action.data() == precision)
        if precision == INT8 and self.settings.runtime == TENSORFLOW:
            self.set_runtime(AUTO)
        self.worker.set_precision(precision)

    def _tab_changed(self, index: int) -> None:
        key = self.workspaces.key_at(index)
        if key is not None:
            self.workspaces.get(key)
        self.settings.workspace = index
        self.menus.workspace_shown(key)
        self._update_status()

    def _update_status(self) -> None:
        workspace = self.workspaces.made_one(self.workspaces.current_key())
        if workspace is not None:
            self.status.show_state(workspace.model.state)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.geometry = self.saveGeometry()
        self.settings.sync()
        for _, workspace in self.workspaces.all_made():  # (one never shown has nothing to stop)
            workspace.shutdown()
        if not self.worker_thread.stop():
            log.warning("the inference thread did not stop in time")
        self.history.stop()
        super().closeEvent(event)


def schedule_start(window: MainWindow) -> None:
    """Load models once the event loop runs, so the window paints first."""
    QTimer.singleShot(0, window.start_models)
