"""The preprocessing steps beside the canvas: ink box, 20x20 fit, centred 28x28 input."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from inception_desktop.core.digit.normalize import DigitSteps
from inception_desktop.gui.input_view import InputView


class DigitStepsView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.crop = InputView(caption="ink box")
        self.fit = InputView(caption="20x20 fit")
        self.input = InputView(grid=True, caption="network input")
        for view in (self.crop, self.fit):
            view.setMinimumSize(110, 110)
        self.input.setMinimumSize(200, 200)
        self.info = QLabel("")
        self.info.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.crop)
        top.addWidget(self.fit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top, 1)
        layout.addWidget(self.input, 2)
        layout.addWidget(self.info)

    def show_steps(self, steps: DigitSteps | None) -> None:
        if steps is None:
            for view in (self.crop, self.fit, self.input):
                view.set_array(None)
            self.info.setText("")
            return
        x0, y0, x1, y1 = steps.box
        crop = 255 - np.round(steps.ink[y0:y1, x0:x1] * 255).astype(np.uint8)
        self.crop.set_array(crop)
        self.fit.set_array(np.round(steps.fitted * 255).astype(np.uint8))
        self.input.set_array(steps.input)
        dx, dy = steps.shift
        self.info.setText(
            f"ink box {x1 - x0}x{y1 - y0} px at ({x0}, {y0}); "
            f"centre-of-mass shift ({dx:+d}, {dy:+d})"
        )
