"""Starting the application."""

from __future__ import annotations

import sys


def run_app(files: list[str]) -> int:
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance() or QApplication(sys.argv[:1])
    label = QLabel("Inception Desktop")
    label.show()
    return app.exec()
