"""The Photo workspace's framing row: a button per framing mode, the pad colour, Clear box and
Compare.

A widget of its own so that the workspace holds what is framed (its :class:`Framing`) and this
row only how it is chosen: the row emits what a person asked for and shows what the workspace
tells it (:meth:`FramingBar.show_mode`, :meth:`FramingBar.show_pad_color`,
:meth:`FramingBar.show_box`). The pad colour's dialog applies the colour under the pointer live
and puts the old one back on Cancel, through the same ``padColorPicked`` signal.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QButtonGroup, QColorDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from inception_desktop.core.photo.framing import MODES

# Mnemonics: Alt+F/E/V/P/D/H belong to the menus.
LABELS = {"squash": "S&quash", "crop": "&Crop", "pad": "P&ad"}
TIPS = {
    "squash": "Resize the whole photo to a square, distorting it",
    "crop": "Take the largest centred square",
    "pad": "Pad to a square with the pad colour (nothing lost, nothing distorted)",
}


class FramingBar(QWidget):
    """Framing: [Squash] [Crop] [Pad]  [Pad colour…] [Clear box]  [Compare]."""

    modeChosen = Signal(str)  # a mode button clicked
    padColorPicked = Signal(str)  # "#rrggbb": chosen, under the dialog's pointer, or restored
    clearBoxRequested = Signal()
    compareRequested = Signal()

    def __init__(
        self, mode: str, pad_color: tuple[int, int, int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.color_dialog: QColorDialog | None = None
        self._pad_color = "#000000"
        self.mode_group = QButtonGroup(self)
        self.mode_buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Framing:"))
        for name in MODES:
            button = QPushButton(LABELS[name])
            button.setCheckable(True)
            button.setToolTip(TIPS[name])
            button.clicked.connect(lambda _=False, m=name: self.modeChosen.emit(m))
            self.mode_group.addButton(button)
            self.mode_buttons[name] = button
            row.addWidget(button)
        self.mode_buttons[mode].setChecked(True)
        self.color_button = QPushButton("Pad colour…")
        self.color_button.clicked.connect(lambda: self.choose_pad_color())
        row.addWidget(self.color_button)
        self.clear_box_button = QPushButton("Clear box")
        self.clear_box_button.setToolTip("Remove the crop rectangle (Esc on the photo)")
        self.clear_box_button.clicked.connect(self.clearBoxRequested)
        row.addWidget(self.clear_box_button)
        row.addSpacing(12)
        self.compare_button = QPushButton("Compare")
        self.compare_button.setToolTip("Classify the photo under every framing, side by side")
        self.compare_button.clicked.connect(self.compareRequested)
        row.addWidget(self.compare_button)
        row.addStretch(1)
        self.show_pad_color(pad_color)

    def show_mode(self, mode: str) -> None:
        self.mode_buttons[mode].setChecked(True)

    def show_pad_color(self, rgb: tuple[int, int, int]) -> None:
        """The button's swatch and tooltip show ``rgb``, the colour in use."""
        self._pad_color = QColor(*rgb).name()
        pixmap = QPixmap(16, 16)
        pixmap.fill(QColor(*rgb))
        self.color_button.setIcon(QIcon(pixmap))
        self.color_button.setToolTip(
            f"The colour that pads a photo to a square (Pad framing): {self._pad_color}"
        )

    def show_box(self, present: bool) -> None:
        """Clear box is offered only while there is a box to clear."""
        self.clear_box_button.setEnabled(present)

    def choose_pad_color(self) -> None:
        """A colour dialog whose choice applies live (the network input follows the colour under
        the pointer); Cancel puts the colour back as it was. A second call raises the open one."""
        if self.color_dialog is not None:
            self.color_dialog.raise_()
            return
        before = self._pad_color
        dialog = QColorDialog(QColor(before), self)
        dialog.setWindowTitle("Pad colour")
        dialog.currentColorChanged.connect(self._preview)
        dialog.colorSelected.connect(lambda colour: self.padColorPicked.emit(colour.name()))
        dialog.rejected.connect(lambda: self.padColorPicked.emit(before))
        dialog.finished.connect(self._dialog_closed)
        self.color_dialog = dialog
        dialog.open()
        if self.keep_visible is not None:
            beside(dialog, self.keep_visible)

    #: The widget the colour dialog must not cover (the network input it previews live).
    keep_visible: QWidget | None = None

    def _preview(self, colour: QColor) -> None:
        if colour.isValid():
            self.padColorPicked.emit(colour.name())

    def _dialog_closed(self) -> None:
        if self.color_dialog is not None:
            self.color_dialog.deleteLater()
        self.color_dialog = None


def beside(dialog: QWidget, target: QWidget) -> None:
    """Move ``dialog`` (shown) next to ``target`` on the same screen, top-aligned with it: to
    its left where there is room, else to its right, else below it."""
    width, height = dialog.frameGeometry().width(), dialog.frameGeometry().height()
    shown = QRect(target.mapToGlobal(QPoint(0, 0)), target.size())
    screen = (target.screen() or dialog.screen()).availableGeometry()
    gap = 12
    top = max(screen.top(), min(shown.top(), screen.bottom() - height))
    if shown.left() - gap - width >= screen.left():
        dialog.move(shown.left() - gap - width, top)
    elif shown.right() + gap + width <= screen.right():
        dialog.move(shown.right() + gap, top)
    else:
        left = max(screen.left(), min(shown.left(), screen.right() - width))
        dialog.move(left, min(shown.bottom() + gap, screen.bottom() - height))
