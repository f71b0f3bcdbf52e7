"""The preprocessing steps of a digit: the ink box (at MNIST's stroke width), the 20x20 fit, and
the centred 28x28 network input, with a line saying what was done to the strokes."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QWidget

from inception_desktop.core.digit.normalize import DigitSteps
from inception_desktop.core.digit.strokes import MNIST_RATIO, WORK_SIDE
from inception_desktop.gui.widgets.input_view import InputView

#: Names of the three previews (each also its placeholder while there is nothing to show).
INK, FIT, INPUT = "Ink box", "Fitted 20x20", "Network input 28x28"
#: Their captions under a picture, short enough not to be clipped at the smallest size (the
#: preview adds the size: "Fitted — 13x20").
CAPTIONS = {INK: "Ink box", FIT: "Fitted", INPUT: "Input"}


class DigitStepsView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.crop = InputView(caption=CAPTIONS[INK], placeholder=INK)
        self.fit = InputView(caption=CAPTIONS[FIT], placeholder=FIT)
        self.input = InputView(grid=True, caption=CAPTIONS[INPUT], placeholder=INPUT)
        for view, tip in (
            (self.crop, "The ink's bounding box, strokes at MNIST's width for the digit's size"),
            (self.fit, "Scaled to fit a 20x20 box, keeping the aspect ratio, as MNIST was made"),
            (self.input, "Centred by its centre of mass in 28x28: exactly what the model reads"),
        ):
            view.setMinimumSize(124, 110)
            # Not vertically expanding: the canvas above takes the height first.
            view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            view.setToolTip(tip)
        self.info = QLabel("")
        self.info.setWordWrap(True)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.crop, 0, 0)
        layout.addWidget(self.fit, 0, 1)
        layout.addWidget(self.input, 0, 2)
        layout.addWidget(self.info, 1, 0, 1, 3)
        for column, stretch in enumerate((1, 1, 2)):  # the network input gets the room
            layout.setColumnStretch(column, stretch)
        layout.setRowStretch(0, 1)
        # Room for the previews and three lines of info at the narrowest (no height for width).
        self.setMinimumHeight(110 + layout.spacing() + 3 * self.fontMetrics().lineSpacing() + 4)

    def sizeHint(self) -> QSize:
        """Modest: the canvas beside it is what should grow first."""
        return QSize(420, 200)

    def hasHeightForWidth(self) -> bool:
        """No: its wrapped info line and square previews would claim height for width, and the
        column would give the canvas its minimum."""
        return False

    def show_steps(self, steps: DigitSteps | None, pens: tuple[float, float] | None = None) -> None:
        """Show ``steps``; ``pens`` (drawn, re-drawn) when a drawing's strokes were re-drawn."""
        if steps is None:
            for view in (self.crop, self.fit, self.input):
                view.set_array(None)
            self.input.set_heat(None)
            self.info.setText("")
            return
        x0, y0, x1, y1 = steps.box
        ink = steps.restroked if steps.restroked is not None else steps.ink[y0:y1, x0:x1]
        self.crop.set_array(255 - np.round(ink * 255).astype(np.uint8))
        self.fit.set_array(np.round(steps.fitted * 255).astype(np.uint8))
        self.input.set_array(steps.input)
        dx, dy = steps.shift
        lines = []
        if pens is not None:
            drawn, redrawn = pens
            lines.append(
                f"Strokes re-drawn with a {redrawn:.0f} px pen (MNIST's width, "
                f"{steps.stroke:.0%} of the digit's size; drawn: {drawn:.0f} px)."
            )
        elif steps.restroked_from is not None:
            change = "thinned" if steps.restroked_from > steps.stroke else "thickened"
            lines.append(
                f"Strokes {change} from {steps.restroked_from:.0%} to {steps.stroke:.0%} of the "
                f"digit's size (MNIST's: {MNIST_RATIO:.0%}; shown at {WORK_SIDE} px)."
            )
        lines.append(
            f"Ink box {x1 - x0}x{y1 - y0} px at ({x0}, {y0}); "
            f"centre-of-mass shift ({dx:+d}, {dy:+d})."
        )
        self.info.setText(" ".join(lines))
