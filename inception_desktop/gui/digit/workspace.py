"""The Digit workspace: draw, and watch the MNIST model read it while you draw.

It sends its own requests to the inference worker through its :class:`Channel`, shows their
answers itself, and follows its own model (the MNIST one) through its :class:`ModelWatch`.

Keys: Ctrl+Z undoes a stroke; Delete, Backspace and Esc clear; [ and ] change the pen. They
work whatever has focus in the workspace: the window's Edit menu holds Undo and Clear (calling
:meth:`DigitWorkspace.undo` and :meth:`DigitWorkspace.clear`), so the workspace defines no
shortcut of its own for those keys (two shortcuts on one key fire neither); keys that reach the
workspace unhandled (no such menu, as in a test) are handled by its ``keyPressEvent``, and the
pen spin box is kept from taking them for itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from inception_desktop.core.digit.plausible import judge
from inception_desktop.gui.digit.camera import DigitCamera
from inception_desktop.gui.digit.canvas import DigitCanvas
from inception_desktop.gui.digit.explain import (
    DigitExplainRequest,
    DigitHeatResult,
    LayerDialog,
)
from inception_desktop.gui.digit.image_requests import (
    DigitImageRequest,
    DigitImageResult,
    DigitReading,
)
from inception_desktop.gui.digit.layer_viewer import LayerViewer
from inception_desktop.gui.digit.steps import DigitStepsView
from inception_desktop.gui.runtime.channel import Channel, ModelWatch
from inception_desktop.gui.runtime.mime import Inputs
from inception_desktop.gui.runtime.requests import DigitRequest, DigitResult, ModelKind
from inception_desktop.gui.runtime.worker import InferenceWorker
from inception_desktop.gui.widgets.input_view import qimage_to_array
from inception_desktop.gui.widgets.score_bars import ScoreBars
from inception_desktop.gui.widgets.status_line import StatusLine

#: Live recognition runs at most this often while drawing (the worker also keeps only the latest).
THROTTLE_MS = 40
#: Keys that clear the canvas.
CLEAR_KEYS = (Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Escape)
PEN_STEP = 2
#: The preprocessing steps sit under the scores, not under the canvas, when the scores' column has
#: room for them and this much to spare.
SLACK = 24


def _is_undo(event: QKeyEvent) -> bool:
    return event.matches(QKeySequence.StandardKey.Undo)


def _is_clear(event: QKeyEvent) -> bool:
    plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return event.key() in CLEAR_KEYS and plain == Qt.KeyboardModifier.NoModifier


class DigitWorkspace(QWidget):
    """See the module docstring. Public API for the window: :meth:`undo`, :meth:`clear`,
    :meth:`open_image`, :meth:`open_array`, :meth:`load_model`, :meth:`use_shipped_model`,
    :meth:`set_pen_width`, and the signals below."""

    TITLE = "&Digit"
    openModelRequested = Signal()
    penWidthChanged = Signal(int)
    message = Signal(str)  # something the person should read (a model that cannot be used)
    notice = Signal(str)  # a short status text (not a problem)
    #: After a custom model loaded: its absolute path; "" after returning to the shipped model.
    customModelChanged = Signal(str)

    def __init__(self, worker: InferenceWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self.channel = Channel(worker, self)
        self.model = ModelWatch(worker, ModelKind.DIGIT, self)
        self.model.ready.connect(self.set_model)
        self.model.unavailable.connect(self._unavailable)
        self._last_id = 0
        self._image: str | np.ndarray | None = None  # the image file or bitmap shown, if any
        self._requested_model: str | None = None  # a load asked for: None shipped, or a path
        self._pending_model = False
        self._heat_method: str | None = None  # how the last heat map was made (a change is said)
        self.layers = LayerViewer(self.channel, self)
        self.result: DigitResult | DigitImageResult | DigitHeatResult | None = None
        self.camera = DigitCamera(self.channel, self.model, self._show_live, self)
        self.camera.message.connect(self.message)
        self.camera.notice.connect(self.notice)
        self.canvas = DigitCanvas()
        self.steps = DigitStepsView()
        self._steps_min = self.steps.minimumHeight()
        self.bars = ScoreBars(10)
        self.bars.clear("Draw a digit")
        self.model_label = QLabel("Model: loading…")
        self.model_label.setWordWrap(True)
        self.model_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.answer = QLabel("")
        font = self.answer.font()
        font.setPointSize(font.pointSize() * 3)
        font.setBold(True)
        self.answer.setFont(font)
        self.answer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # the answer and its note keep their heights, shown or not: no answer moves the steps
        self.answer.setFixedHeight(QFontMetrics(font).lineSpacing())
        self.note = StatusLine(2)  # why the answer is not to be trusted, when it is not
        self.note.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)

        self.pen = QSpinBox()
        self.pen.setRange(4, 60)
        self.pen.setValue(self.canvas.pen_width)
        self.pen.setSuffix(" px")
        self.pen.setToolTip("Pen width ([ and ] change it)")
        # Never the focus on entering the workspace (Delete would edit the pen, Ctrl+Z undo it);
        # a click or the wheel still sets it.
        self.pen.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.pen.valueChanged.connect(self._set_pen)
        for target in (self.pen, self.pen.lineEdit()):
            target.installEventFilter(self)
        pen_label = QLabel("Pe&n")
        pen_label.setBuddy(self.pen)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setToolTip("Undo the last stroke (Ctrl+Z)")
        self.undo_button.clicked.connect(self.undo)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Clear the canvas (Delete, Backspace or Esc)")
        self.clear_button.clicked.connect(self.clear)
        # No mnemonics: Ctrl+Z and Delete are theirs (and benchmarks/soak.py finds "Clear").
        for button in (self.undo_button, self.clear_button):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click leaves the canvas focused
        self.open_button = QPushButton("&Open model…")
        self.open_button.setToolTip("Use an MNIST .keras model of your own")
        self.open_button.clicked.connect(self.openModelRequested)
        self.shipped_button = QPushButton("Shipped &model")
        self.shipped_button.setToolTip("Go back to the model that comes with the app")
        self.shipped_button.clicked.connect(self.use_shipped_model)
        # No mnemonics (Alt+letters are the menus'): the Digit menu's actions carry the keys.
        self.heat_button = QPushButton("Heat map")
        self.heat_button.setCheckable(True)
        self.heat_button.setToolTip(
            "Show, live, which parts of the drawing the answer depends on, on the canvas and "
            "the 28x28 input (Ctrl+E)"
        )
        self.heat_button.toggled.connect(self._heat_toggled)
        self.layers_button = QPushButton("Layers…")
        self.layers_button.setToolTip(
            "The feature maps of each convolutional layer for the current drawing"
        )
        self.layers_button.clicked.connect(self.show_layers)
        self.heat_label = StatusLine(2)  # its text never moves the thumbnails below
        policy = self.heat_label.sizePolicy()
        policy.setRetainSizeWhenHidden(False)  # no room claimed at 800x600 without a heat map
        self.heat_label.setSizePolicy(policy)
        self.heat_label.hide()  # shown with the heat map

        tools = QHBoxLayout()
        tools.addWidget(pen_label)
        tools.addWidget(self.pen)
        tools.addWidget(self.undo_button)
        tools.addWidget(self.clear_button)
        tools.addStretch(1)
        self._left = left = QVBoxLayout()
        left.addWidget(self.camera.bar)
        left.addWidget(self.canvas, 3)
        left.addLayout(tools)
        left.addWidget(self.steps, 1)
        models = QHBoxLayout()
        models.addWidget(self.open_button)
        models.addWidget(self.shipped_button)
        models.addWidget(self.heat_button)
        models.addWidget(self.layers_button)
        models.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.answer)
        right.addWidget(self.note)
        right.addWidget(self.bars)
        right.addSpacing(8)
        right.addWidget(self.model_label)
        right.addLayout(models)
        right.addWidget(self.heat_label)
        right.addStretch(1)
        self._right = right
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)
        self.setTabOrder(self.canvas, self.undo_button)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(THROTTLE_MS)
        self._timer.timeout.connect(self.recognise)
        self.canvas.changed.connect(self._drawing)
        self.canvas.strokeFinished.connect(self.recognise)
        self.canvas.cleared.connect(self.recognise)

    # --- public API ------------------------------------------------------------------------
    def undo(self) -> None:
        """Take back the last stroke (the Edit menu's Undo while this workspace is in front)."""
        self.canvas.undo()

    def clear(self) -> None:
        """Clear the canvas, or the image shown on it (the Edit menu's Clear); a drawing
        cleared comes back with Undo, until the next stroke."""
        self._image = None
        drawn = not self.canvas.is_empty()
        self.canvas.clear()
        if drawn:
            self.notice.emit("Cleared: Undo (Ctrl+Z) brings the drawing back")

    def take(self, inputs: Inputs) -> bool:
        """One image file, or a pasted image, dropped or pasted here is read as a digit."""
        if inputs.urls:
            return False
        if len(inputs.paths) == 1 and Path(inputs.paths[0]).is_file():
            self.open_image(inputs.paths[0])
            return True
        if not inputs.paths and inputs.image is not None:
            self.open_array(qimage_to_array(inputs.image))
            return True
        return False

    def set_drop_highlight(self, on: bool) -> None:
        """Show that a dropped image will be read here."""
        self.canvas.setStyleSheet("border: 2px solid palette(highlight);" if on else "")

    def shutdown(self, ms: int = 5000) -> bool:
        """Release the camera, if one runs (the rest of its work is the worker's)."""
        return self.camera.shutdown(ms)

    def _show_live(self, reading: DigitReading) -> None:
        """A camera or video frame read as a digit: shown as a dropped image's reading."""
        self._timer.stop()
        self._image = None
        self._last_id = reading.request_id
        self._show(DigitImageResult(**vars(reading)))

    def open_image(self, path: str) -> None:
        """Read the image file ``path`` as a digit: loaded on the worker's thread, shown on the
        canvas with its steps and scores. A file that cannot be read is reported by
        :attr:`message`; the canvas is left as it was."""
        self.notice.emit(
            f"Reading {Path(path).name} as a digit (drop it on the Photo workspace, Ctrl+1, "
            "to classify it as a photo)"
        )
        self._read(str(Path(path)))

    def open_array(self, array: np.ndarray) -> None:
        """Read a bitmap (uint8 (H, W) grey, (H, W, 3) RGB or (H, W, 4) RGBA, e.g. pasted) as a
        digit, like :meth:`open_image`."""
        self._read(np.array(array, dtype=np.uint8))

    def _read(self, image: str | np.ndarray) -> None:
        self._timer.stop()
        self._image = image
        if isinstance(image, str):
            request = DigitImageRequest(path=image)
        else:
            request = DigitImageRequest(array=image)
        self._last_id = rid = request.id
        self.bars.clear("Reading the image…")
        self.channel.send(request, self._show, lambda message: self._failed(rid, message))

    def set_pen_width(self, width: int) -> None:
        self.pen.setValue(width)

    def start_model(self) -> None:
        self._worker.load(ModelKind.DIGIT)

    def load_model(self, path: str | None) -> None:
        """Use the MNIST model in ``path`` (None: the shipped one); until it is ready, and if it
        cannot be used, the model before it keeps serving. :attr:`customModelChanged` follows
        once it is ready."""
        self._requested_model = None if path is None else str(Path(path).resolve())
        self._pending_model = True
        self._worker.load(ModelKind.DIGIT, self._requested_model)

    def use_shipped_model(self) -> None:
        self.load_model(None)

    def set_model(self, name: str) -> None:
        self.model_label.setText(f"Model: {name}")
        if self._pending_model:
            self._pending_model = False
            self.customModelChanged.emit(self._requested_model or "")
        if self._image is not None:
            self._read(self._image)
        elif not self.canvas.is_empty():
            self.recognise()

    # --- keys ------------------------------------------------------------------------------
    def _key(self, event: QKeyEvent) -> bool:
        """Handle a workspace key; True when it was one."""
        if _is_undo(event):
            self.undo()
        elif event.key() == Qt.Key.Key_Escape and self.layers.dialog is not None:
            self.layers.close()  # Esc closes the feature maps before it clears anything
        elif _is_clear(event):
            self.clear()
        elif event.key() in (Qt.Key.Key_BracketLeft, Qt.Key.Key_BracketRight):
            step = PEN_STEP if event.key() == Qt.Key.Key_BracketRight else -PEN_STEP
            self.pen.setValue(self.pen.value() + step)
        else:
            return False
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._key(event):
            super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The pen spin box would take Ctrl+Z, Delete and Backspace for its text (accepting
        their ShortcutOverride, so the window's Undo and Clear never fire): refuse it those."""
        if event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            key = event if isinstance(event, QKeyEvent) else None
            if key is not None and (_is_undo(key) or _is_clear(key)):
                if event.type() == QEvent.Type.ShortcutOverride:
                    event.ignore()  # not the spin box's: let a shortcut for it fire
                    return True
                return self._key(key)
        return super().eventFilter(watched, event)

    # --- recognition -----------------------------------------------------------------------
    # --- layout ----------------------------------------------------------------------------
    def hasHeightForWidth(self) -> bool:
        """No: the wrapped labels would make the window's minimum height that of the narrowest
        width (the 800x600 window came out taller than asked); the columns have room to spare."""
        return False

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        right = self._right.minimumSize().height() + self._steps_min
        if self._right.indexOf(self.steps) < 0:
            right += self._right.spacing()
        margins = self.layout().contentsMargins()
        self._place_steps(self.height() >= right + margins.top() + margins.bottom() + SLACK)

    def _place_steps(self, beside: bool) -> None:
        """Tall enough, the steps go under the scores (the canvas takes the whole left height);
        otherwise under the canvas, where the 800x600 window has room for them."""
        index = self._right.indexOf(self.steps)
        if beside == (index >= 0):
            return
        # Beside the scores they claim no minimum height: the window can still be made shorter,
        # and they go back under the canvas when it is.
        self.steps.setMinimumHeight(0 if beside else self._steps_min)
        if beside:
            self._left.removeWidget(self.steps)
            self._right.insertWidget(self._right.count() - 1, self.steps, 4)
        else:
            self._right.removeWidget(self.steps)
            self._left.addWidget(self.steps, 1)

    def _set_pen(self, width: int) -> None:
        self.canvas.pen_width = width
        self.penWidthChanged.emit(width)

    def _drawing(self) -> None:
        self._image = None
        if not self._timer.isActive():
            self._timer.start()

    def recognise(self) -> None:
        """Send the canvas now (an empty canvas clears the prediction without asking)."""
        self._timer.stop()
        if self.canvas.is_empty():
            if self._image is not None:
                return  # an image is shown: its answer stays
            self._last_id = 0
            self.result = None
            self.steps.show_steps(None)
            self.bars.clear("Draw a digit")
            self.answer.setText("")
            self.note.setText("")
            self.heat_label.setText("")
            return
        self._image = None
        canvas = self.canvas.network_array()
        request = DigitExplainRequest(canvas) if self.heat_on() else DigitRequest(canvas)
        self._last_id = rid = request.id
        self.channel.send(request, self._show, lambda message: self._failed(rid, message))

    def _show(self, result: DigitResult | DigitImageResult | DigitHeatResult) -> None:
        if result.request_id != self._last_id:
            return  # stale: a newer drawing is on its way
        self.result = result
        self._show_heat(result)
        self.layers.follow(getattr(result, "steps", None))
        pens = None
        if isinstance(result, DigitImageResult):
            if not self.canvas.is_empty():
                self.canvas.clear()  # the strokes go once the image is there to replace them
            self.canvas.show_picture(result.picture)
        else:
            redrawn = self.canvas.network_pen()
            pens = None if redrawn is None else (float(self.canvas.drawn_pen()), redrawn)
        self.steps.show_steps(result.steps, pens)
        if result.prediction is None or result.steps is None:
            image = isinstance(result, DigitImageResult)
            self.bars.clear("No digit found in the image" if image else "Draw a digit")
            self.answer.setText("")
            self.note.setText("")
            return
        scores = [(s.label, s.score) for s in result.prediction.top]
        self.bars.set_scores(scores)
        verdict = judge(result.steps, scores)
        best = result.prediction.best
        self.answer.setText(f"{best.label}  ({best.score:.0%})" if verdict.ok else verdict.headline)
        self.note.setText(verdict.advice)
        self.model.update(ms=result.prediction.ms)

    # --- explanations ----------------------------------------------------------------------
    def heat_on(self) -> bool:
        """Whether the live heat map is shown (the Heat map button, Digit › Heat Map)."""
        return self.heat_button.isChecked()

    def set_heat(self, on: bool) -> None:
        self.heat_button.setChecked(on)

    def _heat_toggled(self, on: bool) -> None:
        if on and "LiteRT" not in self.model.state.device:
            self.notice.emit(
                "Heat map by Grad-CAM: TensorFlow prepares the gradients on first use…"
            )
        self.heat_label.setVisible(on)
        if not on:
            self.canvas.set_heat(None)
            self.steps.input.set_heat(None)
            self.heat_label.setText("")
        if not self.canvas.is_empty():
            self.recognise()

    def _show_heat(self, result: Any) -> None:
        heat = getattr(result, "heat", None)
        if heat is None or not self.heat_on():
            self.canvas.set_heat(None)
            self.steps.input.set_heat(None)
            if not self.heat_on() or result.steps is None:
                self.heat_label.setText("")
            return
        self.canvas.set_heat(heat.on_canvas)
        self.steps.input.set_heat(heat.heat, 0.7)
        text = heat.describe()
        if self._heat_method is not None and heat.method != self._heat_method:
            text += " — Grad-CAM now" if heat.method == "gradcam" else f" — {heat.method} now"
        self._heat_method = heat.method
        self.heat_label.setText(text if heat.note is None else f"{text} — {heat.note}")

    def show_layers(self) -> None:
        """The layer view: each convolutional layer's feature maps, following the drawing."""
        self.layers.show(getattr(self.result, "steps", None))

    @property
    def layer_dialog(self) -> LayerDialog | None:
        """The layer view's dialog while it is open."""
        return self.layers.dialog

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.layers.set_visible(True)  # back with its workspace

    def hideEvent(self, event) -> None:
        """The feature maps belong to this workspace: they go while another is in front."""
        self.layers.set_visible(False)
        super().hideEvent(event)

    def _failed(self, request_id: int, message: str) -> None:
        if request_id == self._last_id:
            self.bars.clear(message)
            self.answer.setText("")
            self.note.setText("")
            self._image = None
        self.message.emit(message)

    def _unavailable(self, why: str) -> None:
        self._pending_model = False
        self.message.emit(f"Cannot use the model: {why}")
