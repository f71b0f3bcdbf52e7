"""Menus for retrained models: the Photo › Model choice, and the Retrain menu's actions.

The Photo workspace classifies with whatever photo model the worker holds; this menu asks the
worker for ImageNet's Inception v3 (``None``) or a retrained model file, through the worker's
photo factory. The choices are exclusive and checked by what actually loaded: a model that fails
to load leaves the previous one checked (and the workspace says why).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from inception_desktop.gui.runtime.requests import ModelKind
from inception_desktop.gui.runtime.worker import InferenceWorker

IMAGENET = "ImageNet (1000 classes)"
#: Retrained models listed under the fixed entries (the most recent first).
MAX_RECENT = 8


class PhotoModelMenu(QMenu):
    """Photo › Model: "ImageNet (1000 classes)", "Open Retrained Model…", then recent models.

    ``chosen(path)`` is emitted ("" for ImageNet) when a choice is asked for; ``current`` is the
    path of the model the worker last loaded for photos (None: ImageNet).
    """

    chosen = Signal(str)
    #: The photo model now serving: its path, "" for ImageNet (the window remembers it).
    loaded = Signal(str)
    #: The framing a retrained model was trained with, once a model chosen now serves: photos
    #: framed otherwise give it inputs it never saw (the CLI says the same as a note). A model
    #: restored at start suggests nothing: the framing the person left is theirs.
    framingSuggested = Signal(str)

    def __init__(
        self,
        worker: InferenceWorker,
        parent: QWidget | None = None,
        title: str = "Mod&el",
        recent: list[str] | None = None,
    ) -> None:
        super().__init__(title, parent)
        self._worker = worker
        self.recent: list[str] = list(recent or [])[:MAX_RECENT]
        self.current: str | None = None
        self._asked: str | None = None
        self._suggest = True  # the load asked for may suggest its framing
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        worker.modelReady.connect(self._ready)
        worker.modelUnavailable.connect(self._unavailable)
        self._rebuild()

    def use(self, path: str | None, suggest_framing: bool = True) -> None:
        """Ask the worker for the photo model at ``path`` (None or "": ImageNet);
        ``suggest_framing``: once it serves, suggest the framing it was trained with."""
        self._suggest = suggest_framing
        path = str(path) if path else None
        if path is not None:
            path = str(Path(path).absolute())
            self.recent = [path, *(p for p in self.recent if p != path)][:MAX_RECENT]
        self._asked = path
        self._rebuild()
        self.chosen.emit(path or "")
        self._worker.load(ModelKind.PHOTO, path)

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.parentWidget(), "Open a retrained model", "", "Retrained models (*.keras)"
        )
        if path:
            self.use(path)

    def checked_path(self) -> str | None:
        action = self.group.checkedAction()
        return action.data() or None if action is not None else None

    def _ready(self, kind: str, _name: str, _device: str) -> None:
        if kind == ModelKind.PHOTO:
            # What the worker loaded, not what was asked last: the Photo workspace reloads
            # ImageNet itself when weights are installed.
            loaded = self._worker.loaded_path(ModelKind.PHOTO)
            self.current = self._asked = str(loaded) if loaded else None
            self._rebuild()
            self.loaded.emit(self.current or "")
            mode = _trained_framing(self.current) if self.current and self._suggest else None
            self._suggest = True
            if mode:
                self.framingSuggested.emit(mode)

    def _unavailable(self, kind: str, _why: str) -> None:
        if kind == ModelKind.PHOTO and self._asked != self.current:
            self._asked = self.current  # the previous model still serves
            self._rebuild()

    def _rebuild(self) -> None:
        self.clear()
        for action in self.group.actions():
            self.group.removeAction(action)
        self._choice(IMAGENET.replace("ImageNet", "&ImageNet"), "")
        opener = QAction("&Open Retrained Model…", self)
        opener.triggered.connect(self.open_dialog)
        self.addAction(opener)
        if self.recent:
            self.addSeparator()
        for n, path in enumerate(self.recent, start=1):
            # "&" in a file name is shown, not taken as a mnemonic; numbers are the mnemonics.
            self._choice(f"&{n} {Path(path).name.replace('&', '&&')}", path)

    def _choice(self, text: str, path: str) -> QAction:
        action = QAction(text, self)
        action.setCheckable(True)
        action.setData(path)
        action.setToolTip(path or IMAGENET)
        action.setChecked((path or None) == self.current)
        action.triggered.connect(lambda _=False, p=path: self.use(p))
        self.group.addAction(action)
        self.addAction(action)
        return action


def _trained_framing(path: str) -> str | None:
    """The framing mode in a retrained model's card (a small JSON member: read here), or None."""
    from inception_desktop.core.models.mnist_file import ModelFileError, read_metadata
    from inception_desktop.core.training.retrain.model_file import MAX_HEAD_BYTES

    try:
        framing = read_metadata(path, max_bytes=MAX_HEAD_BYTES).get("framing") or {}
    except (ModelFileError, OSError):
        return None
    mode = framing.get("mode") if isinstance(framing, dict) else None
    return mode if isinstance(mode, str) else None


def fill_retrain_menu(menu: QMenu, workspace: Callable[[], QWidget], show) -> list[QAction]:
    """The Retrain menu's actions on ``workspace()`` (a RetrainWorkspace, made when first
    needed); each first brings it to the front (``show()``), so a dialog opens over the step
    it belongs to."""
    items = (
        ("Choose &Data Folder…", "choose_data_folder", "A folder with one subfolder per class"),
        ("&Add Class Folder…", "choose_class_folder", "Add one folder of photos as a class"),
        ("&Compute Features", "compute_features", "Inception v3's features of every photo"),
        ("&Train", "train", "Train the classifier head on the features"),
        ("&Save Model…", "choose_save_path", "Save the head with its model card (.keras)"),
        ("&Use in Photo Workspace", "use_in_photo", "Classify photos with the new classes"),
        ("&Export .tflite…", "choose_export_path", "Inception v3 + head as one LiteRT file"),
    )
    actions = []
    for text, method, tip in items:
        action = QAction(text, menu)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(lambda _=False, m=method: (show(), getattr(workspace(), m)()))
        menu.addAction(action)
        actions.append(action)
    return actions
