"""The Help menu's windows: keyboard shortcuts, where files live, about.

The shortcut list is read from the window's own menus when it opens, so it cannot drift from the
shortcuts that really work; the file list asks the core where it keeps things.
"""

from __future__ import annotations

import html
import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QSettings, Qt, qVersion
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox, QWidget

from inception_desktop import __version__
from inception_desktop.core.store import paths, weights

#: Keys that work inside a workspace without a menu item (the menus list the rest).
WORKSPACE_KEYS = (
    ("Photo strip", "Delete", "Remove the selected photo"),
    ("Photo strip", "Left / Right, Home / End", "Show another photo"),
    ("Photo", "Drag on the photo", "Draw a crop box; drag its inside to move it"),
    ("Digit canvas", "[ and ]", "A thinner or a thicker pen"),
    ("Digit canvas", "Esc", "Close the Feature maps window, else clear the canvas (Ctrl+Z undoes)"),
    ("Anywhere", "Alt + underlined letter", "Open a menu"),
)


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(menu, keys, action) for every menu action with a shortcut, in menu order."""
    rows: list[tuple[str, str, str]] = []
    seen: set[int] = set()  # an action in two menus (Undo Stroke) is listed once

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            sub = action.menu()
            if isinstance(sub, QMenu):
                walk(sub, f"{path} › {sub.title().replace('&', '')}")
                continue
            if id(action) in seen:
                continue
            seen.add(id(action))
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
            if keys:
                text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
                rows.append((path, " or ".join(keys), text.rstrip("…")))

    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu):
            walk(menu, menu.title().replace("&", ""))
    return rows


def shortcuts_html(window: QMainWindow) -> str:
    rows = [*shortcut_rows(window), *WORKSPACE_KEYS]
    cells = "".join(
        f"<tr><td>{html.escape(where)}</td><td><b>{html.escape(keys)}</b></td>"
        f"<td>{html.escape(what)}</td></tr>"
        for where, keys, what in rows
    )
    return (
        "<table cellspacing=0 cellpadding=3><tr><th align=left>Where</th>"
        f"<th align=left>Keys</th><th align=left>Does</th></tr>{cells}</table>"
    )


def files_html() -> str:
    """Where the app keeps things, with the environment variable that moves each."""
    status = weights.status()
    if status.problem:
        state = f"damaged: {status.problem} (Photo › Download Inception v3 Weights repairs it)"
    elif status.present:
        state = f"installed ({status.origin})"
    else:
        state = "not installed yet (Photo › Download Inception v3 Weights)"
    from inception_desktop.core.batch import history
    from inception_desktop.core.training.retrain import cache

    rows = [
        ("Cache (downloads, converted models)", str(paths.cache_dir()), paths.CACHE_ENV),
        ("Inception v3 weights", f"{weights.weights_path()} — {state}", ""),
        ("Retraining's features (computed once per photo)", str(cache.default_root()), ""),
        ("History of classifications", str(history.default_path()), history.DATA_ENV),
        ("Settings", QSettings().fileName(), ""),
    ]
    cells = "".join(
        f"<tr><td>{html.escape(what)}</td><td><code>{html.escape(where)}</code>"
        + (f"<br><small>moved by ${html.escape(env)}</small>" if env else "")
        + "</td></tr>"
        for what, where, env in rows
    )
    return f"<table cellspacing=0 cellpadding=4>{cells}</table>"


def _show(parent: QWidget, title: str, text: str) -> None:
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(text)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.setModal(False)
    box.show()


def show_shortcuts(window: QMainWindow) -> None:
    _show(window, "Keyboard shortcuts", shortcuts_html(window))


def show_files(window: QMainWindow) -> None:
    _show(window, "Where files live", files_html())


def show_about(window: QMainWindow) -> None:
    _show(
        window,
        "About Inception Desktop",
        f"<h3>Inception Desktop {html.escape(__version__)}</h3>"
        "<p>Classify photos with Inception v3 (ImageNet, 299x299), one at a time or a folder "
        "at once (Many Photos), and hand-drawn digits with an MNIST model trained by this "
        "project; retrain Inception v3 on classes of your own photos and use the result; see "
        "the exact network input, every preprocessing step and where the network looked; "
        "every classification is kept in a searchable history.</p>"
        f"<p><small>Python {sys.version.split()[0]} · Qt {qVersion()} · "
        f"PySide6 {pyside_version}</small></p>",
    )
