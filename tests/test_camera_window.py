"""The Camera/Video source in the window: a video file the test writes, played through the real
capture path (OpenCV on the capture thread), the real window and real clicks; cameras through
their errors (there is no camera here)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from tests.fakes import FakeClassifier
from tests.video_files import moving_shapes, written_digit

pytest.importorskip("cv2", reason="the camera extra (opencv-python-headless) is not installed")

CLICK = Qt.MouseButton.LeftButton


@pytest.fixture
def slow_window(make_window):
    """The window whose photo model takes 60 ms a frame: slower than a 25 fps video."""
    photo = FakeClassifier("Fake Inception", (299, 299, 3), 1000, delay=0.06)
    digit = FakeClassifier("Fake MNIST", (28, 28), 10)
    win = make_window({"photo": lambda path: photo, "digit": lambda path: digit})
    win.photo_model = photo
    return win


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return moving_shapes(tmp_path / "shapes.avi", frames=40, fps=25.0)


def _frame_number(win) -> int:
    """The frame the Photo workspace's title says it shows ("… 320x240 video frame N")."""
    title = win.photo.title.text()
    return int(title.rsplit(" ", 1)[1]) if "video frame" in title else -1


def test_a_video_plays_and_only_the_newest_frames_are_classified(qtbot, slow_window, clip):
    win = slow_window
    camera = win.photo.camera
    shown, answered, waiting = [], [], []
    camera.feed.frameShown.connect(lambda f: (shown.append(f.index), waiting.append(
        win.photo.channel.waiting())))  # fmt: skip
    camera.feed.answered.connect(lambda f, r: answered.append(f.index))
    win.photo.play_video(str(clip))
    assert camera.bar.isVisible() and camera.bar.pause_button.isEnabled()
    qtbot.waitUntil(lambda: len(answered) >= 8, timeout=15000)
    assert _frame_number(win) >= 0 and win.photo.view.image_rect().width() > 0
    assert win.photo.headline.text() and win.photo.bars.rows()
    assert win.photo.input_view.array().shape == (299, 299, 3)
    assert max(waiting) <= 1  # never a queue: one request at a time
    assert answered == sorted(answered) and len(set(answered)) == len(answered)
    gaps = [b - a for a, b in itertools.pairwise(answered)]
    assert max(gaps) > 1  # frames shown while the model worked were dropped, not queued
    stats = camera.feed.stats
    assert stats.shown > stats.classified and stats.dropped > 0
    assert "fps" in win.status.live.text() and "dropped" in win.status.live.text()
    assert win.problems_button is not None and len(win.problems) == 0


def test_freeze_holds_the_picture_and_snapshot_puts_it_in_the_strip(qtbot, slow_window, clip):
    win = slow_window
    camera = win.photo.camera
    win.photo.play_video(str(clip))
    qtbot.waitUntil(lambda: _frame_number(win) >= 3, timeout=10000)
    qtbot.mouseClick(camera.bar.freeze_button, CLICK)
    held = _frame_number(win)
    qtbot.wait(300)  # the video goes on (25 fps): 7 frames that must not show
    assert _frame_number(win) == held
    qtbot.mouseClick(camera.bar.snapshot_button, CLICK)
    qtbot.waitUntil(lambda: win.photo.photo_count() == 1, timeout=10000)
    assert win.photo.live()  # the strip took it; the live picture stays in front
    qtbot.mouseClick(camera.bar.stop_button, CLICK)
    assert not win.photo.live() and win.status.live.text() == ""
    qtbot.waitUntil(lambda: "video frame" not in win.photo.title.text(), timeout=5000)
    assert win.photo.current_photo() is not None  # the snapshot, shown as a photo
    assert win.photo.current_photo().loaded.size == (320, 240)


def test_pause_and_step_go_one_frame_at_a_time(qtbot, slow_window, clip):
    win = slow_window
    camera = win.photo.camera
    win.photo.play_video(str(clip))
    qtbot.waitUntil(lambda: _frame_number(win) >= 2, timeout=10000)
    qtbot.mouseClick(camera.bar.pause_button, CLICK)
    qtbot.wait(200)
    paused = _frame_number(win)
    qtbot.wait(200)
    assert _frame_number(win) == paused
    qtbot.mouseClick(camera.bar.step_button, CLICK)
    qtbot.waitUntil(lambda: _frame_number(win) == paused + 1, timeout=5000)


