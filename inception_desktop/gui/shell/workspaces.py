"""The window's workspaces: what the window needs of each, and their tabs.

A workspace is a QWidget that follows the :class:`Workspace` protocol; the window registers it by
key with a title and a factory, and :class:`WorkspaceTabs` makes it when it is first shown or used
(each costs ~0.1 s of imports at start-up that a person who came for another workspace should not
wait for). Adding a workspace is its package and one :meth:`WorkspaceTabs.register` line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, cast, runtime_checkable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from inception_desktop.gui.runtime.channel import ModelWatch
from inception_desktop.gui.runtime.mime import Inputs

PHOTO, DIGIT, RETRAIN, BATCH = "photo", "digit", "retrain", "batch"


@runtime_checkable
class Workspace(Protocol):
    """What the window needs of a workspace: its tab title (no mnemonic), its problems
    (``message``) and short notices (``notice``), the model it follows (a
    :class:`~inception_desktop.gui.runtime.channel.ModelWatch`), starting that model, taking
    what is dropped or pasted on it, showing that a drop will land there, and stopping its work
    when the window closes."""

    TITLE: str
    message: Any  # Signal(str)
    notice: Any  # Signal(str)
    model: ModelWatch

    def start_model(self) -> None: ...

    def take(self, inputs: Inputs) -> bool:
        """Open what was dropped or pasted on this workspace; False when it cannot (the window
        then opens it as photos)."""
        ...

    def set_drop_highlight(self, on: bool) -> None: ...

    def shutdown(self, ms: int = 5000) -> bool:
        """Stop background work, waiting up to ``ms``; whether it all ended."""
        ...


class WorkspaceTabs(QObject):
    """The workspaces as tabs of ``tabs``, in the order registered, each made when first needed.

    ``made(key, workspace)``: a workspace was just made (the window wires it then)."""

    made = Signal(str, object)

    def __init__(self, tabs: QTabWidget) -> None:
        super().__init__(tabs)
        self.tabs = tabs
        self._keys: list[str] = []
        self._titles: dict[str, str] = {}
        self._made: dict[str, Workspace] = {}
        self._makers: dict[str, Callable[[], Workspace]] = {}

    def register(self, key: str, title: str, make: Callable[[], Any], now: bool = False) -> None:
        """A tab for ``make()``'s workspace; made at once with ``now``, else when first needed.
        Tab titles carry no mnemonic: Alt+letter belongs to the menus."""
        self._keys.append(key)
        self._titles[key] = title.replace("&", "")
        self._makers[key] = make
        self.tabs.addTab(QWidget(), self._titles[key])  # a placeholder until it is made
        if now:
            self.get(key)

    @property
    def keys(self) -> list[str]:
        return list(self._keys)

    def title(self, key: str) -> str:
        return self._titles[key]

    def index(self, key: str) -> int:
        return self._keys.index(key)

    def key_at(self, index: int) -> str | None:
        return self._keys[index] if 0 <= index < len(self._keys) else None

    def current_key(self) -> str | None:
        return self.key_at(self.tabs.currentIndex())

    def made_one(self, key: str | None) -> Workspace | None:
        """The workspace of ``key`` if it was made (never makes one)."""
        return self._made.get(key) if key is not None else None

    def all_made(self) -> list[tuple[str, Workspace]]:
        return [(key, self._made[key]) for key in self._keys if key in self._made]

    def show(self, key: str) -> Workspace:
        workspace = self.get(key)
        self.tabs.setCurrentIndex(self.index(key))
        return workspace

    def get(self, key: str) -> Workspace:
        """The workspace of ``key``, made now (in its tab, the current tab kept) if need be."""
        made = self._made.get(key)
        if made is not None:
            return made
        workspace = self._makers.pop(key)()
        self._made[key] = workspace
        index = self.index(key)
        current = self.tabs.currentIndex()
        blocked = self.tabs.blockSignals(True)
        placeholder = self.tabs.widget(index)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, cast(QWidget, workspace), self._titles[key])
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(blocked)
        placeholder.deleteLater()
        self.made.emit(key, workspace)
        return workspace
