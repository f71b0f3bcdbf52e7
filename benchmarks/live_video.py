"""A video played through the window's Camera source: what it shows, what it classifies, what it
drops, and the worst GUI-thread stall, against the model's own rate measured in the same run.

The clip is written here (moving shapes for Inception v3, a written digit for MNIST) and played
through the real capture path (OpenCV on the capture thread) in the real window with the real
model. Printed:

* frames shown (and the rate they were shown at) against the clip's own frame rate;
* frames classified per second against the model's own rate: its ``serve`` of one frame (framing
  + network, or the digit reading + network) timed in a loop in this process, which is the most
  any live path can classify;
* dropped frames (read, never classified: the newest wins);
* the worst lateness of a 5 ms heartbeat timer on the GUI thread while the video plays (the
  window's stall), beside the same heartbeat with nothing running;
* resident memory at the start and end of the run (``--seconds`` replays the clip that long).

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/live_video.py [--model digit|photo]
[--seconds S] [--size 640x480] [--fps 30]``. The photo model needs Inception v3's weights (the
installed ones, else fixed random ones converted once: minutes on a small machine).
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def write_clip(model: str, size: tuple[int, int], fps: float, seconds: float) -> Path:
    import cv2
    import numpy as np

    from tests.video_files import shape_frame

    path = Path(tempfile.mkdtemp(prefix="live-")) / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    for i in range(round(fps * seconds)):
        if model == "photo":
            rgb = shape_frame(i, size)
        else:
            rgb = np.full((size[1], size[0], 3), 245, np.uint8)
            where = (size[0] // 3 + i % 5, size[1] * 4 // 5)
            font, scale, ink = cv2.FONT_HERSHEY_SIMPLEX, size[1] / 40, size[1] // 13
            cv2.putText(rgb, "7", where, font, scale, (20, 20, 20), ink)
        writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=("digit", "photo"), default="digit")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to play")
    parser.add_argument("--clip-seconds", type=float, default=10.0)
    parser.add_argument("--size", default="640x480")
    parser.add_argument("--fps", type=float, default=30.0)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["INCEPTION_DESKTOP_CACHE"] = os.environ.get(
        "INCEPTION_DESKTOP_CACHE", tempfile.mkdtemp()
    )
    os.environ["INCEPTION_DESKTOP_DATA"] = tempfile.mkdtemp()  # its history, not the user's
    width, height = (int(v) for v in args.size.split("x"))
    clip = write_clip(args.model, (width, height), args.fps, args.clip_seconds)

    if args.model == "photo":
        from _common import inception_weights

        from inception_desktop.core.store import weights
        from inception_desktop.core.store.download import file_digest

        path, what = inception_weights()
        os.environ[weights.MD5_ENV] = file_digest(path)
        weights.import_file(path)
        print(f"weights: {what}")

    from _common import shown_window
    from _common import spin_until as spin_within
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    spin_until = functools.partial(spin_within, timeout=900.0)  # a long play is waited for
    _app = QApplication.instance() or QApplication([])
    wake = QTimer()
    wake.start(20)

    window = shown_window()
    if args.model == "photo":
        window.worker.load("photo")
    kind = args.model
    spin_until(lambda: window.workspaces.get(kind).model.state.ready)
    workspace = window.workspaces.get(kind)
    window.workspaces.show(kind)
    camera = workspace.camera

    lateness: list[float] = []
    clock = QElapsedTimer()
    beat = QTimer()
    beat.setInterval(5)

    def tick() -> None:
        lateness.append(clock.nsecsElapsed() / 1e6 - 5.0)
        clock.restart()

    beat.timeout.connect(tick)
    clock.start()
    beat.start()
    spin_until(lambda: len(lateness) > 400)
    idle = max(lateness[1:])

    # The live run: the clip replayed until --seconds have passed.
    lateness.clear()
    rss_start = rss_mb()
    started = time.monotonic()
    shown = classified = dropped = 0
    rates: list[float] = []
    memory: list[float] = []  # RSS after each replay
    stalls: list[float] = []  # the worst of each replay while it runs
    starts: list[float] = []  # the worst while each replay starts (the first imports OpenCV)
    while time.monotonic() - started < args.seconds:
        camera.play(str(clip))
        spin_until(lambda: camera.reader is not None and camera.feed.stats.shown > 0)
        starts.append(max(lateness[1:], default=0.0))  # opening, until the first frame shows
        lateness[1:] = []
        spin_until(lambda: camera.bar.freeze_button.isChecked() or not camera.live())
        stats = camera.feed.stats
        shown, classified, dropped = (shown + stats.shown, classified + stats.classified,
                                      dropped + stats.dropped)  # fmt: skip
        rates.append(stats.fps)
        camera.stop()
        stalls.append(max(lateness[1:], default=0.0))
        memory.append(rss_mb())
        lateness[1:] = []
    elapsed = time.monotonic() - started
    beat.stop()
    stall = max(stalls)
    rss_end = rss_mb()
    problems = len(window.problems)

    # The model's own rate: one frame served (framing or reading + network) in a loop, here,
    # once the worker has answered the last frame (one interpreter is not for two threads).
    spin_until(lambda: workspace.channel.waiting() == 0)
    from inception_desktop.core.video.source import open_video

    with open_video(clip) as video:
        frame = video.read()
    assert frame is not None
    model = window.worker._models[kind]
    if kind == "photo":
        from inception_desktop.gui.photo.camera import FrameRequest

        request = FrameRequest(frame.image, "clip", workspace.framing)
    else:
        from inception_desktop.gui.digit.image_requests import LiveDigitRequest

        request = LiveDigitRequest(frame.image)
    for _ in range(3):
        request.serve(model)
    samples = []
    for _ in range(20):
        t0 = time.perf_counter()
        request.serve(model)
        samples.append(time.perf_counter() - t0)
    own_ms = statistics.median(samples) * 1000
    window.close()

    print(f"clip: {width}x{height} at {args.fps:g} fps, played {elapsed:.1f} s; model: "
          f"{model.name} on {model.device}")  # fmt: skip
    print(f"frames shown        {shown:6d}  ({shown / elapsed:5.1f}/s; the clip's rate "
          f"{args.fps:g}/s)")  # fmt: skip
    print(f"frames classified   {classified:6d}  ({classified / elapsed:5.1f}/s; the model's own "
          f"rate {1000 / own_ms:.1f}/s = {own_ms:.1f} ms a frame)")  # fmt: skip
    print(f"frames dropped      {dropped:6d}  (read, never classified: the newest won)")
    later = f"; replays after the first: {max(stalls[1:]):.1f} ms" if len(stalls) > 1 else ""
    print(f"worst GUI stall     {stall:6.1f} ms  while playing (idle heartbeat: {idle:.1f} ms"
          f"{later})")  # fmt: skip
    print(
        f"worst while opening {max(starts):6.1f} ms  (the first opening: {starts[0]:.1f} ms, "
        "OpenCV's import included)"
    )
    print(f"memory (RSS)        {rss_start:6.0f} MB at start, {rss_end:.0f} MB at the end; "
          f"after each replay: {' '.join(f'{m:.0f}' for m in memory)}")  # fmt: skip
    print(f"problems            {problems:6d}")


if __name__ == "__main__":
    main()
