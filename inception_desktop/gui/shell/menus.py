"""The window's menus: every shortcut is an action here, so it works whatever has focus.

A spin box must not turn Ctrl+Z into "undo the pen width": each key is a window-level action.
Actions that belong to one workspace are enabled only while it is in front (:meth:`Menus.
workspace_shown`): a disabled action's shortcut does not fire, so the key reaches the focused
widget instead (Delete on the photo strip removes a photo; on the Digit tab it clears the canvas).
Help › Keyboard Shortcuts reads its table from these menus, so it cannot drift from them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu

from inception_desktop.core.photo.framing_modes import MODES
from inception_desktop.gui.shell.model_menu import PhotoModelMenu, fill_retrain_menu
from inception_desktop.gui.shell.workspaces import DIGIT, PHOTO, RETRAIN
from inception_desktop.gui.widgets.live_bar import choose_video

if TYPE_CHECKING:
    from inception_desktop.gui.shell.main_window import MainWindow

RUNTIME_CHOICES = (
    ("auto", "&Automatic (TensorFlow on a GPU, else LiteRT)"),
    ("litert", "&LiteRT on the CPU (fast start)"),
    ("tensorflow", "&TensorFlow"),
)
#: View › Precision: the float32 models, or their int8 twins (core.models.precision).
PRECISION_CHOICES = (
    ("fp32", "&Float32 (exact)"),
    ("int8", "&Int8 (faster on the CPU; Photo › Precision Check shows what it costs)"),
)


def _help_texts() -> Any:
    """The Help windows' module, imported when first asked for: not on the start-up path."""
    from inception_desktop.gui.shell import help_texts

    return help_texts


def _play(window: MainWindow, play: Callable[[str], Any]) -> None:
    """Choose a video file (from the last folder used) and ``play`` it."""
    path = choose_video(window, window.settings.last_folder)
    if path is not None:
        window.settings.last_folder = str(Path(path).parent)
        play(path)


def _check_folder(window: MainWindow) -> None:
    """Choose a folder (from the last one used) and run Precision Check over its photos."""
    from PySide6.QtWidgets import QFileDialog

    folder = QFileDialog.getExistingDirectory(
        window, "Precision Check: choose a folder of photos", window.settings.last_folder or ""
    )
    if folder:
        window.settings.last_folder = folder
        window.photo.precision_check(folder)


