"""A strip of the photos opened so far, each captioned with its top-1 label; click to show one.

It holds thumbnails only (never the photos themselves), so a thousand photos cost a thousand small
icons. Delete (or the context menu's Remove) asks to remove the current photo; Remove all asks to
empty the strip; Copy path and Show input ask about the photo under the pointer. The workspace
decides; the strip only shows. A focus frame says when the keys (arrows, Delete) act on the strip.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QAction, QIcon, QImage, QKeyEvent, QKeySequence, QPainter, QPixmap
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QMenu, QWidget

THUMB = 64
#: The caption of a photo whose top-1 label is not known yet.
PENDING = "…"


#: The strip's frame: a highlight-coloured border while it has the keyboard focus.
STYLE = """
ThumbnailStrip { border: 2px solid transparent; }
ThumbnailStrip:focus { border: 2px solid palette(highlight); }
"""


class ThumbnailStrip(QListWidget):
    chosen = Signal(int)
    removeRequested = Signal(int)  # row
    removeAllRequested = Signal()
    copyPathRequested = Signal(int)  # row
    showInputRequested = Signal(int)  # row

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setGridSize(QSize(THUMB + 44, THUMB + self.fontMetrics().height() + 12))
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)  # layout of a thousand items without measuring each
        # One row: never a vertical scroll bar; the horizontal one only when the photos overflow,
        # with its height reserved so it does not cover the captions when it appears.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setHorizontalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.setStyleSheet(STYLE)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        bar = self.style().pixelMetric(self.style().PixelMetric.PM_ScrollBarExtent)
        self.setFixedHeight(self.gridSize().height() + bar + 8)
        self.setMinimumWidth(2 * (THUMB + 44))
        self.currentRowChanged.connect(self._changed)

        self.remove_action = QAction("&Remove", self)
        self.remove_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.remove_action.triggered.connect(self._remove_current)
        self.addAction(self.remove_action)
        self.remove_all_action = QAction("Remove &all", self)
        self.remove_all_action.triggered.connect(self.removeAllRequested)
        self.copy_path_action = QAction("&Copy path", self)
        self.copy_path_action.triggered.connect(lambda: self._ask(self.copyPathRequested))
        self.show_input_action = QAction("Show &input…", self)
        self.show_input_action.triggered.connect(lambda: self._ask(self.showInputRequested))
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)

    def insert(self, row: int, thumbnail: QImage, tooltip: str, caption: str = PENDING) -> None:
        """Insert a photo's (already small) thumbnail at ``row``, centred in a square icon."""
        item = QListWidgetItem(QIcon(square_icon(thumbnail)), caption)
        item.setToolTip(tooltip)
        self.insertItem(row, item)

    def remove(self, row: int) -> None:
        item = self.takeItem(row)
        del item  # takeItem hands ownership back: the item goes with its wrapper

    def set_caption(self, row: int, text: str) -> None:
        item = self.item(row)
        if item is not None:
            item.setText(text if len(text) <= 16 else text[:15] + "…")

    def caption(self, row: int) -> str:
        item = self.item(row)
        return item.text() if item is not None else ""

    def _changed(self, row: int) -> None:
        if row >= 0:
            self.chosen.emit(row)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Delete reaches here when the shortcut map did not take it (e.g. events sent directly).
        if event.matches(QKeySequence.StandardKey.Delete):
            self._remove_current()
        else:
            super().keyPressEvent(event)

    def _remove_current(self) -> None:
        if self.currentRow() >= 0:
            self.removeRequested.emit(self.currentRow())

    def _ask(self, signal) -> None:
        if self.currentRow() >= 0:
            signal.emit(self.currentRow())

    def context_menu(self, pos: QPoint) -> QMenu:
        """The menu for ``pos`` (viewport coordinates): the photo there becomes current."""
        item = self.itemAt(pos)
        if item is not None:
            self.setCurrentItem(item)
        for action in (self.remove_action, self.copy_path_action, self.show_input_action):
            action.setEnabled(item is not None)
        self.remove_all_action.setEnabled(self.count() > 0)
        menu = QMenu(self)
        menu.addAction(self.show_input_action)
        menu.addAction(self.copy_path_action)
        menu.addSeparator()
        menu.addAction(self.remove_action)
        menu.addAction(self.remove_all_action)
        menu.aboutToHide.connect(self._enable_actions)
        return menu

    def _context_menu(self, pos: QPoint) -> None:
        menu = self.context_menu(pos)
        menu.exec(self.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def _enable_actions(self) -> None:
        for action in (self.remove_action, self.copy_path_action, self.show_input_action):
            action.setEnabled(True)


def square_icon(thumbnail: QImage) -> QPixmap:
    """``thumbnail`` scaled to fit :data:`THUMB` and centred on a transparent square: every
    icon of the strip has one size, so a tall photo neither narrows its neighbours (the items
    are laid out at one uniform size) nor sets its caption at another height."""
    thumb = thumbnail
    if max(thumb.width(), thumb.height()) > THUMB:
        thumb = thumb.scaled(
            THUMB,
            THUMB,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    square = QPixmap(THUMB, THUMB)
    square.fill(Qt.GlobalColor.transparent)
    painter = QPainter(square)
    painter.drawImage((THUMB - thumb.width()) // 2, (THUMB - thumb.height()) // 2, thumb)
    painter.end()
    return square
