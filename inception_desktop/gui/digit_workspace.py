"""The Digit workspace: draw, and watch the MNIST model read it while you draw.

It sends its own requests to the inference worker through its :class:`Channel`, shows their
answers itself, and follows its own model (the MNIST one) through its :class:`ModelWatch`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from inception_desktop.gui.channel import Channel, ModelWatch
from inception_desktop.gui.digit_canvas import DigitCanvas
from inception_desktop.gui.digit_steps import DigitStepsView
from inception_desktop.gui.requests import DigitRequest, DigitResult, ModelKind
from inception_desktop.gui.score_bars import ScoreBars
from inception_desktop.gui.worker import InferenceWorker

#: Live recognition runs at most this often while drawing (the worker also keeps only the latest).
THROTTLE_MS = 40


class DigitWorkspace(QWidget):
    TITLE = "&Digit"
    openModelRequested = Signal()
    penWidthChanged = Signal(int)
    message = Signal(str)  # something the person should read (a model that cannot be used)

    def __init__(self, worker: InferenceWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self.channel = Channel(worker, self)
        self.model = ModelWatch(worker, ModelKind.DIGIT, self)
        self.model.ready.connect(self.set_model)
        self.model.unavailable.connect(
            lambda why: self.message.emit(f"Cannot use the model: {why}")
        )
        self._last_id = 0
        self.result: DigitResult | None = None
        self.canvas = DigitCanvas()
        self.steps = DigitStepsView()
        self.bars = ScoreBars(10)
        self.bars.clear("Draw a digit")
        self.model_label = QLabel("Model: loading…")
        self.model_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.answer = QLabel("")
        font = self.answer.font()
        font.setPointSize(font.pointSize() * 3)
        font.setBold(True)
        self.answer.setFont(font)
        self.answer.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.pen = QSpinBox()
        self.pen.setRange(4, 60)
        self.pen.setValue(self.canvas.pen_width)
        self.pen.setSuffix(" px")
        self.pen.setToolTip("Pen width")
        self.pen.valueChanged.connect(self._set_pen)
        undo = QPushButton("Undo")
        undo.setToolTip("Undo the last stroke (Ctrl+Z)")
        undo.clicked.connect(self.canvas.undo)
        clear = QPushButton("Clear")
        clear.setToolTip("Clear the canvas (Esc or Delete)")
        clear.clicked.connect(self.canvas.clear)
        open_model = QPushButton("Open model…")
        open_model.setToolTip("Use an MNIST .keras model of your own")
        open_model.clicked.connect(self.openModelRequested)
        shipped = QPushButton("Shipped model")
        shipped.clicked.connect(self.use_shipped_model)

        tools = QHBoxLayout()
        tools.addWidget(QLabel("Pen"))
        tools.addWidget(self.pen)
        tools.addWidget(undo)
        tools.addWidget(clear)
        tools.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.canvas, 1)
        left.addLayout(tools)
        right = QVBoxLayout()
        right.addWidget(self.answer)
        right.addWidget(self.bars)
        models = QHBoxLayout()
        models.addWidget(self.model_label, 1)
        models.addWidget(open_model)
        models.addWidget(shipped)
        right.addLayout(models)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addWidget(self.steps, 2)
        layout.addLayout(right, 3)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(THROTTLE_MS)
        self._timer.timeout.connect(self.recognise)
        self.canvas.changed.connect(self._schedule)
        self.canvas.strokeFinished.connect(self.recognise)
        self.canvas.cleared.connect(self.recognise)
        for keys, slot in (
            (QKeySequence.StandardKey.Undo, self.canvas.undo),
            (QKeySequence(Qt.Key.Key_Escape), self.canvas.clear),
            (QKeySequence(Qt.Key.Key_Delete), self.canvas.clear),
        ):
            shortcut = QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def _set_pen(self, width: int) -> None:
        self.canvas.pen_width = width
        self.penWidthChanged.emit(width)

    def set_pen_width(self, width: int) -> None:
        self.pen.setValue(width)

    def _schedule(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def recognise(self) -> None:
        """Send the canvas now (an empty canvas clears the prediction without asking)."""
        self._timer.stop()
        if self.canvas.is_empty():
            self._last_id = 0
            self.result = None
            self.steps.show_steps(None)
            self.bars.clear("Draw a digit")
            self.answer.setText("")
            return
        request = DigitRequest(self.canvas.to_array())
        self._last_id = request.id
        rid = request.id
        self.channel.send(request, self._show, lambda message: self._failed(rid, message))

    def _show(self, result: DigitResult) -> None:
        if result.request_id != self._last_id:
            return  # stale: a newer drawing is on its way
        self.result = result
        self.steps.show_steps(result.steps)
        if result.prediction is None:
            self.bars.clear("Draw a digit")
            self.answer.setText("")
            return
        self.bars.set_scores([(s.label, s.score) for s in result.prediction.top])
        best = result.prediction.best
        self.answer.setText(f"{best.label}  ({best.score:.0%})")
        self.model.update(ms=result.prediction.ms)

    def _failed(self, request_id: int, message: str) -> None:
        if request_id == self._last_id:
            self.bars.clear(message)
        self.message.emit(message)

    def start_model(self) -> None:
        self._worker.load(ModelKind.DIGIT)

    def load_model(self, path: str | None) -> None:
        """Use the MNIST model in ``path`` (None: the shipped one); until it is ready, and if it
        cannot be used, the model before it keeps serving."""
        self._worker.load(ModelKind.DIGIT, path)

    def use_shipped_model(self) -> None:
        self.load_model(None)

    def set_model(self, name: str) -> None:
        self.model_label.setText(f"Model: {name}")
        if not self.canvas.is_empty():
            self.recognise()
