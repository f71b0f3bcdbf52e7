"""File › Open Recent: the photos that opened, newest first, kept in the settings."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMenu

from inception_desktop.gui.shell.settings import Settings


class RecentFiles:
    """Fills ``menu`` from ``settings``; a click opens the file through ``open_paths``."""

    def __init__(
        self, menu: QMenu, settings: Settings, open_paths: Callable[[list[str]], None]
    ) -> None:
        self.menu, self.settings, self.open_paths = menu, settings, open_paths
        self.refresh(settings.recent_files())

    def opened(self, path: str) -> None:
        """Only photos that opened reach the menu (a broken file would fail there again)."""
        self.refresh(self.settings.add_recent(path))

    def clear(self) -> None:
        self.settings.clear_recent()
        self.refresh([])

    def refresh(self, recent: list[str]) -> None:
        self.menu.clear()
        for path in recent:
            # "&" in a file name is shown, not taken as a mnemonic.
            action = self.menu.addAction(path.replace("&", "&&"))
            action.setData(path)
            action.triggered.connect(lambda _=False, p=path: self.open_paths([p]))
        if recent:
            self.menu.addSeparator()
            self.menu.addAction("&Clear Menu").triggered.connect(self.clear)
        self.menu.setEnabled(bool(recent))
