"""The Digit workspace with real mouse strokes: live recognition, undo, clear, model choice."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.gui_helpers import drag, polyline

SHAPES = {
    "1": [[(0.50, 0.15), (0.50, 0.85)]],
    "7": [[(0.25, 0.18), (0.72, 0.18), (0.42, 0.85)]],
    "0": [
        [
            (
                0.5 + 0.2 * math.sin(t / 20 * 2 * math.pi),
                0.5 - 0.32 * math.cos(t / 20 * 2 * math.pi),
            )
            for t in range(21)
        ]
    ],
    "4": [[(0.60, 0.85), (0.60, 0.15), (0.22, 0.62), (0.80, 0.62)]],
}


def draw(canvas, strokes, offset=(0.0, 0.0), scale=1.0, release=True) -> None:
    """Draw ``strokes`` (fractions of the canvas) with real press/move/release events."""
    t = canvas._target()
    for stroke in strokes:
        points = [
            (
                t.x() + (offset[0] + x * scale) * t.width(),
                t.y() + (offset[1] + y * scale) * t.height(),
            )
            for x, y in stroke
        ]
        drag(canvas, polyline(points), release=release)


@pytest.fixture
def real_digit_window(make_window, fakes):
    """The window with the real shipped MNIST model (photo side faked: not under test here)."""
    from inception_desktop.gui.runtime.worker import default_factories

    photo = fakes["photo"]
    win = make_window({"photo": lambda path: photo, "digit": default_factories()["digit"]})
    win.tabs.setCurrentIndex(1)
    return win


def _answer(ws) -> str:
    """The digit read, as the big label shows it ("7  (98%)"), once the canvas is answered."""
    return ws.answer.text().split()[0] if ws.answer.text() else ""


@pytest.mark.slow
@pytest.mark.parametrize("digit", sorted(SHAPES))
def test_drawn_digits_are_recognised(qtbot, real_digit_window, digit):
    ws = real_digit_window.digit
    draw(ws.canvas, SHAPES[digit])
    qtbot.waitUntil(lambda: ws.channel.waiting() == 0 and _answer(ws) != "", timeout=10000)
    assert _answer(ws) == digit, ws.bars.rows()
    rows = ws.bars.rows()
    assert len(rows) == 10 and sorted(label for label, _ in rows) == list("0123456789")
    assert ws.steps.input.array().shape == (28, 28)
    assert ws.answer.text().startswith(digit)
    assert real_digit_window.status.model.text().startswith("Model: MNIST")


@pytest.mark.slow
def test_small_off_centre_digit_is_recognised(qtbot, real_digit_window):
    ws = real_digit_window.digit
    ws.set_pen_width(8)
    draw(ws.canvas, SHAPES["7"], offset=(0.62, 0.05), scale=0.3)
    qtbot.waitUntil(lambda: ws.channel.waiting() == 0 and _answer(ws) != "", timeout=10000)
    assert _answer(ws) == "7"


@pytest.mark.slow
def test_recognition_runs_while_drawing(qtbot, real_digit_window):
    ws = real_digit_window.digit
    draw(ws.canvas, SHAPES["1"], release=False)  # the button is still down
    qtbot.waitUntil(lambda: len(ws.bars.rows()) == 10, timeout=10000)
    assert _answer(ws) != ""


def test_empty_canvas_undo_and_clear(qtbot, window):
    window.tabs.setCurrentIndex(1)
    ws = window.digit
    assert ws.bars.placeholder() == "Draw a digit" and ws.bars.rows() == []
    draw(ws.canvas, SHAPES["1"])
    draw(ws.canvas, [[(0.3, 0.5), (0.7, 0.5)]])
    assert ws.canvas.stroke_count() == 2
    qtbot.waitUntil(lambda: ws.channel.waiting() == 0 and _answer(ws) != "", timeout=5000)
    assert ws.steps.input.array().shape == (28, 28)
    two_strokes = ws.canvas.to_array().copy()
    ws.canvas.setFocus()
    qtbot.keyClick(ws.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert ws.canvas.stroke_count() == 1
    assert (ws.canvas.to_array() < 128).sum() < (two_strokes < 128).sum()
    qtbot.keyClick(ws.canvas, Qt.Key.Key_Escape)
    assert ws.canvas.is_empty() and ws.bars.rows() == []
    assert ws.bars.placeholder() == "Draw a digit" and ws.answer.text() == ""
    assert (ws.canvas.to_array() == 255).all()
    draw(ws.canvas, SHAPES["0"])
    qtbot.keyClick(ws.canvas, Qt.Key.Key_Delete)
    assert ws.canvas.is_empty()


def test_pen_width_persists(qtbot, window, settings):
    window.digit.pen.setValue(31)
    assert window.digit.canvas.pen_width == 31
    assert settings.pen_width == 31


def test_a_wrong_model_file_is_refused_and_the_old_one_kept(qtbot, make_window, fakes, tmp_path):
    import keras

    from inception_desktop.gui.runtime.worker import default_factories

    wrong = tmp_path / "cifar.keras"
    keras.Sequential(
        [keras.Input((32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(10)]
    ).save(wrong)
    photo, digit = fakes["photo"], fakes["digit"]
    real = default_factories()["digit"]
    win = make_window(
        {"photo": lambda path: photo, "digit": lambda path: digit if path is None else real(path)}
    )
    win.digit.load_model(str(wrong))
    qtbot.waitUntil(lambda: "input shape (32, 32, 3)" in win.problems.text(), timeout=30000)
    assert win.digit.model_label.text() == "Model: Fake MNIST"
    win.tabs.setCurrentIndex(1)
    assert win.status.model.text() == "Model: Fake MNIST"
    draw(win.digit.canvas, SHAPES["1"])
    qtbot.waitUntil(lambda: len(win.digit.bars.rows()) == 10, timeout=5000)
    assert np.asarray(digit.seen[-1]).shape == (28, 28)


# --- the workspace in a host window of its own: keys, plausibility, images, names ----------
@pytest.fixture
def host(qtbot, fakes):
    """A QMainWindow with a first tab and the Digit workspace second, and the Edit menu's Undo
    (Ctrl+Z) and Clear (Delete, Backspace) window actions the real window gives it."""
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QLineEdit, QMainWindow, QTabWidget

    from inception_desktop.gui.digit.workspace import DigitWorkspace
    from inception_desktop.gui.runtime.worker import WorkerThread, default_factories

    def make(real: bool = False):
        digit = default_factories()["digit"] if real else (lambda path: fakes["digit"])
        thread = WorkerThread({"photo": lambda path: fakes["photo"], "digit": digit})
        win = QMainWindow()
        tabs = QTabWidget()
        first = QLineEdit("another workspace")
        tabs.addTab(first, "Photo")
        ws = DigitWorkspace(thread.worker)
        tabs.addTab(ws, "Digit")
        win.setCentralWidget(tabs)
        menu = win.menuBar().addMenu("&Edit")
        win.undo_action = QAction("&Undo Stroke", win)
        win.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        win.undo_action.triggered.connect(ws.undo)
        win.clear_action = QAction("C&lear Canvas", win)
        win.clear_action.setShortcuts([QKeySequence("Delete"), QKeySequence("Backspace")])
        win.clear_action.triggered.connect(ws.clear)
        menu.addActions([win.undo_action, win.clear_action])
        win.tabs, win.digit, win.first = tabs, ws, first
        qtbot.addWidget(win)
        win.resize(1000, 700)
        win.show()
        qtbot.waitExposed(win)
        ws.start_model()
        qtbot.waitUntil(lambda: ws.model.state.ready, timeout=60000)
        made.append(thread)
        return win

    made: list = []
    yield make
    for thread in made:
        thread.stop()


def test_entering_the_workspace_does_not_focus_the_pen(qtbot, host):
    win = host()
    win.first.setFocus()
    qtbot.waitUntil(win.first.hasFocus)
    win.tabs.setCurrentIndex(1)
    qtbot.wait(10)
    focus = win.focusWidget()
    assert focus is not win.digit.pen and focus is not win.digit.pen.lineEdit()
    assert focus is win.digit.canvas  # the keys it needs reach it first
    assert win.digit.pen.focusPolicy() == Qt.FocusPolicy.ClickFocus


@pytest.mark.parametrize("with_menu", [True, False])
def test_undo_and_clear_keys_reach_the_canvas_from_the_pen_box(qtbot, host, with_menu):
    """Click the pen box (it takes focus), then Ctrl+Z and Delete act on the drawing, through the
    window's actions when there are some, through the workspace when not; the pen is kept."""
    win = host()
    win.tabs.setCurrentIndex(1)
    ws = win.digit
    if not with_menu:
        win.undo_action.setEnabled(False)
        win.clear_action.setEnabled(False)
    fired: list[str] = []
    win.undo_action.triggered.connect(lambda: fired.append("undo"))
    win.clear_action.triggered.connect(lambda: fired.append("clear"))
    draw(ws.canvas, SHAPES["1"])
    draw(ws.canvas, [[(0.3, 0.5), (0.7, 0.5)]])
    assert ws.canvas.stroke_count() == 2
    ws.pen.setValue(30)
    qtbot.mouseClick(ws.pen.lineEdit(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ws.pen.lineEdit().hasFocus() or ws.pen.hasFocus())
    focused = focused_widget()
    qtbot.keyClick(focused, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert ws.canvas.stroke_count() == 1
    assert ws.pen.value() == 30
    qtbot.keyClick(focused, Qt.Key.Key_Backspace)
    assert ws.canvas.is_empty() and ws.pen.value() == 30
    draw(ws.canvas, SHAPES["7"])
    qtbot.mouseClick(ws.pen.lineEdit(), Qt.MouseButton.LeftButton)
    qtbot.keyClick(focused_widget(), Qt.Key.Key_Delete)
    assert ws.canvas.is_empty() and ws.pen.value() == 30
    assert fired == (["undo", "clear", "clear"] if with_menu else [])
    draw(ws.canvas, SHAPES["1"])
    qtbot.keyClick(focused_widget(), Qt.Key.Key_Escape)  # the canvas has focus after drawing
    assert ws.canvas.is_empty()


def focused_widget():
    from PySide6.QtWidgets import QApplication

    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def test_pen_keys_and_buttons_do_not_steal_the_canvas_focus(qtbot, host):
    win = host()
    win.tabs.setCurrentIndex(1)
    ws = win.digit
    draw(ws.canvas, SHAPES["1"])
    assert ws.canvas.hasFocus()
    width = ws.pen.value()
    qtbot.keyClick(ws.canvas, Qt.Key.Key_BracketRight)
    assert ws.pen.value() == width + 2
    qtbot.mouseClick(ws.undo_button, Qt.MouseButton.LeftButton)
    assert ws.canvas.is_empty() and ws.canvas.hasFocus()


def test_mnemonics_leave_the_menu_letters_alone(host):
    from PySide6.QtWidgets import QAbstractButton, QLabel

    win = host()
    taken = set("FEVPDH")
    texts = [w.text() for w in win.digit.findChildren(QAbstractButton)]
    texts += [w.text() for w in win.digit.findChildren(QLabel) if w.buddy() is not None]
    letters = {t[t.index("&") + 1].upper() for t in texts if "&" in t.replace("&&", "")}
    assert letters and not letters & taken, letters


def test_empty_previews_are_named_after_their_step(qtbot, host):
    win = host()
    win.tabs.setCurrentIndex(1)
    steps = win.digit.steps
    names = [v._placeholder for v in (steps.crop, steps.fit, steps.input)]
    assert names == ["Ink box", "Fitted 20x20", "Network input 28x28"]
    # painted, not only stored: the three grabs differ (each its own text)
    grabs = [v.grab().toImage() for v in (steps.crop, steps.fit, steps.input)]
    assert grabs[0] != grabs[1]


@pytest.mark.slow
def test_a_click_dot_is_not_read_as_a_digit(qtbot, host):
    win = host(real=True)
    win.tabs.setCurrentIndex(1)
    ws = win.digit
    t = ws.canvas._target()
    qtbot.mouseClick(ws.canvas, Qt.MouseButton.LeftButton, pos=t.center().toPoint())
    qtbot.waitUntil(lambda: ws.channel.waiting() == 0 and ws.answer.text() != "", timeout=10000)
    assert "%" not in ws.answer.text(), ws.answer.text()
    assert ws.note.text().startswith("Not sure"), ws.note.text()
    assert len(ws.bars.rows()) == 10  # the scores are still there to see


@pytest.mark.slow
@pytest.mark.parametrize("digit", ["3", "5"])
def test_a_thick_pen_does_not_fill_the_loops(qtbot, host, digit):
    shapes = {
        "3": [
            [
                (0.3, 0.2),
                (0.6, 0.18),
                (0.68, 0.32),
                (0.5, 0.48),
                (0.7, 0.62),
                (0.62, 0.8),
                (0.3, 0.8),
            ]
        ],
        "5": [
            [
                (0.68, 0.2),
                (0.35, 0.2),
                (0.33, 0.48),
                (0.6, 0.45),
                (0.7, 0.62),
                (0.6, 0.8),
                (0.3, 0.78),
            ]
        ],
    }
    win = host(real=True)
    win.tabs.setCurrentIndex(1)
    ws = win.digit
    ws.set_pen_width(60)
    draw(ws.canvas, shapes[digit])
    qtbot.waitUntil(lambda: ws.channel.waiting() == 0 and _answer(ws) != "", timeout=10000)
    assert _answer(ws) == digit, ws.bars.rows()
    assert "re-drawn with a" in ws.steps.info.text()
    assert ws.canvas.network_pen() < 60


@pytest.mark.slow
def test_an_image_file_is_read_as_a_digit(qtbot, host, tmp_path):
    from PIL import Image, ImageDraw

    from inception_desktop.gui.digit.image_requests import DigitImageResult

    image = Image.new("RGB", (300, 400), "white")
    ImageDraw.Draw(image).line([(70, 60), (230, 60), (120, 340)], fill="black", width=95)
    path = tmp_path / "seven.png"
    image.save(path)
    win = host(real=True)
    win.tabs.setCurrentIndex(1)
    ws = win.digit
    draw(ws.canvas, SHAPES["1"])
    qtbot.waitUntil(lambda: _answer(ws) == "1", timeout=10000)
    ws.open_image(str(path))
    qtbot.waitUntil(lambda: isinstance(ws.result, DigitImageResult), timeout=10000)
    assert _answer(ws) == "7", ws.bars.rows()
    assert ws.canvas.has_picture() and ws.canvas.is_empty()
    assert "thinned" in ws.steps.info.text()
    pasted = Image.new("RGBA", (200, 200), (0, 0, 0, 0))  # a bitmap on transparency
    ImageDraw.Draw(pasted).line([(60, 40), (60, 160)], fill=(0, 0, 0, 255), width=14)
    ws.open_array(np.asarray(pasted))
    qtbot.waitUntil(lambda: _answer(ws) == "1", timeout=10000)
    ws.open_image(str(tmp_path / "missing.png"))
    qtbot.waitUntil(lambda: "missing.png" in ws.bars.placeholder(), timeout=10000)
    assert ws.bars.rows() == [] and ws.answer.text() == ""


def test_custom_model_changes_are_announced(qtbot, host, tmp_path):
    win = host()
    ws = win.digit
    seen: list[str] = []
    ws.customModelChanged.connect(seen.append)
    model = tmp_path / "mine.keras"
    model.write_bytes(b"fake: the fake factory does not read it")
    ws.load_model(str(model))
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=10000)
    ws.use_shipped_model()
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=10000)
    assert seen == [str(model.resolve()), ""]


def test_the_workspace_fits_800x600_and_uses_a_large_window(qtbot, host):
    """At 800x600 nothing is clipped and the canvas is the largest part; taller, the steps move
    beside the scores (the canvas gets the height), and the window can be made small again."""
    win = host()
    win.tabs.setCurrentIndex(1)
    ws = win.digit
    sizes = {}
    for w, h in ((800, 600), (1920, 1080), (800, 600)):
        win.resize(w, h)
        qtbot.waitUntil(lambda w=w, h=h: (win.width(), win.height()) == (w, h), timeout=3000)
        qtbot.wait(20)
        canvas = ws.canvas._target().width()
        beside = ws._right.indexOf(ws.steps) >= 0
        sizes[(w, h, beside)] = canvas
        for widget in (ws.canvas, ws.steps, ws.bars, ws.shipped_button, ws.undo_button):
            assert widget.parentWidget() is ws
            assert ws.rect().contains(widget.geometry()), (w, h, type(widget).__name__)
            assert widget.height() >= widget.minimumSizeHint().height() - 1
    assert sizes[(800, 600, False)] >= 280
    assert sizes[(1920, 1080, True)] >= 700
