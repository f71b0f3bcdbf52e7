"""The models a person chose, kept across sessions: a custom digit model, a retrained photo model.

At start each comes back (:meth:`ModelMemory.start`); one that no longer loads (moved, trained on
other weights) is said by its workspace, forgotten, and the shipped digit model or ImageNet's
Inception v3 serves instead. Choices made during the session are written to the settings as
they load.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from inception_desktop.gui.shell.workspaces import DIGIT, PHOTO, Workspace

if TYPE_CHECKING:
    from inception_desktop.gui.shell.main_window import MainWindow


def weights_installed() -> bool:
    """Whether Inception v3's weights are installed (a retrained model needs them too)."""
    from inception_desktop.core.store import weights

    return weights.status().present


class ModelMemory:
    """See the module docstring; wired by the window to its workspaces and the model menu."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.settings = window.settings
        self._digit_restoring: str | None = None  # a custom digit model being restored
        self._photo_restoring: str | None = None  # a retrained model being restored

    def start(self, key: str, workspace: Workspace) -> None:
        """Load ``workspace``'s model: the one remembered for it, if any, else its own."""
        digit_model, photo_model = self.settings.digit_model, self.settings.photo_model
        if key == DIGIT and digit_model and Path(digit_model).is_file():
            self._digit_restoring = digit_model
            self.window.digit.load_model(digit_model)
        elif key == PHOTO and photo_model and weights_installed():
            self._photo_restoring = photo_model
            # the framing the person left stays (it is in the settings, like the model)
            self.window.menus.photo_model_menu.use(photo_model, suggest_framing=False)
        else:
            workspace.start_model()

    def digit_model_changed(self, path: str) -> None:
        """Remember the digit model in use ("" for the shipped one) for the next start."""
        self._digit_restoring = None
        self.settings.digit_model = path

    def digit_model_unavailable(self, _why: str) -> None:
        """A remembered custom model that no longer loads: forgotten; the shipped one serves."""
        if self._digit_restoring is not None:
            self._digit_restoring = None
            self.settings.digit_model = ""
            self.window.digit.use_shipped_model()

    def photo_model_loaded(self, path: str) -> None:
        """Remember the photo model in use ("" for ImageNet) and the menu's list."""
        self._photo_restoring = None
        self.settings.photo_model = path
        self.settings.set_photo_models(self.window.menus.photo_model_menu.recent)

    def photo_model_unavailable(self, _why: str) -> None:
        """A remembered retrained model that no longer loads: forgotten; ImageNet serves."""
        if self._photo_restoring is not None:
            self._photo_restoring = None
            self.settings.photo_model = ""
            self.window.photo.start_model()
