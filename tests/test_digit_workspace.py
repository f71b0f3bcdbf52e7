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
    from inception_desktop.gui.worker import default_factories

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

    from inception_desktop.gui.worker import default_factories

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
    qtbot.waitUntil(lambda: "input shape (32, 32, 3)" in win.banner.text(), timeout=30000)
    assert win.digit.model_label.text() == "Model: Fake MNIST"
    win.tabs.setCurrentIndex(1)
    assert win.status.model.text() == "Model: Fake MNIST"
    draw(win.digit.canvas, SHAPES["1"])
    qtbot.waitUntil(lambda: len(win.digit.bars.rows()) == 10, timeout=5000)
    assert np.asarray(digit.seen[-1]).shape == (28, 28)
