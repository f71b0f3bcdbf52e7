"""Starting the application: the window first, everything slow afterwards on other threads."""

from __future__ import annotations

import os
import sys
from importlib import resources
from typing import cast

from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from inception_desktop.core.models import precision as precisions
from inception_desktop.gui.runtime.bindings import binding_problem
from inception_desktop.gui.runtime.garbage_collector import GarbageCollector
from inception_desktop.gui.runtime.mime import Inputs
from inception_desktop.gui.shell.main_window import MainWindow, schedule_start

#: The freedesktop name of the application: its .desktop file (packaging/linux) and its icon.
DESKTOP_NAME = "inception-desktop"
#: The icon's sizes shipped as PNG (resources/icons), beside the SVG.
ICON_SIZES = (16, 32, 48, 64, 128, 256)


def app_icon() -> QIcon:
    """The application's icon from the package's resources: every PNG size (crisp in a title
    bar and a task switcher alike), or an empty icon when they are missing."""
    icon = QIcon()
    folder = resources.files("inception_desktop.resources").joinpath("icons")
    for size in ICON_SIZES:
        png = folder.joinpath(f"{DESKTOP_NAME}-{size}.png")
        if png.is_file():
            icon.addFile(str(png))
    return icon


def identify(app: QGuiApplication) -> None:
    """Name the application and give its windows the icon; the desktop file name is what a
    Wayland compositor or a task bar matches with the installed .desktop entry (its icon, its
    name, and the windows grouped under it)."""
    app.setApplicationName("Inception Desktop")
    app.setOrganizationName("Inception Desktop")
    QGuiApplication.setDesktopFileName(DESKTOP_NAME)
    QGuiApplication.setWindowIcon(app_icon())


def inputs_from_arguments(files: list[str]) -> Inputs:
    """What the command line names, as the window opens it: local paths made absolute (a recent
    file must work from any folder), web addresses as URLs, ``file://`` URLs (what some file
    managers pass) as the local paths they name."""
    inputs = Inputs()
    for text in files:
        lower = text.lower()
        if lower.startswith(("http://", "https://")):
            inputs.urls.append(text)
        elif lower.startswith("file://"):
            inputs.paths.append(QUrl(text).toLocalFile())
        else:
            inputs.paths.append(os.path.abspath(text))
    return inputs


def run_app(files: list[str], runtime: str | None = None, precision: str | None = None) -> int:
    """Open the window; ``runtime`` and ``precision`` (from ``--runtime``, ``--precision`` or
    ``$INCEPTION_DESKTOP_PRECISION``) override the saved settings."""
    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))
    identify(app)
    problem = binding_problem()
    if problem is not None:
        # Refuse now, with what to install, rather than abort mid-session and lose the user's work.
        print(f"inception-desktop: {problem}", file=sys.stderr)
        QMessageBox.critical(None, "Inception Desktop cannot start", problem)
        return 1
    collector = GarbageCollector(app)  # before any thread starts
    window = MainWindow(runtime=runtime, precision=_precision(precision))
    window.show()
    if files:
        window.open_inputs(inputs_from_arguments(files))
    schedule_start(window)
    code = app.exec()
    collector.stop()
    return code


def _precision(chosen: str | None) -> str | None:
    """``--precision``, else ``$INCEPTION_DESKTOP_PRECISION`` (None: the saved choice); an
    unknown name is said on stderr and left out."""
    if chosen is None and not os.environ.get(precisions.ENV):
        return None
    try:
        return precisions.resolve(chosen)
    except precisions.PrecisionChoiceError as exc:
        print(f"inception-desktop: {exc}", file=sys.stderr)
        return None