def test_a_crop_box_drawn_on_the_live_picture_frames_the_next_frames(qtbot, slow_window, clip):
    from tests.gui_helpers import drag, polyline

    win = slow_window
    view = win.photo.view
    answers = []
    win.photo.camera.feed.answered.connect(lambda frame, result: answers.append(result))
    win.photo.play_video(str(clip))
    qtbot.waitUntil(lambda: len(answers) >= 1, timeout=10000)
    rect, scale = view.image_rect(), view.image_rect().width() / 320
    corners = [(rect.x() + x * scale, rect.y() + y * scale) for x, y in ((160, 8), (312, 120))]
    drag(view, polyline(corners))  # real mouse events, while frames keep coming
    box = win.photo.framing.box
    assert box is not None and 150 < box.x < 170 and box.w > 120
    seen = len(answers)
    qtbot.waitUntil(lambda: len(answers) >= seen + 2, timeout=10000)
    framed = answers[-1].framed
    assert framed.framing.box == box  # the box drawn, applied to a frame that came after it
    x0, _, x1, _ = framed.source_rect
    assert x0 >= box.x - 1 and x1 <= box.x + box.w + 1
    assert view.box() is not None  # the box stays on the picture as frames replace each other


def test_a_file_that_is_not_a_video_is_one_problem(qtbot, window, tmp_path):
    bad = tmp_path / "notes.mp4"
    bad.write_text("not a video\n" * 40)
    window.photo.play_video(str(bad))
    qtbot.waitUntil(lambda: len(window.problems) == 1, timeout=10000)
    assert "notes.mp4" in window.problems.text() and "cannot open" in window.problems.text()
    qtbot.waitUntil(lambda: not window.photo.live(), timeout=5000)
    assert window.photo.camera.bar.camera_button.isEnabled()  # ready to try again
    qtbot.wait(200)
    assert len(window.problems) == 1


def test_a_missing_camera_is_one_problem_and_the_window_goes_on(qtbot, window, tmp_path):
    window.photo.camera.start_camera(57)
    qtbot.waitUntil(lambda: len(window.problems) == 1, timeout=10000)
    assert "Camera 57" in window.problems.text() and "no camera" in window.problems.text()
    assert not window.photo.live()
    window.settings.sync()
    assert window.settings.camera == 0  # a camera that never gave a picture is not remembered
    clip = written_digit(tmp_path / "seven.avi", frames=3)  # and the source still works
    window.photo.play_video(str(clip))
    qtbot.waitUntil(lambda: window.photo.camera.feed.stats.classified >= 1, timeout=10000)


def test_without_opencv_the_bar_says_what_to_install_and_copies_it(qtbot, window, monkeypatch):
    from inception_desktop.gui.widgets import live_bar, live_source

    monkeypatch.setattr(live_source, "capture_available", lambda: False)
    monkeypatch.setattr(live_bar, "capture_available", lambda: False, raising=False)
    window.menus.photo_camera_action.trigger()
    bar = window.photo.camera.bar
    assert bar.isVisible() and bar.missing.isVisible()
    assert 'pip install "inception-desktop[camera]"' in bar.missing.text()
    qtbot.mouseClick(bar.copy_button, CLICK)
    assert "opencv-python-headless" in QGuiApplication.clipboard().text()
    assert len(window.problems) == 1 and "needs OpenCV" in window.problems.text()
    assert not window.photo.live()


def test_the_remembered_camera_is_offered_first(qtbot, make_window, settings):
    settings.camera = 3
    win = make_window(settings=settings)
    win.photo.camera.open_bar()
    assert win.photo.camera.bar.chosen_camera() == 3


@pytest.mark.slow
def test_a_filmed_digit_is_read_live_in_the_digit_workspace(qtbot, make_window, fakes, tmp_path):
    from inception_desktop.gui.runtime.worker import default_factories

    photo = fakes["photo"]
    win = make_window({"photo": lambda path: photo, "digit": default_factories()["digit"]})
    win.tabs.setCurrentIndex(1)
    clip = written_digit(tmp_path / "seven.avi", "7", frames=15)
    win.menus.digit_camera_action.setEnabled(True)
    win.digit.camera.play(str(clip))
    qtbot.waitUntil(lambda: win.digit.answer.text().startswith("7"), timeout=20000)
    assert "fps" in win.status.live.text()
    qtbot.mouseClick(win.digit.camera.bar.stop_button, CLICK)
    assert not win.digit.camera.live() and win.status.live.text() == ""
