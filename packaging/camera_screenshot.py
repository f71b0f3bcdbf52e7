"""The README's picture of the Camera source: the Digit workspace reading a filmed page, live.

A clip of a digit written on paper is made here and played through the Digit workspace's Camera
source (the real capture path and the shipped MNIST model); the picture is taken while it plays,
as ``screenshots.py`` takes its own: the whole virtual X11 screen with ImageMagick's ``import``.

Run: ``xvfb-run -a -s "-screen 0 1280x800x24" sh -c "openbox & sleep 1;
.venv/bin/python packaging/camera_screenshot.py docs"``
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(out: Path) -> int:
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["INCEPTION_DESKTOP_DATA"] = tempfile.mkdtemp(prefix="shots-data-")
    tmp = Path(tempfile.mkdtemp(prefix="camera-shot-"))
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from inception_desktop.gui.shell.main_window import MainWindow
    from inception_desktop.gui.shell.settings import Settings
    from tests.video_files import written_digit

    app = QApplication.instance() or QApplication(sys.argv[:1])

    def wait(condition, seconds: float = 120.0) -> None:
        end = time.monotonic() + seconds
        while not condition():
            app.processEvents()
            time.sleep(0.01)
            if time.monotonic() > end:
                raise TimeoutError("the window did not get there in time")

    settings = Settings(QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings)
    real_screen = app.platformName() == "xcb" and shutil.which("import") is not None
    if real_screen:
        window.showMaximized()
    else:
        window.resize(1280, 800)
        window.show()
    window.start_models()
    window.workspaces.show("digit")
    wait(lambda: window.digit.model.state.ready)
    clip = written_digit(tmp / "page.avi", "4", frames=200, fps=25.0)
    window.digit.camera.play(str(clip))
    wait(lambda: window.digit.camera.feed.stats.classified >= 20)
    end = time.monotonic() + 0.5
    wait(lambda: time.monotonic() > end)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "camera-digit-1280x800.png"
    if real_screen:
        subprocess.run(["import", "-window", "root", str(path)], check=True)
    else:
        window.grab().save(str(path))
    window.close()
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs"))
