"""What the filter leaves of Many Photos' table, said where the person looks.

A filter that hides rows changes what Export, Copy Rows and Copy into Class Folders take (the
rows shown), so the count is always beside the filters ("12 of 50 shown") and a filter that
keeps nothing says so over the empty table instead of leaving it blank.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QTableView, QVBoxLayout

NO_MATCH = "No row matches the filter: change or clear it to see the {total} rows."


class ShownCount(QObject):
    """Keeps ``label`` and the table's empty-filter message in step with ``proxy``."""

    def __init__(self, proxy: QSortFilterProxyModel, table: QTableView) -> None:
        super().__init__(table)
        self._proxy = proxy
        self.label = QLabel("")
        self.label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.empty = QLabel("", table.viewport())
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.hide()
        overlay = QVBoxLayout(table.viewport())
        overlay.addWidget(self.empty)
        for signal in (
            proxy.rowsInserted,
            proxy.rowsRemoved,
            proxy.modelReset,
            proxy.layoutChanged,
        ):
            signal.connect(self.update)
        self.update()

    def filtered(self) -> bool:
        """Rows are hidden by the filter now."""
        source = self._proxy.sourceModel()
        return source is not None and self._proxy.rowCount() < source.rowCount()

    def text(self) -> str:
        """ " 12 of 50 shown (Export and Copy take these)", or "" when every row is shown."""
        if not self.filtered():
            return ""
        total = self._proxy.sourceModel().rowCount()
        return f"{self._proxy.rowCount()} of {total} shown (Export and Copy take these)"

    def update(self, *_args: object) -> None:
        self.label.setText(self.text())
        total = self._proxy.sourceModel().rowCount() if self._proxy.sourceModel() else 0
        nothing = total > 0 and self._proxy.rowCount() == 0
        self.empty.setText(NO_MATCH.format(total=total) if nothing else "")
        self.empty.setVisible(nothing)
