"""Open the real window offscreen, drive both workspaces, and save PNGs for the README.

Usage: python packaging/screenshots.py OUT_DIR

Inception v3's ImageNet weights cannot be downloaded everywhere, so unless they are installed in
the user's cache this script uses weights with fixed random values (the labels shown are then
meaningless, and the picture says so in its title). The Digit workspace uses the shipped model.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw


def sample_photo(path: Path) -> Path:
    """A synthetic photo: sky, a sun and a house, 640x400."""
    image = Image.new("RGB", (640, 400), (120, 170, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 300, 640, 400], fill=(70, 140, 60))
    draw.ellipse([480, 40, 560, 120], fill=(250, 220, 60))
    draw.rectangle([160, 180, 360, 320], fill=(200, 80, 60))
    draw.polygon([(140, 190), (260, 100), (380, 190)], fill=(110, 60, 40))
    draw.rectangle([240, 250, 280, 320], fill=(80, 50, 30))
    image.save(path)
    return path


def main(out: Path) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="inception-desktop-shots-"))
    from inception_desktop.core.store import weights
    from inception_desktop.core.store.download import file_digest

    if not weights.status().present:
        os.environ["INCEPTION_DESKTOP_CACHE"] = str(tmp / "cache")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from inception_desktop.gui.main_window import MainWindow
    from inception_desktop.gui.settings import Settings

    app = QApplication.instance() or QApplication(sys.argv[:1])
    settings = Settings(QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat))

    def wait(condition, seconds: float = 120.0) -> None:
        import time

        end = time.monotonic() + seconds
        while not condition():
            app.processEvents()
            time.sleep(0.01)
            if time.monotonic() > end:
                raise TimeoutError("the window did not get there in time")
        for _ in range(20):
            app.processEvents()

    window = MainWindow(settings)
    window.resize(1280, 760)
    window.show()
    window.start_models()
    wait(lambda: window.digit.model.state.ready)
    window.grab().save(str(out / "weights-missing.png"))

    random_weights = not weights.status().present
    if random_weights:
        # TensorFlow belongs to the worker thread: the random weights are made in a subprocess.
        import subprocess

        random_file = tmp / "random.h5"
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from inception_desktop.core.models.inception "
                "import make_random_weights as m; m(sys.argv[1])",
                str(random_file),
            ],
            check=True,
        )
        os.environ[weights.MD5_ENV] = file_digest(random_file)
        weights.import_file(random_file)
        window.worker.load("photo")
    wait(lambda: window.photo.model.state.ready)
    if random_weights:
        window.setWindowTitle(
            "Inception Desktop — test weights (random values, labels meaningless)"
        )
    window.open_paths([str(sample_photo(tmp / "house.png"))])
    wait(lambda: window.photo.result is not None)
    window.photo.view.set_box(None)
    window.photo.set_mode("pad")
    wait(lambda: window.photo.result.framed.framing.mode == "pad")
    from inception_desktop.core.photo.framing import Box

    box = Box(120, 80, 300, 260)
    window.photo.view.set_box(box)
    window.photo._box_changed(box)
    wait(lambda: window.photo.result.framed.framing.box == box)
    window.grab().save(str(out / "photo.png"))

    window.photo.compare()
    wait(lambda: window.photo.compare_dialog is not None)
    window.photo.compare_dialog.resize(1100, 560)
    wait(lambda: True)
    window.photo.compare_dialog.grab().save(str(out / "compare.png"))
    window.photo.compare_dialog.close()

    window.tabs.setCurrentIndex(1)
    from tests.gui_helpers import drag, polyline

    canvas = window.digit.canvas
    wait(lambda: True)
    t = canvas._target()
    seven = [(0.25, 0.2), (0.72, 0.2), (0.42, 0.85)]
    drag(canvas, polyline([(t.x() + x * t.width(), t.y() + y * t.height()) for x, y in seven]))
    wait(lambda: window.digit.result is not None and window.digit.result.prediction is not None)
    window.grab().save(str(out / "digit.png"))

    window.close()
    print("\n".join(str(p) for p in sorted(out.glob("*.png"))))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs")))
