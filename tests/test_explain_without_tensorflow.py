"""On a CPU the window explains a photo with Grad-CAM on LiteRT and never imports TensorFlow."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_window_explains_with_gradcam_and_no_tensorflow(
    tmp_path, inception_weights, converted_inception, monkeypatch
):
    from PIL import Image

    from inception_desktop.core.store import weights
    from inception_desktop.core.store.download import file_digest

    monkeypatch.setenv(weights.MD5_ENV, file_digest(inception_weights))
    weights.import_file(inception_weights)  # into this test's cache, which the child inherits
    photo = tmp_path / "photo.png"
    Image.new("RGB", (400, 300), (200, 120, 40)).save(photo)
    script = f"""
import sys, time
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from inception_desktop.gui.runtime.worker import default_factories
from inception_desktop.gui.shell.main_window import MainWindow
from inception_desktop.gui.shell.settings import Settings
app = QApplication([])
settings = Settings(QSettings({str(tmp_path / 's.ini')!r}, QSettings.Format.IniFormat))
win = MainWindow(settings, default_factories(None), runtime="litert")
win.show()
win.start_models()
win.workspaces.show("photo")
win.photo.open_framed({str(photo)!r}, win.photo.framing)
said = []
win.photo.notice.connect(said.append)
win.photo.set_explaining(True)
deadline = time.monotonic() + 300
while win.photo.heat is None and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.01)
heat = win.photo.heat
print("occlusion said:", any("occlusion" in text for text in said))
print(heat.method if heat else None, heat.layer if heat else None, "tensorflow" in sys.modules)
win.close()
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=400, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split()[-3:] == ["gradcam", "mixed10", "False"], result.stdout
    # it knew from the start: no occlusion said (or run first) for a model with gradients
    assert "occlusion said: False" in result.stdout, result.stdout


def test_the_command_explains_a_digit_with_gradcam_and_no_tensorflow(tmp_path, isolated_cache):
    """``explain --model mnist`` (Grad-CAM, the default) runs on LiteRT: the map comes from the
    conversion's layer maps and the head's gradient in numpy, and TensorFlow is never imported."""
    import numpy as np
    from PIL import Image

    digit = np.full((112, 112), 255, np.uint8)
    digit[20:92, 48:64] = 0  # a dark "1" on white paper
    path = tmp_path / "one.png"
    Image.fromarray(digit).save(path)
    script = f"""
import sys
from inception_desktop.cli import main
code = main(["explain", {str(path)!r}, "--model", "mnist", "--out", {str(tmp_path / "out")!r},
             "--json"])
print("TF", "tensorflow" in sys.modules, file=sys.stderr)
sys.exit(code)
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr.strip().splitlines()[-1] == "TF False"
    import json

    (entry,) = json.loads(result.stdout)
    assert entry["method"] == "gradcam" and entry["layer"] and entry["class"]["label"] == "1"
