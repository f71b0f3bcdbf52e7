"""Where the window tells a person that something went wrong: a list of problems that keeps every
one of them until the person dismisses it.

The earlier banner showed only the last message (13 of 14 failing photos reached only the log),
vanished after 8 s with no way to read it again, and pushed every control down and back up. Now:

* each problem is kept, with the time it happened (the newest :data:`MAX_PROBLEMS`);
* the status bar shows the newest one for a while (no layout moves: the status bar is always there)
  and a permanent button "⚠ N problems" that opens the whole list;
* the list can be copied (for a bug report) and cleared; clearing hides the button.

Never a modal box with a traceback. A headless run still logs each problem.
"""

from __future__ import annotations

import datetime as _dt
import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger("inception_desktop.messages")

#: How long the newest problem stays in the status bar's message area.
SHOW_MS = 10000
#: The list keeps this many problems (a folder of 10,000 broken files must not grow it forever).
MAX_PROBLEMS = 500


@dataclass(frozen=True)
class Problem:
    when: _dt.datetime
    text: str

    def line(self) -> str:
        return f"{self.when:%H:%M:%S}  {self.text}"


class Problems(QObject):
    """The problems reported since start (or since the person last cleared them)."""

    changed = Signal()
    added = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[Problem] = []
        self.dropped = 0  # the oldest ones let go past MAX_PROBLEMS

    def add(self, text: str) -> None:
        log.warning("%s", text)
        self._items.append(Problem(_dt.datetime.now(), text))
        if len(self._items) > MAX_PROBLEMS:
            del self._items[0]
            self.dropped += 1
        self.added.emit(text)
        self.changed.emit()

    def clear(self) -> None:
        self._items.clear()
        self.dropped = 0
        self.changed.emit()

    def items(self) -> list[Problem]:
        return list(self._items)

    def __len__(self) -> int:
        return len(self._items) + self.dropped

    def text(self) -> str:
        """Every problem kept, one a line, oldest first (what "Copy all" copies)."""
        lines = [p.line() for p in self._items]
        if self.dropped:
            lines.insert(0, f"({self.dropped} older problems not kept)")
        return "\n".join(lines)


class ProblemsButton(QToolButton):
    """ "⚠ 3 problems" in the status bar; hidden while there are none; opens the list."""

    def __init__(self, problems: Problems, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.problems = problems
        self.setAutoRaise(True)
        self.setToolTip("Show every problem since start (or since you cleared the list)")
        self.setStyleSheet("QToolButton { color: #8a3b00; font-weight: bold; }")
        self.dialog: ProblemsDialog | None = None
        self.clicked.connect(self.show_list)
        problems.changed.connect(self._refresh)
        self._refresh()

    def _refresh(self) -> None:
        n = len(self.problems)
        self.setText(f"⚠ {n} problem" + ("" if n == 1 else "s"))
        self.setVisible(n > 0)

    def show_list(self) -> None:
        if self.dialog is None:
            self.dialog = ProblemsDialog(self.problems, self.window())
        self.dialog.refresh()
        if self.dialog.isVisible():  # behind the main window: bring it back to the front
            self.dialog.raise_()
            self.dialog.activateWindow()
        else:
            self.dialog.show()


class ProblemsDialog(QDialog):
    """The whole list: selectable, copyable, clearable; not modal, so work goes on beside it."""

    def __init__(self, problems: Problems, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Problems — Inception Desktop")
        self.problems = problems
        self.summary = QLabel()
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.list.setAlternatingRowColors(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("&Copy all")
        self.clear_button = QPushButton("C&lear list")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.clear_button, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.rejected.connect(self.close)
        self.copy_button.clicked.connect(self.copy_all)
        self.clear_button.clicked.connect(self._clear)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(640, 360)
        problems.changed.connect(self.refresh)

    def refresh(self) -> None:
        self.list.clear()
        for problem in self.problems.items():
            item = QListWidgetItem(problem.line())
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsSelectable)
            self.list.addItem(item)
        self.list.scrollToBottom()
        n = len(self.problems)
        self.summary.setText(
            "No problems." if n == 0 else f"{n} problem{'s' if n != 1 else ''}, newest last:"
        )
        self.copy_button.setEnabled(n > 0)
        self.clear_button.setEnabled(n > 0)

    def copy_all(self) -> None:
        QGuiApplication.clipboard().setText(self.problems.text())

    def _clear(self) -> None:
        self.problems.clear()
        self.close()
