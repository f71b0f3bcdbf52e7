"""Starting the application: the window first, everything slow afterwards on other threads."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from inception_desktop.gui.garbage_collector import GarbageCollector
from inception_desktop.gui.main_window import MainWindow, schedule_start


def run_app(files: list[str]) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Inception Desktop")
    app.setOrganizationName("Inception Desktop")
    collector = GarbageCollector(app)  # before any thread starts
    window = MainWindow()
    window.show()
    if files:
        window.open_paths(files)
    schedule_start(window)
    code = app.exec()
    collector.stop()
    return code
