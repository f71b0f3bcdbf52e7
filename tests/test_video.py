"""The frame source (core.video): files through the real OpenCV path, cameras through their
errors (there is no camera here), and sampling by ``--every`` / ``--fps``."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from inception_desktop.core.errors import InceptionDesktopError
from inception_desktop.core.video import cameras, source
from inception_desktop.core.video.errors import (
    CameraBusyError,
    CameraLostError,
    CameraPermissionError,
    CaptureUnavailableError,
    NoCameraError,
    UndecodableVideoError,
)
from inception_desktop.core.video.files import is_video_path
from inception_desktop.core.video.sampling import Sampling, SamplingError, sampled_frames
from inception_desktop.core.video.source import FrameSource, open_camera, open_video
from tests.video_files import moving_shapes, shape_frame

pytest.importorskip("cv2", reason="the camera extra (opencv-python-headless) is not installed")


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return moving_shapes(tmp_path / "shapes.avi", frames=30, fps=10.0)


def test_a_file_gives_every_frame_as_rgb_with_its_time(clip):
    with open_video(clip) as video:
        assert (video.fps, video.frame_count) == (10.0, 30)
        frames = list(sampled_frames(video, Sampling()))
    assert [f.index for f in frames] == list(range(30))
    assert frames[12].time == pytest.approx(1.2)
    first = frames[12].image
    assert first.dtype == np.uint8 and first.shape == (240, 320, 3)
    # RGB, not OpenCV's BGR: the red disc is red (MJPG blurs a few levels)
    expected = shape_frame(12)
    assert np.abs(first.astype(int) - expected).mean() < 6
    assert first[80, 30 + 12 * 7].tolist()[0] > 180


def test_every_n_and_fps_follow_the_videos_own_clock(clip):
    with open_video(clip) as video:
        assert [f.index for f in sampled_frames(video, Sampling(every=7))] == [0, 7, 14, 21, 28]
    with open_video(clip) as video:
        times = [f.time for f in sampled_frames(video, Sampling(fps=2.0))]
    assert times == pytest.approx([0.0, 0.5, 1.0, 1.5, 2.0, 2.5])


@pytest.mark.parametrize(
    ("every", "fps"), [(0, None), (-3, None), (1, 0.0), (1, -2.0), (2, 5.0), (1, float("nan"))]
)
def test_sampling_out_of_range_is_a_usage_error(every, fps):
    with pytest.raises(SamplingError):
        Sampling(every, fps)


def test_files_that_are_not_videos_fail_at_opening_with_a_reason(tmp_path):
    text = tmp_path / "notes.avi"
    text.write_text("this is not a video\n" * 100)
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    for path in (text, empty, tmp_path / "missing.mp4", tmp_path):
        with pytest.raises(UndecodableVideoError) as caught:
            open_video(path)
        assert isinstance(caught.value, InceptionDesktopError)
        assert str(path) in str(caught.value) and caught.value.reason


def test_a_video_cut_short_still_gives_the_frames_it_has(clip, tmp_path):
    cut = tmp_path / "cut.avi"
    data = clip.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with open_video(cut) as video:
        frames = list(sampled_frames(video, Sampling()))
    assert 5 < len(frames) < 30


def test_is_video_path_by_suffix():
    assert is_video_path("a/b/Clip.MP4") and is_video_path(Path("x.mkv"))
    assert not is_video_path("photo.jpg") and not is_video_path("video")


def test_a_missing_camera_says_which_cameras_there_are(tmp_path, monkeypatch):
    monkeypatch.setattr(cameras, "DEVICE_DIR", tmp_path)
    monkeypatch.setattr(cameras, "SYSFS_DIR", tmp_path / "sys")
    monkeypatch.setattr(cameras, "lists_devices", lambda: True)
    monkeypatch.setattr(source, "lists_devices", lambda: True)
    with pytest.raises(NoCameraError, match="no camera is connected"):
        open_camera(3)
    (tmp_path / "video2").write_bytes(b"")
    (tmp_path / "sys" / "video2").mkdir(parents=True)
    (tmp_path / "sys" / "video2" / "name").write_text("USB Camera\n")
    (tmp_path / "sys" / "video2" / "index").write_text("0\n")
    (tmp_path / "video3").write_bytes(b"")  # video2's metadata node
    (tmp_path / "sys" / "video3").mkdir()
    (tmp_path / "sys" / "video3" / "index").write_text("1\n")
    assert cameras.list_cameras() == [cameras.CameraInfo(2, "USB Camera")]
    with pytest.raises(NoCameraError, match=r"there is no camera 5 \(cameras found: 2\)"):
        open_camera(5)


def test_a_camera_index_that_does_not_exist_here():
    if not sys.platform.startswith("linux") or list(Path("/dev").glob("video*")):
        pytest.skip("this machine may have cameras")
    with pytest.raises(NoCameraError, match="Camera 0: there is no camera 0"):
        open_camera(0)


def test_a_refused_camera_says_how_to_be_allowed(tmp_path, monkeypatch):
    monkeypatch.setattr(cameras, "DEVICE_DIR", tmp_path)
    monkeypatch.setattr(source, "lists_devices", lambda: True)
    (tmp_path / "video0").write_bytes(b"")
    # (tests run as root here, where every access is allowed: the system's answer is stood in)
    monkeypatch.setattr(source.os, "access", lambda path, mode: False)
    with pytest.raises(CameraPermissionError, match="usermod -aG video"):
        open_camera(0)


def test_a_device_that_will_not_open_is_reported_busy(tmp_path, monkeypatch):
    monkeypatch.setattr(cameras, "DEVICE_DIR", tmp_path)
    monkeypatch.setattr(source, "lists_devices", lambda: True)
    monkeypatch.setattr(source, "device_path", lambda index: tmp_path / f"video{index}")
    (tmp_path / "video0").write_bytes(b"")  # exists, but V4L2 cannot start it
    with pytest.raises(CameraBusyError, match="another program"):
        open_camera(0)


class _Unplugged:
    """A capture that gives ``frames`` pictures and then none, as a camera pulled out does."""

    def __init__(self, frames: int) -> None:
        self.left = frames
        self.released = False

    def get(self, prop):
        return 30.0 if prop == 5 else 0  # CAP_PROP_FPS

    def grab(self):
        self.left -= 1
        return self.left >= 0

    def retrieve(self):
        return True, np.zeros((4, 4, 3), np.uint8)

    def release(self):
        self.released = True


def test_a_camera_unplugged_while_running_is_lost_and_released():
    import cv2

    capture = _Unplugged(3)
    camera = FrameSource(capture, "Camera 0", is_camera=True, cv2=cv2)
    assert [camera.read() is not None for _ in range(3)] == [True] * 3
    with pytest.raises(CameraLostError, match="after 3 frames: was it unplugged"):
        camera.read()
    assert capture.released and camera.closed


def test_a_camera_that_opens_without_a_picture_is_busy():
    import cv2

    capture = _Unplugged(0)
    with pytest.raises(CameraBusyError, match="another program"):
        FrameSource(capture, "Camera 0", is_camera=True, cv2=cv2)
    assert capture.released


def test_without_opencv_the_error_gives_the_install_command(clip, monkeypatch):
    monkeypatch.setitem(sys.modules, "cv2", None)  # import cv2 raises ImportError
    with pytest.raises(CaptureUnavailableError) as caught:
        open_video(clip)
    assert 'pip install "inception-desktop[camera]"' in str(caught.value)
    assert "opencv-python-headless" in str(caught.value)
