"""The Photo workspace: photos in, Inception v3's top-10 out, with crop-and-pad experiments.

Every change (another photo, framing, pad colour, crop rectangle) sends a new request; the worker
keeps only the newest per source and this view shows only the answer to the request it sent last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QColorDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from inception_desktop.core.framing import DEFAULT_MODE, MODES, Framing, parse_color
from inception_desktop.gui.image_loader import Photo
from inception_desktop.gui.input_view import InputView
from inception_desktop.gui.photo_view import PhotoView
from inception_desktop.gui.requests import CompareRequest, Failure, PhotoRequest, PhotoResult
from inception_desktop.gui.score_bars import ScoreBars
from inception_desktop.gui.thumbnail_strip import PENDING, ThumbnailStrip
from inception_desktop.gui.weights_panel import WeightsPanel

LABELS = {"squash": "S&quash", "crop": "&Crop", "pad": "&Pad"}
TIPS = {
    "squash": "Resize the whole photo to a square, distorting it",
    "crop": "Take the largest centred square",
    "pad": "Pad to a square with the pad colour (nothing lost, nothing distorted)",
}


class PhotoWorkspace(QWidget):
    framingChanged = Signal(str)
    padColorChanged = Signal(str)
    compareRequested = Signal()

    def __init__(self, submit: Callable[[Any], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._submit = submit
        self.photos: list[Photo] = []
        self.current = -1
        self._last_id = 0
        self._compare_id = 0
        self._request_rows: dict[int, int] = {}  # request id → photo row, for thumbnail captions
        self.framing = Framing(DEFAULT_MODE)
        self.result: PhotoResult | None = None

        self.weights_panel = WeightsPanel()
        self.weights_panel.hide()
        self.view = PhotoView()
        self.view.boxChanged.connect(self._box_changed)
        self.strip = ThumbnailStrip()
        self.strip.chosen.connect(self.show_photo)
        self.strip.hide()
        self.input_view = InputView(caption="network input")
        self.bars = ScoreBars(10)
        self.bars.clear("Drop a photo to classify it")
        self.title = QLabel("")
        self.title.setWordWrap(True)

        self.mode_group = QButtonGroup(self)
        self.mode_buttons: dict[str, QPushButton] = {}
        framing_row = QHBoxLayout()
        framing_row.addWidget(QLabel("Framing:"))
        for mode in MODES:
            button = QPushButton(LABELS[mode])
            button.setCheckable(True)
            button.setToolTip(TIPS[mode])
            button.clicked.connect(lambda _=False, m=mode: self.set_mode(m))
            self.mode_group.addButton(button)
            self.mode_buttons[mode] = button
            framing_row.addWidget(button)
        self.mode_buttons[self.framing.mode].setChecked(True)
        self.color_button = QPushButton("Pad colour…")
        self.color_button.clicked.connect(self._choose_color)
        framing_row.addWidget(self.color_button)
        self.clear_box_button = QPushButton("Clear box")
        self.clear_box_button.setToolTip("Remove the crop rectangle (Esc on the photo)")
        self.clear_box_button.clicked.connect(self.view.clear_box)
        framing_row.addWidget(self.clear_box_button)
        self.compare_button = QPushButton("Compare")
        self.compare_button.setToolTip("Classify the photo under every framing, side by side")
        self.compare_button.clicked.connect(self.compare)
        framing_row.addWidget(self.compare_button)
        framing_row.addStretch(1)
        self._update_color_button()

        left = QVBoxLayout()
        left.addWidget(self.view, 1)
        left.addWidget(self.strip)
        middle = QVBoxLayout()
        middle.addWidget(self.input_view, 1)
        right = QVBoxLayout()
        right.addWidget(self.title)
        right.addWidget(self.bars)
        right.addStretch(1)
        self.title.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        panes = QHBoxLayout()
        panes.addLayout(left, 5)
        panes.addLayout(middle, 3)
        panes.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.weights_panel)
        layout.addLayout(framing_row)
        layout.addLayout(panes, 1)

    # --- photos ----------------------------------------------------------------------------
    def add_photo(self, photo: Photo) -> None:
        """Add a photo to the strip and show it (the newest input is the one a person expects)."""
        self.photos.append(photo)
        row = self.strip.add(photo.qimage, photo.loaded.source)
        self.strip.setVisible(len(self.photos) > 1)
        self.strip.setCurrentRow(row)  # → show_photo(row)

    def show_photo(self, index: int) -> None:
        if not 0 <= index < len(self.photos) or index == self.current:
            return
        if self.current >= 0 and self.strip.caption(self.current) == PENDING:
            # Its request is about to be superseded (latest wins): caption it separately.
            self._classify_thumbnail(self.current)
        self.current = index
        photo = self.photos[index]
        self.view.set_image(photo.qimage)
        self.framing = replace(self.framing, box=None)
        w, h = photo.loaded.original_size
        self.title.setText(f"<b>{photo.loaded.source}</b><br>{w}x{h} {photo.loaded.format}")
        self.classify()

    def current_photo(self) -> Photo | None:
        return self.photos[self.current] if 0 <= self.current < len(self.photos) else None

    # --- framing ---------------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        self.framing = replace(self.framing, mode=mode)
        self.mode_buttons[mode].setChecked(True)
        self.framingChanged.emit(mode)
        self.classify()

    def set_pad_color(self, text: str) -> None:
        self.framing = replace(self.framing, pad_color=parse_color(text))
        self._update_color_button()
        self.padColorChanged.emit(self.pad_color_name())
        self.classify()

    def pad_color_name(self) -> str:
        return QColor(*self.framing.pad_color).name()

    def _choose_color(self) -> None:
        colour = QColorDialog.getColor(QColor(*self.framing.pad_color), self, "Pad colour")
        if colour.isValid():
            self.set_pad_color(colour.name())

    def _update_color_button(self) -> None:
        name = self.pad_color_name()
        self.color_button.setStyleSheet(f"QPushButton {{ border-left: 14px solid {name}; }}")

    def _box_changed(self, box: Any) -> None:
        photo = self.current_photo()
        if photo is None:
            return
        self.framing = replace(self.framing, box=box)
        self.classify()

    # --- requests and results --------------------------------------------------------------
    def classify(self) -> None:
        photo = self.current_photo()
        if photo is None:
            return
        request = PhotoRequest(photo.loaded.image, self.framing)
        self._last_id = request.id
        self._request_rows[request.id] = self.current
        self._submit(request)

    def _classify_thumbnail(self, row: int) -> None:
        request = PhotoRequest(
            self.photos[row].loaded.image,
            replace(self.framing, box=None),
            source=f"thumbnail-{row}",
        )
        self._request_rows[request.id] = row
        self._submit(request)

    def compare(self) -> None:
        photo = self.current_photo()
        if photo is None:
            return
        request = CompareRequest(photo.loaded.image, self.framing)
        self._compare_id = request.id
        self.compareRequested.emit()
        self._submit(request)

    def is_current_compare(self, request_id: int) -> bool:
        return request_id == self._compare_id

    def show_result(self, result: PhotoResult) -> bool:
        """Show ``result`` if it answers the latest request; True when it was shown."""
        row = self._request_rows.pop(result.request_id, None)
        if row is not None and (result.framed.framing.box is None or row == self.current):
            self.strip.set_caption(row, result.prediction.best.label)
        if result.request_id != self._last_id:
            return False  # stale, or a thumbnail's
        self.result = result
        self.input_view.set_array(result.framed.array, result.framed.content_rect)
        self.view.set_seen(result.framed.source_rect)
        self.bars.set_scores([(s.label, s.score) for s in result.prediction.top])
        return True

    def show_failure(self, failure: Failure) -> None:
        row = self._request_rows.pop(failure.request_id, None)
        if row is not None:
            self.strip.set_caption(row, "error")
        if failure.request_id == self._last_id:
            self.bars.clear(failure.message)

    def set_weights_missing(self, missing: bool) -> None:
        self.weights_panel.setVisible(missing)
        if missing and self.result is None:
            self.bars.clear("Inception v3 weights are needed (see above)")
