"""The Retrain workspace's Audit step: what the photos say about themselves, and fixing it.

Audit runs the core's audit (:func:`inception_desktop.core.audit.run.audit`, the one the command
line runs) on the data chosen in the Data step; the page shows the map and the findings as lists
(suspected mislabels, duplicates, outliers), several selectable at once. Selected photos move to
another class folder or are set aside — renames on the same disk, logged, with Undo for the last
move and Undo All for the session (:class:`~inception_desktop.core.audit.moves.Fixes`). After a
move the data is read again: the workspace's features and findings are stale until recomputed.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from inception_desktop.gui.retrain.audit_map import PALETTE, AuditMap

PATHS_ROLE = Qt.ItemDataRole.UserRole
SUGGESTED_ROLE = Qt.ItemDataRole.UserRole + 1


def _name(path: str) -> str:
    p = Path(path)
    return f"{p.parent.name}/{p.name}"


class AuditPage(QWidget):
    """See the module docstring. ``photoChosen(path)``: a photo clicked on the map or
    double-clicked in a list; ``moveAsked(paths, class)`` ("" to set aside); ``undoAsked(all)``."""

    photoChosen = Signal(str)
    moveAsked = Signal(list, str)
    undoAsked = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.audit_button = QPushButton("Audit the Photos")
        self.audit_button.setToolTip(
            "Find photos that look misfiled, duplicated, leaking into validation, or unlike the "
            "others (features are cached: a second audit is quick)"
        )
        self.cancel_button = QPushButton("Cancel")
        self.progress = QProgressBar()
        self.progress.setFormat("%v of %m")
        self.status = QLabel("Choose the data first, then audit it before training.")
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        for widget in (self.audit_button, self.cancel_button):
            top.addWidget(widget)
        top.addWidget(self.progress, 1)
        self.map = AuditMap()
        self.map.photoChosen.connect(self.photoChosen)
        self.suspects = self._list("Suspected mislabels")
        self.duplicates = self._list("Duplicates")
        self.outliers = self._list("Outliers")
        self.lists = QTabWidget()
        self.lists.addTab(self.suspects, "Mislabels")
        self.lists.addTab(self.duplicates, "Duplicates")
        self.lists.addTab(self.outliers, "Outliers")
        self.legend = QLabel("")
        self.legend.setAccessibleName("Map legend")
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.map, 1)
        column.addWidget(self.legend)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.lists)
        split.setSizes([500, 400])
        self.target = QComboBox()
        self.target.setToolTip("The class folder the selected photos move to")
        self.move_button = QPushButton("Move to Class")
        self.aside_button = QPushButton("Set Aside")
        self.aside_button.setToolTip("Move the selected photos to a folder beside the data")
        self.undo_button = QPushButton("Undo Move")
        self.undo_all_button = QPushButton("Undo All Moves")
        self.move_button.clicked.connect(lambda: self._move(self.target.currentText()))
        self.aside_button.clicked.connect(lambda: self._move(""))
        self.undo_button.clicked.connect(lambda: self.undoAsked.emit(False))
        self.undo_all_button.clicked.connect(lambda: self.undoAsked.emit(True))
        fix = QHBoxLayout()
        fix.addWidget(QLabel("Selected:"))
        for control in (self.target, self.move_button, self.aside_button):
            fix.addWidget(control)
        fix.addStretch(1)
        fix.addWidget(self.undo_button)
        fix.addWidget(self.undo_all_button)
        self.to_features_button = QPushButton("Next: Features")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(split, 1)
        layout.addLayout(fix)
        layout.addWidget(self.to_features_button, 0, Qt.AlignmentFlag.AlignRight)
        self.update_enabled(False, False, False, 0, True)

    def _list(self, name: str) -> QListWidget:
        widget = QListWidget()
        widget.setAccessibleName(name)
        widget.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        widget.itemSelectionChanged.connect(self._selection_changed)
        widget.itemDoubleClicked.connect(
            lambda item: self.photoChosen.emit(item.data(PATHS_ROLE)[0])
        )
        return widget

    # --- showing ------------------------------------------------------------------------------
    def show_audit(self, result: Any) -> None:
        """Fill the map and the lists from a core ``Audit``."""
        self.suspects.clear()
        self.duplicates.clear()
        self.outliers.clear()
        for s in result.suspects:
            self._add(self.suspects, f"{_name(s.path)}: filed as {s.given}, looks like "
                      f"{s.suggested} ({s.confidence:.0%})", [s.path], s.suggested)  # fmt: skip
        for d in result.duplicates:
            a, b = d.paths
            self._add(self.duplicates, f"{d.kind}: {_name(a)} = {_name(b)} ({d.similarity:.3f})",
                      [a, b])  # fmt: skip
        for o in result.outliers:
            self._add(self.outliers, f"{_name(o.path)}: {o.reason}", [o.path])
        self.lists.setTabText(0, f"Mislabels ({len(result.suspects)})")
        self.lists.setTabText(1, f"Duplicates ({len(result.duplicates)})")
        self.lists.setTabText(2, f"Outliers ({len(result.outliers)})")
        self.map.show_points(
            result.points, result.labels, result.paths, result.classes,
            {s.path for s in result.suspects}, {o.path for o in result.outliers},
        )  # fmt: skip
        self.target.clear()
        self.target.addItems(list(result.classes))
        self.legend.setText(
            "Map: "
            + " · ".join(
                f'<span style="color:{PALETTE[n % len(PALETTE)]}">●</span> {html.escape(name)}'
                for n, name in enumerate(result.classes)
            )
            + " · red ring: suspected mislabel · black ring: outlier"
        )
        counts = ", ".join(f"{name} {n}" for name, n in result.counts().items())
        self.status.setText(
            f"{len(result.paths)} photos ({counts}): {len(result.suspects)} suspected "
            f"mislabels, {len(result.duplicates)} duplicate pairs, {len(result.outliers)} "
            "outliers. Select some to move them to another class or set them aside."
        )

    def _add(self, widget: QListWidget, text: str, paths: list[str], suggested: str = "") -> None:
        item = QListWidgetItem(text)
        item.setData(PATHS_ROLE, paths)
        item.setData(SUGGESTED_ROLE, suggested)
        item.setToolTip("\n".join(paths))
        widget.addItem(item)

    def selected_paths(self) -> list[str]:
        """The photos selected in the list in front (a duplicate pair: its second photo, the
        copy; the first stays)."""
        widget = self.lists.currentWidget()
        assert isinstance(widget, QListWidget)
        out: list[str] = []
        for item in widget.selectedItems():
            paths = item.data(PATHS_ROLE)
            chosen = paths[-1]
            if chosen not in out:
                out.append(chosen)
        return out

    def _selection_changed(self) -> None:
        self.map.select(self.selected_paths())
        widget = self.lists.currentWidget()
        if isinstance(widget, QListWidget):  # suspects: move them where the others say
            suggested = {item.data(SUGGESTED_ROLE) for item in widget.selectedItems()}
            if len(suggested) == 1 and (name := suggested.pop()):
                self.target.setCurrentText(name)
        self._update_fix_buttons()

    def _move(self, to_class: str) -> None:
        paths = self.selected_paths()
        if paths:
            self.moveAsked.emit(paths, to_class)

    def update_enabled(
        self, busy: bool, has_data: bool, auditing: bool, undoable: int, can_move: bool
    ) -> None:
        self._busy, self._can_move = busy, can_move
        self.audit_button.setEnabled(has_data and not busy)
        self.cancel_button.setEnabled(auditing)
        self.undo_button.setEnabled(undoable > 0 and not busy)
        self.undo_all_button.setEnabled(undoable > 0 and not busy)
        self._update_fix_buttons()

    def _update_fix_buttons(self) -> None:
        ok = bool(self.selected_paths()) and not getattr(self, "_busy", False)
        can_move = getattr(self, "_can_move", True)
        for button in (self.move_button, self.aside_button):
            button.setEnabled(ok and can_move)
            button.setToolTip("" if can_move else "Moves need the data as one folder of classes")
