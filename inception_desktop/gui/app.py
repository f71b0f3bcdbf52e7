"""Starting the application: the window first, everything slow afterwards on other threads."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from inception_desktop.gui.bindings import binding_problem
from inception_desktop.gui.garbage_collector import GarbageCollector
from inception_desktop.gui.main_window import MainWindow, schedule_start


def run_app(files: list[str], runtime: str | None = None) -> int:
    """Open the window; ``runtime`` (from ``--runtime``) overrides the saved setting once."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Inception Desktop")
    app.setOrganizationName("Inception Desktop")
    problem = binding_problem()
    if problem is not None:
        # Refuse now, with what to install, rather than abort mid-session and lose the user's work.
        print(f"inception-desktop: {problem}", file=sys.stderr)
        QMessageBox.critical(None, "Inception Desktop cannot start", problem)
        return 1
    collector = GarbageCollector(app)  # before any thread starts
    window = MainWindow(runtime=runtime)
    window.show()
    if files:
        window.open_paths(files)
    schedule_start(window)
    code = app.exec()
    collector.stop()
    return code