class Menus:
    """Builds the menu bar of ``window`` and keeps its actions (tests and the window use them).

    The Photo menu's actions make the Photo workspace if it is not made yet (``window.photo``)."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.by_workspace: dict[str, list[QAction]] = {PHOTO: [], DIGIT: []}
        bar = window.menuBar()
        self._file(bar.addMenu("&File"))
        self._edit(bar.addMenu("&Edit"))
        self._view(bar.addMenu("&View"))
        self._photo(bar.addMenu("&Photo"))
        self._digit(bar.addMenu("&Digit"))
        self.retrain_actions = fill_retrain_menu(
            bar.addMenu("Re&train"),
            lambda: window.retrain,
            lambda: window.workspaces.show(RETRAIN),
        )
        self._help(bar.addMenu("&Help"))

    def workspace_shown(self, key: str | None) -> None:
        """Enable the actions of the workspace in front, and only those."""
        for owner, actions in self.by_workspace.items():
            for action in actions:
                action.setEnabled(owner == key)

    # --- helpers ---------------------------------------------------------------------------
    def action(
        self, menu: QMenu, text: str, slot: Callable[..., Any], shortcut: Any = None, tip: str = ""
    ) -> QAction:
        action = QAction(text, self.window)
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

    def toggle(
        self, menu: QMenu, text: str, setter: Callable[[bool], Any], shortcut: str | None, tip: str
    ) -> QAction:
        """A checkable action that turns a workspace's toggle button on and off (through
        ``setter``); the button's ``toggled`` is connected to its ``setChecked`` where the
        workspace is made, so it shows the state however it was toggled."""
        action = self.action(menu, text, lambda checked: setter(checked), shortcut, tip)
        action.setCheckable(True)
        return action

    # --- the menus -------------------------------------------------------------------------
    def _file(self, menu: QMenu) -> None:
        w = self.window
        self.action(menu, "&Open Photos…", w.open_dialog, QKeySequence.StandardKey.Open)
        self.action(menu, "Open &Folder…", w.open_folder_dialog, "Ctrl+Shift+O")
        self.recent_menu = menu.addMenu("Open &Recent")
        menu.addSeparator()
        self.action(menu, "&Quit", w.close, QKeySequence.StandardKey.Quit)

    def _edit(self, menu: QMenu) -> None:
        w = self.window
        self.undo_action = self.action(
            menu, "&Undo Stroke", lambda: w.digit.undo(), QKeySequence.StandardKey.Undo,
            "Take back the last stroke on the digit canvas",
        )  # fmt: skip
        self.clear_action = self.action(
            menu, "C&lear Canvas", lambda: w.digit.clear(), ["Delete", "Backspace"],
            "Clear the digit canvas",
        )  # fmt: skip
        menu.addSeparator()
        self.copy_scores_action = self.action(
            menu, "&Copy Scores", lambda: w.photo.copy_scores(), QKeySequence.StandardKey.Copy,
            "Copy the top-10 scores as text",
        )  # fmt: skip
        self.copy_input_action = self.action(
            menu, "Copy Network &Input", lambda: w.photo.copy_input(), "Ctrl+Shift+C",
            "Copy the exact 299x299 network input as an image",
        )  # fmt: skip
        self.copy_box_action = self.action(
            menu, "Copy Crop &Box as --box", lambda: w.photo.copy_box(), None,
            "Copy the crop box in original-image pixels, as the command line's --box X,Y,W,H",
        )  # fmt: skip
        menu.addSeparator()
        self.action(
            menu, "&Paste", w.paste, QKeySequence.StandardKey.Paste,
            "Open the image, file or web address on the clipboard",
        )  # fmt: skip
        self.by_workspace[DIGIT] += [self.undo_action, self.clear_action]
        self.by_workspace[PHOTO] += [
            self.copy_scores_action, self.copy_input_action, self.copy_box_action,
        ]  # fmt: skip

    def _view(self, menu: QMenu) -> None:
        w = self.window
        for number, key in enumerate(w.workspaces.keys, start=1):
            self.action(
                menu,
                f"&{w.workspaces.title(key)} Workspace",
                lambda _=False, k=key: w.workspaces.show(k),
                f"Ctrl+{number}",
            )
        menu.addSeparator()
        self.action(
            menu, "Pro&blems…", w.problems_button.show_list, "Ctrl+Shift+E",
            "Every problem since start, to read again, copy or clear",
        )  # fmt: skip
        self.action(
            menu, "&History…", w.show_history, "Ctrl+H",
            "Every classification kept: search, re-open, export, clear",
        )  # fmt: skip
        self.runtime_menu = menu.addMenu("Run&time")
        self.runtime_group = QActionGroup(w)
        for name, text in RUNTIME_CHOICES:
            action = self.runtime_menu.addAction(text)
            action.setCheckable(True)
            action.setData(name)
            action.setChecked(name == w.settings.runtime)
            action.triggered.connect(lambda _=False, n=name: w.set_runtime(n))
            self.runtime_group.addAction(action)
        self.precision_menu = menu.addMenu("Pre&cision")
        self.precision_group = QActionGroup(w)
        for name, text in PRECISION_CHOICES:
            action = self.precision_menu.addAction(text)
            action.setCheckable(True)
            action.setData(name)
            action.setChecked(name == w.settings.precision)
            action.triggered.connect(lambda _=False, n=name: w.set_precision(n))
            self.precision_group.addAction(action)

    def _photo(self, menu: QMenu) -> None:
        w = self.window
        self.framing_group = QActionGroup(w)
        self.framing_group.setExclusive(True)
        for number, mode in enumerate(MODES, start=1):
            action = self.action(
                menu,
                f"Frame by &{mode.capitalize()}",
                lambda _=False, m=mode: w.photo.set_mode(m),
                f"Ctrl+Shift+{number}",
            )
            action.setCheckable(True)
            action.setData(mode)
            self.framing_group.addAction(action)
        self.action(
            menu, "Pad C&olour…", lambda: w.photo.choose_pad_color(), None,
            "The colour that pads a photo to a square (Pad framing)",
        )  # fmt: skip
        self.action(
            menu, "Clear Crop &Box", lambda: w.photo.clear_box(), None,
            "Classify the whole photo again",
        )  # fmt: skip
        self.action(
            menu, "Co&mpare Framings", lambda: w.photo.compare(), "Ctrl+K",
            "Every framing of the photo side by side",
        )  # fmt: skip
        self.explain_action = self.toggle(
            menu, "E&xplain", lambda on: w.photo.set_explaining(on), "Ctrl+E",
            "Heat maps: where the network looked (click a bar to explain that class)",
        )  # fmt: skip
        self.sweep_action = self.action(
            menu, "Framing S&weep", lambda: w.photo.sweep(), "Ctrl+Shift+K",
            "Classify the photo under many crops, pads and shifts: which change the answer",
        )  # fmt: skip
        self.precision_check_action = self.action(
            menu, "Precision Chec&k…", lambda: w.photo.precision_check(), None,
            "The photo model's float32 and int8 answers on the photos in the strip: agreement, "
            "score differences, speed and size, and the photos that change",
        )  # fmt: skip
        self.precision_folder_action = self.action(
            menu, "Precision Check of a &Folder…", lambda: _check_folder(w), None,
            "The same check over a folder of photos and its subfolders, without opening them",
        )  # fmt: skip
        self.unknown_action = self.toggle(
            menu, "Answer &Unknown Below Its Threshold", lambda on: w.photo.set_answer_unknown(on),
            None, "A retrained model answers 'unknown' when its calibrated confidence is below the "
            "threshold its card stores: for photos of none of its classes",
        )  # fmt: skip
        self.photo_camera_action = self.action(
            menu, "&Live Camera", lambda: w.photo.start_camera(), "Ctrl+Shift+L",
            "Classify what the camera sees, live (the camera chosen last; pick another in the bar)",
        )  # fmt: skip
        self.photo_video_action = self.action(
            menu, "Play &Video…", lambda: _play(w, w.photo.play_video), None,
            "Classify a video file as it plays, as from a camera (pause, step, snapshot)",
        )  # fmt: skip
        self.by_workspace[PHOTO] += [
            self.explain_action, self.sweep_action, self.precision_check_action,
            self.precision_folder_action, self.unknown_action, self.photo_camera_action,
            self.photo_video_action,
        ]  # fmt: skip
        menu.addSeparator()
        self.action(
            menu, "&Remove Photo", lambda: w.photo.remove_photo(w.photo.current),
            tip="Remove the photo shown from the strip (Delete on the strip)",
        )  # fmt: skip
        self.action(
            menu, "Remove &All Photos", lambda: w.photo.remove_all(), "Ctrl+Shift+Del",
            "Empty the strip",
        )  # fmt: skip
        menu.addSeparator()
        self.download_action = self.action(
            menu, "&Download Inception v3 Weights", lambda: w.photo.weights_panel.start_download()
        )
        self.import_action = self.action(
            menu, "&Import Weights File…", lambda: w.photo.weights_panel.choose_file()
        )
        menu.addSeparator()
        self.photo_model_menu = PhotoModelMenu(w.worker, w, recent=w.settings.photo_models())
        menu.addMenu(self.photo_model_menu)

    def _digit(self, menu: QMenu) -> None:
        w = self.window
        digit = w.digit
        menu.addAction(self.undo_action)
        menu.addAction(self.clear_action)
        menu.addSeparator()
        self.action(menu, "&Open MNIST Model…", w.open_digit_model)
        self.action(menu, "Use the &Shipped Model", digit.use_shipped_model)
        menu.addSeparator()
        self.heat_action = self.toggle(
            menu, "&Heat Map", digit.set_heat, "Ctrl+E",
            "Show live which parts of the drawing the answer depends on",
        )  # fmt: skip
        self.layers_action = self.action(
            menu, "Feature &Maps…", lambda: digit.show_layers(), "Ctrl+Shift+M",
            "The feature maps of each convolutional layer for the current drawing",
        )  # fmt: skip
        digit.heat_button.toggled.connect(self.heat_action.setChecked)
        menu.addSeparator()
        self.digit_camera_action = self.action(
            menu, "Live &Camera", lambda: digit.camera.start_camera(), "Ctrl+Shift+L",
            "Read a digit written on paper through the camera, live",
        )  # fmt: skip
        self.digit_video_action = self.action(
            menu, "Play &Video…", lambda: _play(w, digit.camera.play), None,
            "Read the digits of a video file as it plays",
        )  # fmt: skip
        self.by_workspace[DIGIT] += [
            self.heat_action, self.layers_action, self.digit_camera_action,
            self.digit_video_action,
        ]  # fmt: skip

    def _help(self, menu: QMenu) -> None:
        w = self.window
        self.action(
            menu, "&Keyboard Shortcuts", lambda: _help_texts().show_shortcuts(w),
            QKeySequence.StandardKey.HelpContents,
        )  # fmt: skip
        self.action(menu, "&Where Files Live", lambda: _help_texts().show_files(w))
        menu.addSeparator()
        self.action(menu, "&About Inception Desktop", lambda: _help_texts().show_about(w))
