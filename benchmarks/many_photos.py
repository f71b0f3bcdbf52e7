"""Many photos in the window: the GUI thread while a thousand load, and memory for camera photos.

* worst GUI stall while 1,000 small JPEGs (a folder, opened as a drop opens it) load: the worst
  lateness of a 5 ms heartbeat timer on the GUI thread, from the drop until all 1,000 thumbnails
  are in the strip (target < 50 ms); baseline: the same heartbeat with nothing loading.
* memory for 60 camera-sized photos (4000x3000 JPEGs): RSS before opening them and once all 60 are
  in the strip (before the LRU of decoded photos: 0.9 → 2.2 GB, +20.8 MB a photo, never released).

The models are the fakes from ``tests/fakes.py`` (this measures the window, not inference).
Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/many_photos.py [N_SMALL N_CAMERA]``
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from soak import Heartbeat, make_jpegs, rss_bytes, settle, spin_until, window_with_fakes  # noqa: E402


def camera_jpegs(folder: Path, count: int) -> list[Path]:
    """``count`` distinct 4000x3000 JPEGs (12 MP, like a phone camera's)."""
    import numpy as np
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    small = rng.integers(0, 255, (300, 400, 3), dtype=np.uint8)
    base = np.asarray(Image.fromarray(small).resize((4000, 3000), Image.Resampling.BILINEAR))
    paths = []
    for i in range(count):
        array = base.copy()
        array[(i * 41) % 2500 :][:400, (i * 53) % 3500 :][:, :400] = (i * 4 % 256, 40, 200)
        path = folder / f"camera_{i:03d}.jpg"
        Image.fromarray(array).save(path, quality=90)
        paths.append(path)
    return paths


def count(window) -> int:
    return len(window.photo.photos)  # also works on the window before the photo LRU


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["INCEPTION_DESKTOP_CACHE"] = tempfile.mkdtemp(prefix="many-cache-")
    os.environ["INCEPTION_DESKTOP_DATA"] = tempfile.mkdtemp(prefix="many-data-")
    n_small, n_camera = (int(a) for a in (sys.argv[1:3] or (1000, 60)))
    from PySide6.QtWidgets import QApplication

    from inception_desktop.gui.runtime.garbage_collector import GarbageCollector

    app = QApplication.instance() or QApplication([])
    collector = GarbageCollector(app)
    work = Path(tempfile.mkdtemp(prefix="many-photos-"))
    started = time.perf_counter()
    small = make_jpegs(work / "small", n_small, (320, 240))
    print(f"{n_small} small JPEGs made in {time.perf_counter() - started:.1f} s", flush=True)

    window = window_with_fakes(str(work / "settings.ini"))
    beat = Heartbeat()
    beat.start()
    spin_until(lambda: beat.ticks > 200)
    idle = beat.stop()

    beat.start()
    started = time.perf_counter()
    window.open_paths([str(small[0].parent)])
    spin_until(lambda: count(window) == n_small, timeout=300)
    seconds = time.perf_counter() - started
    worst = beat.stop()
    selected = Path(window.photo.current_photo().loaded.source).name
    print(
        f"worst GUI stall while {n_small} photos load  {worst:6.1f} ms  (idle heartbeat worst "
        f"{idle:.1f} ms); all in the strip after {seconds:.1f} s; selected: {selected}",
        flush=True,
    )

    if hasattr(window.photo, "remove_all"):
        window.photo.remove_all()
    settle()
    gc.collect()
    camera = camera_jpegs(work / "camera", n_camera)
    settle()
    gc.collect()
    before = rss_bytes()
    window.open_paths([str(camera[0].parent)])
    spin_until(lambda: count(window) == n_camera, timeout=600)
    window.photo.loader.wait()
    settle()
    gc.collect()
    after = rss_bytes()
    print(
        f"RSS for {n_camera} 4000x3000 JPEGs  {before / 2**20:7.1f} → {after / 2**20:7.1f} MiB "
        f"(+{(after - before) / n_camera / 2**20:.1f} MiB a photo)",
        flush=True,
    )
    window.close()
    collector.stop()


if __name__ == "__main__":
    main()
