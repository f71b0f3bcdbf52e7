"""The main window: it builds the window (the workspaces as tabs, the status bar with its list of
problems), the menus and shortcuts, and takes drops and pastes. It routes no result: each workspace
sends its own requests to the inference worker and shows its own answers and its own model's state,
which the status bar shows for the workspace in front. Adding a workspace is one line in
``__init__``.

Every shortcut is a window-level action in a menu, so it works whatever has focus (a spin box
must not turn Ctrl+Z into "undo the pen width"). Actions that belong to one workspace are enabled
only while it is in front: a disabled action's shortcut does not fire, so the key reaches the
focused widget instead (Delete on the photo strip removes a photo; on the Digit tab it clears the
canvas)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

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
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QTabWidget, QWidget

from inception_desktop.core.photo.framing_modes import MODES
from inception_desktop.core.photo.images import IMAGE_SUFFIXES
from inception_desktop.gui.digit.workspace import DigitWorkspace
from inception_desktop.gui.history.recorder import HistoryRecorder
from inception_desktop.gui.runtime.channel import ModelWatch
from inception_desktop.gui.runtime.mime import Inputs, inputs_from_mime
from inception_desktop.gui.runtime.worker import Factory, WorkerThread
from inception_desktop.gui.shell.model_menu import PhotoModelMenu, fill_retrain_menu
from inception_desktop.gui.shell.problems import Problems, ProblemsButton
from inception_desktop.gui.shell.settings import Settings
from inception_desktop.gui.shell.status_bar import StatusBar
from inception_desktop.gui.widgets.input_view import qimage_to_array

if TYPE_CHECKING:  # imported when first shown: not on the start-up path
    from inception_desktop.gui.batch.workspace import BatchWorkspace
    from inception_desktop.gui.history.view import HistoryDialog
    from inception_desktop.gui.photo.workspace import PhotoWorkspace
    from inception_desktop.gui.retrain.workspace import RetrainWorkspace

log = logging.getLogger(__name__)


class Workspace(Protocol):
    """What the window needs of a workspace (a QWidget): its tab title (no mnemonic), its
    problems (``message``) and short notices (``notice``), the model it follows (a
    :class:`~inception_desktop.gui.runtime.channel.ModelWatch`) and a way to start loading it."""

    TITLE: str
    message: Any  # Signal(str)
    notice: Any  # Signal(str)
    model: ModelWatch

    def start_model(self) -> None: ...


W = TypeVar("W", bound=Workspace)

PHOTO_TAB, DIGIT_TAB, RETRAIN_TAB, BATCH_TAB = 0, 1, 2, 3
RUNTIME_CHOICES = (
    ("auto", "&Automatic (TensorFlow on a GPU, else LiteRT)"),
    ("litert", "&LiteRT on the CPU (fast start)"),
    ("tensorflow", "&TensorFlow"),
)


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
    ) -> None:
        super().__init__()
        self.setWindowTitle("Inception Desktop")
        self.setAcceptDrops(True)
        self.settings = settings or Settings()
        if runtime is not None:
            self.settings.runtime = runtime
        self.worker_thread = WorkerThread(factories, self.settings.runtime)
        self.worker = self.worker_thread.worker
        self.problems = Problems(self)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        # In tab order; None for a workspace made when first shown (see _add_later).
        self._workspaces: list[Workspace | None] = []
        self._titles: list[str] = []
        self._makers: dict[int, Callable[[], Workspace]] = {}
        self._models_started = False
        self._add_later("Photo", self._make_photo)
        self.digit = self._add(DigitWorkspace(self.worker))
        self._add_later("Retrain", self._make_retrain)
        self._add_later("Many Photos", self._make_batch)
        self.setCentralWidget(self.tabs)
        self.status = StatusBar()
        self.problems_button = ProblemsButton(self.problems)
        self.status.addPermanentWidget(self.problems_button)
        self.setStatusBar(self.status)
        self.problems.added.connect(lambda text: self.status.showMessage(text, SHOW_PROBLEM_MS))
        # Every classification (photo, digit, batch) kept in the history, written off-thread.
        self.history = HistoryRecorder(self.worker, self.settings)
        self.history.message.connect(self.problems.add)
        self.history_dialog: HistoryDialog | None = None
        self._remembered_model: str | None = None  # a custom digit model being restored
        self._remembered_photo_model: str | None = None  # a retrained model being restored
        self._build_menus()
        self._connect()
        self._restore()
        self.tabs.currentChanged.connect(self._tab_changed)
        self._tab_changed(self.tabs.currentIndex())  # the workspace in front is made now

    # --- construction ----------------------------------------------------------------------
    def _add(self, workspace: W) -> W:
        """A workspace as a tab: its problems go to the list, its notices and its model to the
        status bar. Tab titles carry no mnemonic: Alt+letter belongs to the menus."""
        self.tabs.addTab(cast(QWidget, workspace), workspace.TITLE.replace("&", ""))
        self._workspaces.append(workspace)
        self._titles.append(workspace.TITLE.replace("&", ""))
        self._wire(workspace)
        return workspace

    def _wire(self, workspace: Workspace) -> None:
        workspace.message.connect(self.problems.add)
        workspace.notice.connect(lambda text: self.status.showMessage(text, NOTICE_MS))
        workspace.model.changed.connect(self._update_status)

    def _add_later(self, title: str, make: Callable[[], Workspace]) -> None:
        """A tab whose workspace is made when first shown or used (``make``): the Photo, Retrain
        and Many Photos workspaces and their modules cost ~0.1 s each at start-up that a person
        who came for another workspace should not wait for (the Photo workspace is made at once
        when the window opens on it, or with photos)."""
        index = self.tabs.addTab(QWidget(), title)
        self._workspaces.append(None)
        self._titles.append(title)
        self._makers[index] = make

    def _realise(self, index: int, start_model: bool = True) -> Workspace | None:
        """The workspace of tab ``index``, made now if it was left for later; its model is
        started then, once the models have been (unless ``start_model`` is False)."""
        if index < 0 or index >= len(self._workspaces):
            return None
        workspace = self._workspaces[index]
        if workspace is None:
            workspace = self._makers.pop(index)()
            self._workspaces[index] = workspace
            self._wire(workspace)
            current = self.tabs.currentIndex()
            blocked = self.tabs.blockSignals(True)
            placeholder = self.tabs.widget(index)
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, cast(QWidget, workspace), self._titles[index])
            self.tabs.setCurrentIndex(current)
            self.tabs.blockSignals(blocked)
            placeholder.deleteLater()
            if self._models_started and start_model:
                self._start_model(workspace)
        return workspace

    def _make_photo(self) -> Workspace:
        from inception_desktop.gui.photo.workspace import PhotoWorkspace

        photo = PhotoWorkspace(self.worker)
        photo.framingChanged.connect(self._framing_changed)
        photo.padColorChanged.connect(lambda c: setattr(self.settings, "pad_color", c))
        photo.photoOpened.connect(self._photo_opened)
        photo.model.unavailable.connect(self._photo_model_unavailable)
        photo.explain_controls.toggled.connect(self.explain_action.setChecked)
        with contextlib.suppress(ValueError):
            photo.set_pad_color(self.settings.pad_color)
        photo.set_mode(self.settings.framing)
        return photo

    def _make_retrain(self) -> Workspace:
        from inception_desktop.gui.retrain.workspace import RetrainWorkspace

        workspace = RetrainWorkspace(self.worker)
        workspace.openPhoto.connect(lambda path: self.open_paths([path]))
        workspace.useModel.connect(self._use_retrained)
        return workspace

    def _make_batch(self) -> Workspace:
        from inception_desktop.gui.batch.workspace import BatchWorkspace

        self._realise(PHOTO_TAB)  # whose model (Inception v3) the batches use
        workspace = BatchWorkspace(self.worker)
        workspace.openRequested.connect(self.open_with_framing)
        return workspace

    @property
    def photo(self) -> PhotoWorkspace:
        return cast("PhotoWorkspace", self._realise(PHOTO_TAB))

    @property
    def retrain(self) -> RetrainWorkspace:
        return cast("RetrainWorkspace", self._realise(RETRAIN_TAB))

    @property
    def batch(self) -> BatchWorkspace:
        return cast("BatchWorkspace", self._realise(BATCH_TAB))

    def _action(self, menu, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, list | tuple):
                action.setShortcuts([QKeySequence(k) for k in shortcut])
            else:
                action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _toggle_action(self, menu, text: str, setter, shortcut: str, tip: str) -> QAction:
        """A checkable action that turns a workspace's toggle button on and off (through
        ``setter``); the button's ``toggled`` is connected to its ``setChecked`` where the
        workspace is made, so it shows the state however it was toggled."""
        action = self._action(menu, text, lambda checked: setter(checked), shortcut, tip)
        action.setCheckable(True)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self._build_file_menu(bar.addMenu("&File"))
        self._build_edit_menu(bar.addMenu("&Edit"))
        self._build_view_menu(bar.addMenu("&View"))
        self._build_photo_menu(bar.addMenu("&Photo"))
        self._build_digit_menu(bar.addMenu("&Digit"))
        self._build_retrain_menu(bar.addMenu("Re&train"))
        self._build_help_menu(bar.addMenu("&Help"))

    def _build_file_menu(self, menu: QMenu) -> None:
        self._action(menu, "&Open Photos…", self.open_dialog, QKeySequence.StandardKey.Open)
        self._action(menu, "Open &Folder…", self.open_folder_dialog, "Ctrl+Shift+O")
        self.recent_menu = menu.addMenu("Open &Recent")
        menu.addSeparator()
        self._action(menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

    def _build_edit_menu(self, menu: QMenu) -> None:
        digit = self.digit
        self.undo_action = self._action(
            menu,
            "&Undo Stroke",
            lambda: digit.undo(),
            QKeySequence.StandardKey.Undo,
            "Take back the last stroke on the digit canvas",
        )
        self.clear_action = self._action(
            menu,
            "C&lear Canvas",
            lambda: digit.clear(),
            ["Delete", "Backspace"],
            "Clear the digit canvas",
        )
        menu.addSeparator()
        self.copy_scores_action = self._action(
            menu,
            "&Copy Scores",
            lambda: self.photo.copy_scores(),
            QKeySequence.StandardKey.Copy,
            "Copy the top-10 scores as text",
        )
        self.copy_input_action = self._action(
            menu,
            "Copy Network &Input",
            lambda: self.photo.copy_input(),
            "Ctrl+Shift+C",
            "Copy the exact 299x299 network input as an image",
        )
        self.copy_box_action = self._action(
            menu,
            "Copy Crop &Box as --box",
            lambda: self.photo.copy_box(),
            None,
            "Copy the crop box in original-image pixels, as the command line's --box X,Y,W,H",
        )
        menu.addSeparator()
        self._action(
            menu,
            "&Paste",
            self.paste,
            QKeySequence.StandardKey.Paste,
            "Open the image, file or web address on the clipboard",
        )
        self.digit_actions = [self.undo_action, self.clear_action]
        self.photo_actions = [self.copy_scores_action, self.copy_input_action, self.copy_box_action]

    def _build_view_menu(self, menu: QMenu) -> None:
        for index, title in enumerate(self._titles):
            self._action(
                menu,
                f"&{title} Workspace",
                lambda _=False, i=index: self.tabs.setCurrentIndex(i),
                f"Ctrl+{index + 1}",
            )
        menu.addSeparator()
        self._action(
            menu,
            "Pro&blems…",
            self.problems_button.show_list,
            "Ctrl+Shift+E",
            "Every problem since start, to read again, copy or clear",
        )
        self._action(
            menu,
            "&History…",
            self.show_history,
            "Ctrl+H",
            "Every classification kept: search, re-open, export, clear",
        )
        self.runtime_menu = menu.addMenu("Run&time")
        self.runtime_group = QActionGroup(self)
        for name, text in RUNTIME_CHOICES:
            action = self.runtime_menu.addAction(text)
            action.setCheckable(True)
            action.setData(name)
            action.setChecked(name == self.settings.runtime)
            action.triggered.connect(lambda _=False, n=name: self.set_runtime(n))
            self.runtime_group.addAction(action)

    def _build_photo_menu(self, menu: QMenu) -> None:
        """The Photo menu: its actions make the Photo workspace if it is not made yet."""
        self.framing_group = QActionGroup(self)
        self.framing_group.setExclusive(True)
        for number, mode in enumerate(MODES, start=1):
            action = self._action(
                menu,
                f"Frame by &{mode.capitalize()}",
                lambda _=False, m=mode: self.photo.set_mode(m),
                f"Ctrl+Shift+{number}",
            )
            action.setCheckable(True)
            action.setData(mode)
            self.framing_group.addAction(action)
        self._action(
            menu,
            "Pad C&olour…",
            lambda: self.photo.choose_pad_color(),
            None,
            "The colour that pads a photo to a square (Pad framing)",
        )
        self._action(
            menu,
            "Clear Crop &Box",
            lambda: self.photo.clear_box(),
            None,
            "Classify the whole photo again",
        )
        self._action(
            menu,
            "Co&mpare Framings",
            lambda: self.photo.compare(),
            "Ctrl+K",
            "Every framing of the photo side by side",
        )
        self.explain_action = self._toggle_action(
            menu,
            "E&xplain",
            lambda on: self.photo.set_explaining(on),
            "Ctrl+E",
            "Heat maps: where the network looked (click a bar to explain that class)",
        )
        self.sweep_action = self._action(
            menu,
            "Framing S&weep",
            lambda: self.photo.sweep(),
            "Ctrl+Shift+K",
            "Classify the photo under many crops, pads and shifts: which change the answer",
        )
        self.photo_actions += [self.explain_action, self.sweep_action]
        menu.addSeparator()
        self._action(
            menu,
            "&Remove Photo",
            lambda: self.photo.remove_photo(self.photo.current),
            tip="Remove the photo shown from the strip (Delete on the strip)",
        )
        self._action(
            menu,
            "Remove &All Photos",
            lambda: self.photo.remove_all(),
            "Ctrl+Shift+Del",
            "Empty the strip",
        )
        menu.addSeparator()
        self.download_action = self._action(
            menu,
            "&Download Inception v3 Weights",
            lambda: self.photo.weights_panel.start_download(),
        )
        self.import_action = self._action(
            menu, "&Import Weights File…", lambda: self.photo.weights_panel.choose_file()
        )
        menu.addSeparator()
        self.photo_model_menu = PhotoModelMenu(
            self.worker, self, recent=self.settings.photo_models()
        )
        menu.addMenu(self.photo_model_menu)

    def _build_digit_menu(self, menu: QMenu) -> None:
        digit = self.digit
        menu.addAction(self.undo_action)
        menu.addAction(self.clear_action)
        menu.addSeparator()
        self._action(menu, "&Open MNIST Model…", self.open_digit_model)
        self._action(menu, "Use the &Shipped Model", digit.use_shipped_model)
        menu.addSeparator()
        self.heat_action = self._toggle_action(
            menu,
            "&Heat Map",
            digit.set_heat,
            "Ctrl+E",
            "Show live which parts of the drawing the answer depends on",
        )
        self.layers_action = self._action(
            menu,
            "Feature &Maps…",
            lambda: digit.show_layers(),
            "Ctrl+Shift+M",
            "The feature maps of each convolutional layer for the current drawing",
        )
        digit.heat_button.toggled.connect(self.heat_action.setChecked)
        self.digit_actions += [self.heat_action, self.layers_action]

    def _build_retrain_menu(self, menu: QMenu) -> None:
        self.retrain_actions = fill_retrain_menu(
            menu, lambda: self.retrain, lambda: self.tabs.setCurrentIndex(RETRAIN_TAB)
        )

    def _build_help_menu(self, menu: QMenu) -> None:
        self._action(
            menu,
            "&Keyboard Shortcuts",
            lambda: _help_texts().show_shortcuts(self),
            QKeySequence.StandardKey.HelpContents,
        )
        self._action(menu, "&Where Files Live", lambda: _help_texts().show_files(self))
        menu.addSeparator()
        self._action(menu, "&About Inception Desktop", lambda: _help_texts().show_about(self))

    def _connect(self) -> None:
        """The digit workspace's and the Photo › Model menu's signals (the Photo workspace's are
        connected where it is made, :meth:`_make_photo`)."""
        self.digit.penWidthChanged.connect(lambda v: setattr(self.settings, "pen_width", v))
        self.digit.openModelRequested.connect(self.open_digit_model)
        self.digit.customModelChanged.connect(self._custom_model_changed)
        self.digit.model.unavailable.connect(self._digit_model_unavailable)
        self.photo_model_menu.chosen.connect(self._photo_model_chosen)
        self.photo_model_menu.framingSuggested.connect(lambda mode: self.photo.set_mode(mode))
        self.photo_model_menu.loaded.connect(self._photo_model_loaded)

    def _restore(self) -> None:
        s = self.settings
        geometry = s.geometry
        if geometry is not None and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(first_size(self.screen().availableGeometry().size()))
        framing = s.framing if s.framing in MODES else MODES[0]
        self._framing_changed(framing)  # the Photo workspace takes it from the settings
        self.digit.set_pen_width(s.pen_width)
        self.tabs.setCurrentIndex(s.workspace if 0 <= s.workspace < self.tabs.count() else 0)
        self._refresh_recent(s.recent_files())

    def start_models(self) -> None:
        """Ask the worker to load the models of the workspaces made so far, after the window is
        on screen: first the one in front, so its first answer does not wait behind another."""
        self._models_started = True  # a workspace made later starts its own when it is made
        current = self._workspaces[self.tabs.currentIndex()]
        made = [w for w in self._workspaces if w is not None and w is not current]
        for workspace in [current, *made]:
            if workspace is not None:
                self._start_model(workspace)
        self._update_status()

    def _start_model(self, workspace: Workspace) -> None:
        """Load ``workspace``'s model. A custom digit model, or retrained photo model, chosen in
        an earlier session is loaded again (the shipped digit model or ImageNet's Inception v3
        if it no longer loads)."""
        remembered = self.settings.digit_model
        retrained = self.settings.photo_model
        if workspace is self.digit and remembered and Path(remembered).is_file():
            self._remembered_model = remembered
            self.digit.load_model(remembered)
        elif workspace is self._workspaces[PHOTO_TAB] and retrained and weights_installed():
            self._remembered_photo_model = retrained
            self.photo_model_menu.use(retrained)
        else:
            workspace.start_model()

    def _photo_model_chosen(self, _path: str) -> None:
        """A photo model asked for in Photo › Model (or by Retrain's Use) before the Photo
        workspace was made: it is made now, before the load starts, so it follows that load
        (and does not start ImageNet's model as well)."""
        self._realise(PHOTO_TAB, start_model=False)

    # --- inputs ----------------------------------------------------------------------------
    def open_inputs(self, inputs: Inputs, here: bool = False) -> None:
        """Open photos in the Photo workspace. ``here``: dropped or pasted on the workspace in
        front, which takes them if it can (a single image on the Digit tab is read as a digit,
        files and folders on the Many Photos tab become a batch). Files given at launch, from a
        file manager, a dialog or Open Recent always go to the Photo workspace."""
        if not inputs:
            self.problems.add(
                "Nothing to open: drop or paste image files, a folder, an "
                "image, or a web address of an image."
            )
            return
        front = self.tabs.currentWidget()
        if here and front is self.digit and not inputs.urls:
            if len(inputs.paths) == 1 and Path(inputs.paths[0]).is_file():
                self.digit.open_image(inputs.paths[0])
                return
            if not inputs.paths and inputs.image is not None:
                self.digit.open_array(qimage_to_array(inputs.image))
                return
        if here and self.tabs.currentIndex() == BATCH_TAB and inputs.paths and not inputs.urls:
            self.batch.open_paths(inputs.paths)  # files and folders dropped there: a batch
            return
        self.tabs.setCurrentWidget(self.photo)
        self.photo.open(inputs)

    def open_paths(self, paths: list[str]) -> None:
        self.open_inputs(Inputs(paths=list(paths)))

    def open_with_framing(self, path: str, framing) -> None:
        """Show one photo in the Photo workspace as it was classified (a batch row, a history
        entry): its framing mode and crop box first, so it is classified once, that way."""
        self.tabs.setCurrentWidget(self.photo)
        self.photo.open_framed(path, framing)

    def show_history(self) -> None:
        """The History window (not modal), read afresh each time it is shown."""
        dialog = self.history_dialog
        if dialog is None:
            from inception_desktop.gui.history.view import HistoryDialog

            dialog = self.history_dialog = HistoryDialog(self.history.store, self.settings, self)
            dialog.reopenRequested.connect(self.open_with_framing)
            dialog.message.connect(self.problems.add)
            self.history.written.connect(dialog.refresh_if_shown)
        dialog.refresh()
        dialog.show()

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
        target = self.tabs.currentWidget()
        highlight = getattr(target, "set_drop_highlight", None)
        if highlight is not None:
            highlight(on)

    # --- recent files, models, settings ------------------------------------------------------
    def _photo_opened(self, path: str) -> None:
        """Only photos that opened reach Open Recent (a broken file would fail there again)."""
        self._refresh_recent(self.settings.add_recent(path))

    def _refresh_recent(self, recent: list[str]) -> None:
        self.recent_menu.clear()
        for path in recent:
            # "&" in a file name is shown, not taken as a mnemonic.
            action = self.recent_menu.addAction(path.replace("&", "&&"))
            action.setData(path)
            action.triggered.connect(lambda _=False, p=path: self.open_paths([p]))
        if recent:
            self.recent_menu.addSeparator()
            clear = self.recent_menu.addAction("&Clear Menu")
            clear.triggered.connect(self.clear_recent)
        self.recent_menu.setEnabled(bool(recent))

    def clear_recent(self) -> None:
        self.settings.clear_recent()
        self._refresh_recent([])

    def open_digit_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open an MNIST model", self.settings.last_folder, "Keras models (*.keras)"
        )
        if path:
            self.settings.last_folder = str(Path(path).parent)
            self.digit.load_model(path)

    def _custom_model_changed(self, path: str) -> None:
        """Remember the digit model in use ("" for the shipped one) for the next start."""
        self._remembered_model = None
        self.settings.digit_model = path

    def _digit_model_unavailable(self, _why: str) -> None:
        """A remembered custom model that no longer loads: say so (the workspace does) and
        fall back to the shipped model, forgetting the choice."""
        if self._remembered_model is not None:
            self._remembered_model = None
            self.settings.digit_model = ""
            self.digit.use_shipped_model()

    def _photo_model_loaded(self, path: str) -> None:
        """Remember the photo model in use ("" for ImageNet) and the menu's list."""
        self._remembered_photo_model = None
        self.settings.photo_model = path
        self.settings.set_photo_models(self.photo_model_menu.recent)

    def _photo_model_unavailable(self, _why: str) -> None:
        """A remembered retrained model that no longer loads (moved, other weights): the
        workspace says why; ImageNet's Inception v3 serves instead and the choice is forgotten."""
        if self._remembered_photo_model is not None:
            self._remembered_photo_model = None
            self.settings.photo_model = ""
            self.photo.start_model()

    def _use_retrained(self, path: str) -> None:
        """Classify photos with a model the Retrain workspace saved: load it, show the photos."""
        self.photo_model_menu.use(path)
        self.tabs.setCurrentWidget(self.photo)

    def _framing_changed(self, mode: str) -> None:
        self.settings.framing = mode
        for action in self.framing_group.actions():
            action.setChecked(action.data() == mode)

    def set_runtime(self, runtime: str) -> None:
        """Run the models on ``runtime`` from now on (and at the next start)."""
        self.settings.runtime = runtime
        for action in self.runtime_group.actions():
            action.setChecked(action.data() == runtime)
        self.worker.set_runtime(runtime)

    def _tab_changed(self, index: int) -> None:
        self._realise(index)
        self.settings.workspace = index
        for action in self.digit_actions:
            action.setEnabled(index == DIGIT_TAB)
        for action in self.photo_actions:
            action.setEnabled(index == PHOTO_TAB)
        self._update_status()

    def _update_status(self) -> None:
        workspace = self._workspaces[self.tabs.currentIndex()]
        if workspace is not None:
            self.status.show_state(workspace.model.state)

    # --- shutdown --------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.geometry = self.saveGeometry()
        self.settings.sync()
        for index in (PHOTO_TAB, RETRAIN_TAB, BATCH_TAB):
            made = self._workspaces[index]
            if made is not None:  # (never shown: nothing to stop)
                cast(Any, made).shutdown()
        if not self.worker_thread.stop():
            log.warning("the inference thread did not stop in time")
        self.history.stop()
        super().closeEvent(event)


def weights_installed() -> bool:
    """Whether Inception v3's weights are installed (a retrained model needs them too)."""
    from inception_desktop.core.store import weights

    return weights.status().present


def _help_texts():
    """The Help windows' module, imported when first asked for: not on the start-up path."""
    from inception_desktop.gui.shell import help_texts

    return help_texts


def schedule_start(window: MainWindow) -> None:
    """Load models once the event loop runs, so the window paints first."""
    QTimer.singleShot(0, window.start_models)
