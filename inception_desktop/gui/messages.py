"""One way to tell a person something: a banner that closes itself, and the log.

Never a modal box with a traceback. Tests read ``Banner.text()``; a headless run still logs.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

log = logging.getLogger("inception_desktop.messages")

SHOW_MS = 8000


class Banner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet(
            "QLabel { background: #fff3cd; color: #664d03; padding: 6px;"
            " border: 1px solid #ffecb5; border-radius: 4px; }"
        )
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def show_message(self, text: str, error: bool = True) -> None:
        (log.warning if error else log.info)("%s", text)
        self.setText(text)
        self.show()
        self._timer.start(SHOW_MS)
