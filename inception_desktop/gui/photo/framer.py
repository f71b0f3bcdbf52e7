"""How the shown photo is framed for the network: the mode, the pad colour and the crop box.

An object of its own because the framing is the one setting every request of the workspace reads
(the photo's, its thumbnail's, an explanation's, Compare's, Sweep's) and it has many ways in: the
framing bar, a box drawn on the photo, the window's menu and settings, a sweep's row, a history
entry reopened with its box. Each must leave the same state behind: :attr:`Framer.framing` here,
the bar's buttons, the box on the photo and the box label, in step. A box is kept in the original
photo's pixels, as the command line's ``--box`` takes it; the view draws it on the decoded photo,
which may be smaller (``loaded.scale``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy

from inception_desktop.core.photo.framing import DEFAULT_MODE, Box, Framing, parse_color
from inception_desktop.gui.photo.framing_bar import FramingBar
from inception_desktop.gui.photo.image_loader import Photo
from inception_desktop.gui.photo.photo_list import box_argument
from inception_desktop.gui.photo.photo_view import PhotoView


class Framer(QObject):
    """The framing of the photo that ``photo()`` returns, drawn on ``view``. Its widgets (the
    framing ``bar``, ``box_label`` and ``copy_box_button``) are for the workspace's layout."""

    changed = Signal()  # any change: the photo is to be classified again
    modeChanged = Signal(str)
    padColorChanged = Signal(str)  # "#rrggbb"

    def __init__(
        self,
        view: PhotoView,
        photo: Callable[[], Photo | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.framing = Framing(DEFAULT_MODE)
        self._view = view
        self._photo = photo
        #: Crop boxes to put on photos when they are next shown (a history entry reopened).
        self._boxes: dict[str, Box] = {}
        view.boxChanged.connect(self._box_drawn)
        self.bar = FramingBar(self.framing.mode, self.framing.pad_color)
        self.bar.modeChosen.connect(self.set_mode)
        self.bar.padColorPicked.connect(self.set_pad_color)
        self.bar.clearBoxRequested.connect(self.clear_box)
        self.box_label = QLabel("")
        self.box_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.box_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.box_label.setToolTip(
            "The crop box in the original photo's pixels (drag on the photo to draw one)"
        )
        self.copy_box_button = QPushButton("Copy box")
        self.copy_box_button.setToolTip("Copy the box as the command line's --box X,Y,W,H")

    # --- mode and pad colour ---------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        self.framing = replace(self.framing, mode=mode)
        self.bar.show_mode(mode)
        self.modeChanged.emit(mode)
        self.changed.emit()

    def set_pad_color(self, text: str) -> None:
        """Pad with ``text`` (a colour name or ``#rrggbb``; ValueError if it is neither)."""
        self.framing = replace(self.framing, pad_color=parse_color(text))
        self.bar.show_pad_color(self.framing.pad_color)
        self.padColorChanged.emit(self.pad_color_name())
        self.changed.emit()

    def pad_color_name(self) -> str:
        return QColor(*self.framing.pad_color).name()

    def apply(self, framing: Framing) -> None:
        """Use ``framing``'s mode and box (in original pixels; a sweep's row) on the photo."""
        photo = self._photo()
        if photo is None:
            return
        box = framing.box
        self._view.set_box(None if box is None else box.scaled(photo.loaded.scale))
        self.framing = replace(self.framing, mode=framing.mode, box=box)
        self.bar.show_mode(framing.mode)
        self.update_box_label()
        self.modeChanged.emit(framing.mode)
        self.changed.emit()

    # --- the crop box ----------------------------------------------------------------------
    def clear_box(self) -> None:
        """Remove the crop rectangle (the whole photo is classified again)."""
        self._view.clear_box()

    def promise_box(self, key: str, box: Box | None) -> None:
        """Frame the photo ``key`` with ``box`` (or none) when it is next shown."""
        if box is None:
            self._boxes.pop(key, None)
        else:
            self._boxes[key] = box

    def frame(self, photo: Photo) -> None:
        """``photo`` is shown now: its promised box, or none (a box belongs to its photo)."""
        box = self._boxes.pop(photo.key, None)
        self.framing = replace(self.framing, box=box)
        self._view.set_box(box.scaled(photo.loaded.scale) if box is not None else None)
        self.update_box_label()

    def forget_box(self) -> None:
        """No photo is shown: no box either."""
        self.framing = replace(self.framing, box=None)
        self.update_box_label()

    def _box_drawn(self, box: Box | None) -> None:
        photo = self._photo()
        if photo is None:
            return
        # The view draws on the decoded photo; a framing's box is in the original's pixels.
        original = box.scaled(1 / photo.loaded.scale) if box is not None else None
        self.framing = replace(self.framing, box=original)
        self.update_box_label()
        self.changed.emit()

    def box_text(self) -> str:
        """The crop box as the command line's ``--box X,Y,W,H`` ("" without a box)."""
        box = self.framing.box
        return "" if box is None or self._photo() is None else box_argument(box)

    def update_box_label(self) -> None:
        shown = self._photo() is not None
        box = self.framing.box if shown else None
        if box is None:
            self.box_label.setText("No crop box" if shown else "")
        else:
            x, y, w, h = (round(v) for v in (box.x, box.y, box.w, box.h))
            self.box_label.setText(f"Box {x},{y} {w}x{h} px")
        self.copy_box_button.setEnabled(box is not None)
        self.bar.show_box(box is not None)
