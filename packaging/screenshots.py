"""Open the real window, drive both workspaces, and save PNGs for the README.

Usage: python packaging/screenshots.py OUT_DIR [--size WxH]

``make screenshots`` runs it once per screen size (1280x800 and 1024x700) on a virtual X11 screen
(Xvfb) with a window manager (openbox), the window maximised as a person would have it, and takes
each picture of the whole screen with ImageMagick's ``import -window root``: window decorations,
real fonts, focus and layout included, which an offscreen grab hides. Without an X11 display
(``QT_QPA_PLATFORM=offscreen``) it falls back to grabbing the window at that size. Files are named
``<what>-<W>x<H>.png``.

Inception v3's ImageNet weights cannot be downloaded everywhere, so unless they are installed in
the user's cache this script uses weights with fixed random values (the labels shown are then
meaningless, and the picture says so in its title). The Digit workspace uses the shipped model.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
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


def main(out: Path, size: tuple[int, int]) -> int:
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out.mkdir(parents=True, exist_ok=True)
    os.environ["INCEPTION_DESKTOP_DATA"] = tempfile.mkdtemp(prefix="shots-data-")  # no history
    suffix = f"{size[0]}x{size[1]}"
    tmp = Path(tempfile.mkdtemp(prefix="inception-desktop-shots-"))
    from inception_desktop.core.store import weights
    from inception_desktop.core.store.download import file_digest

    if not weights.status().present:
        os.environ["INCEPTION_DESKTOP_CACHE"] = str(tmp / "cache")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from inception_desktop.gui.shell.main_window import MainWindow
    from inception_desktop.gui.shell.settings import Settings

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

    real_screen = app.platformName() == "xcb" and shutil.which("import") is not None

    def shot(widget, name: str) -> None:
        """The whole screen on X11 (what a person sees), else the widget's own grab."""
        wait(lambda: True)
        path = out / f"{name}-{suffix}.png"
        if real_screen:
            import time

            time.sleep(0.3)  # let the window manager and the compositor settle
            wait(lambda: True)
            subprocess.run(["import", "-window", "root", str(path)], check=True)
        else:
            widget.grab().save(str(path))

    window = MainWindow(settings)
    if real_screen:
        window.showMaximized()
    else:
        window.resize(*size)
        window.show()
    window.start_models()
    wait(lambda: window.digit.model.state.ready)
    shot(window, "weights-missing")

    random_weights = not weights.status().present
    if random_weights:
        # TensorFlow belongs to the worker thread: the random weights are made in a subprocess.
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
    window.photo.view.boxChanged.emit(box)  # what a drag reports
    wait(lambda: window.photo.result.framed.framing.box == box)
    shot(window, "photo")

    window.photo.compare()
    wait(lambda: window.photo.compare_dialog is not None)
    dialog = window.photo.compare_dialog
    dialog.resize(min(1100, size[0] - 40), min(560, size[1] - 80))
    wait(lambda: True)
    shot(dialog, "compare")
    dialog.close()

    window.tabs.setCurrentIndex(1)
    from tests.gui_helpers import drag, polyline

    canvas = window.digit.canvas
    wait(lambda: True)
    t = canvas._target()
    seven = [(0.25, 0.2), (0.72, 0.2), (0.42, 0.85)]
    drag(canvas, polyline([(t.x() + x * t.width(), t.y() + y * t.height()) for x, y in seven]))
    wait(lambda: window.digit.result is not None and window.digit.result.prediction is not None)
    shot(window, "digit")

    # The Retrain workspace on its features step: sample classes read, the augmentation boxes.
    from inception_desktop.gui.retrain.workspace import FEATURES
    from tests.test_retrain import make_classes

    window.tabs.setCurrentIndex(2)
    retrain = window.retrain
    retrain.set_data_folder(make_classes(tmp / "classes", per_class=12))
    wait(lambda: retrain.choice is not None and not retrain.busy)
    retrain.go_to(FEATURES)
    retrain.features_page.augment_check.setChecked(True)
    shot(window, "retrain")

    # Its Audit step on folders with planted problems: the map, the suspects, a selection.
    from inception_desktop.gui.retrain.workspace import AUDIT
    from tests.audit_data import make_audit_data

    planted = make_audit_data(tmp / "audit", per_class=20)
    retrain.set_data_folder(planted.root)
    wait(lambda: retrain.choice is not None and not retrain.busy)
    retrain.go_to(AUDIT)
    retrain.audit_step.run()
    wait(lambda: retrain.audit_step.result is not None and not retrain.busy)
    retrain.audit_page.suspects.item(0).setSelected(True)
    shot(window, "audit")

    window.close()
    print("\n".join(str(p) for p in sorted(out.glob("*.png"))))
    return 0


def _size(text: str) -> tuple[int, int]:
    w, _, h = text.partition("x")
    return int(w), int(h)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    parser = argparse.ArgumentParser(description="Screenshots of the real window for docs/.")
    parser.add_argument("out", nargs="?", type=Path, default=Path("docs"))
    parser.add_argument("--size", type=_size, default=(1280, 800), help="screen size, WxH")
    args = parser.parse_args()
    raise SystemExit(main(args.out, args.size))
