"""One core, two front ends: the window and the command line give the same answers because they
call the same pipeline. Each test runs the command line in-process (``main``) and drives the real
window, and compares what a person gets from each."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from inception_desktop.cli import main

#: A seven drawn on a 200x200 canvas.
SEVEN = [(50, 40), (150, 40), (85, 170)]


def digit_image(kind: str, path: Path) -> Path:
    """A seven as a person might save one: ``transparent-black`` and ``transparent-white`` (ink
    on a transparent canvas), ``light`` (dark ink on white), ``dark`` (white chalk on black)."""
    if kind.startswith("transparent"):
        ink = (0, 0, 0, 255) if kind.endswith("black") else (255, 255, 255, 255)
        image = Image.new("RGBA", (200, 200), (0, 0, 0, 0) if ink[0] else (255, 255, 255, 0))
    else:
        ink = (20, 20, 20) if kind == "light" else (240, 240, 240)
        image = Image.new("RGB", (200, 200), (250, 248, 240) if kind == "light" else (10, 10, 10))
    ImageDraw.Draw(image).line(SEVEN, fill=ink, width=14)
    image.save(path)
    return path


KINDS = ("transparent-black", "transparent-white", "light", "dark")


def cli_digit(capsys, path: Path, saved: Path) -> tuple[str, np.ndarray]:
    """``classify --model mnist`` of one image: its top label and the network input it saved."""
    code = main(
        ["classify", str(path), "--model", "mnist", "--runtime", "litert", "--json",
         "--save-input", str(saved)]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    [record] = json.loads(out)
    [png] = saved.glob(f"{path.stem}.*.png")
    return record["top"][0]["label"], np.asarray(Image.open(png))


@pytest.fixture
def digit_window(make_window, fakes):
    """The real window with the shipped MNIST model on LiteRT (the photo side faked)."""
    from inception_desktop.gui.runtime.worker import default_factories

    win = make_window(
        {"photo": lambda path: fakes["photo"], "digit": default_factories()["digit"]},
        runtime="litert",
    )
    win.tabs.setCurrentIndex(1)
    return win


@pytest.mark.slow
def test_digit_images_read_the_same_in_the_window_and_the_command_line(
    qtbot, digit_window, tmp_path, capsys
):
    """Transparent (either ink colour), light and dark images of one seven: the command line and
    the window make the very same 28x28 input and read a 7 from each (before one rule, the
    command line composited transparency on black and the window on white: a black seven on a
    transparent canvas vanished for one of them)."""
    from inception_desktop.gui.digit.image_requests import DigitImageResult

    ws = digit_window.digit
    for kind in KINDS:
        path = digit_image(kind, tmp_path / f"{kind}.png")
        label, cli_input = cli_digit(capsys, path, tmp_path / "inputs")
        ws.open_image(str(path))
        qtbot.waitUntil(
            lambda p=path: (
                isinstance(ws.result, DigitImageResult)
                and ws.answer.text() != ""
                and ws.channel.waiting() == 0
            ),
            timeout=10000,
        )
        window_input = ws.result.steps.input
        assert np.array_equal(window_input, cli_input), kind
        assert label == "7", kind
        assert ws.answer.text().split()[0] == "7", (kind, ws.bars.rows())
        ws.result = None


@pytest.mark.slow
def test_a_users_mnist_model_is_converted_in_a_child_process_not_in_the_window(tmp_path):
    """A user's .keras digit model must be converted for LiteRT (TensorFlow): the window's
    process asks 'inception-desktop convert' to do it and never imports TensorFlow itself."""
    import shutil
    import subprocess
    import sys

    from inception_desktop.core.store.resources import MNIST_MODEL, resource_path

    with resource_path(MNIST_MODEL) as shipped:
        mine = shutil.copyfile(shipped, tmp_path / "mine.keras")
    script = f"""
import sys, time
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from inception_desktop.gui.runtime.worker import default_factories
from inception_desktop.gui.shell.main_window import MainWindow
from inception_desktop.gui.shell.settings import Settings
app = QApplication([])
settings = Settings(QSettings({str(tmp_path / "s.ini")!r}, QSettings.Format.IniFormat))
win = MainWindow(settings, default_factories(None), runtime="litert")
win.show()
win.start_models()
win.digit.load_model({str(mine)!r})
deadline = time.monotonic() + 300
while not win.digit.model.state.name.endswith("mine") and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.01)
print(win.digit.model.state.name, "tensorflow" in sys.modules)
win.close()
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=400
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split()[-2:] == ["mine", "False"], result.stdout


@pytest.mark.parametrize("what", ["missing", "folder"])
def test_a_model_that_is_not_a_file_is_one_clear_line_everywhere(what, tmp_path, capsys):
    """Issue 23, item 10: ``--model MISSING.keras`` ended in an internal error (exit 70); one
    model-name check in the core now refuses it by name for classify, explain and convert."""
    photo = digit_image("light", tmp_path / "seven.png")
    model = tmp_path / "model.keras"
    if what == "folder":
        model.mkdir()
    reason = "no such model file" if what == "missing" else "is a folder, not a model file"
    for argv in (
        ["classify", str(photo), "--model", str(model)],
        ["explain", str(photo), "--model", str(model), "--out", str(tmp_path / "out")],
        ["convert", str(model)],
    ):
        assert main(argv) == 1, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and reason in err and str(model) in err, (argv, err)
