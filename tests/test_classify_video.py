"""``inception-desktop classify VIDEO``: each sampled frame framed as a photo and classified,
its record carrying the frame's index and time; a broken video one error record, not a crash."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from inception_desktop.cli import main
from inception_desktop.core.photo.framing import Box, Framing
from inception_desktop.core.photo.prepare import photo_input
from inception_desktop.core.video.as_photo import frame_input
from tests.video_files import moving_shapes, shape_frame, written_digit

pytest.importorskip("cv2", reason="the camera extra (opencv-python-headless) is not installed")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_filmed_digit_is_read_frame_by_frame(tmp_path, capsys):
    seven = written_digit(tmp_path / "seven.avi", "7", frames=10)
    three = written_digit(tmp_path / "three.avi", "3", frames=10)
    code, out, err = run(
        capsys, "classify", seven, three, "--model", "mnist", "--every", "4", "--format", "jsonl"
    )
    assert code == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    assert [(Path(r["path"]).name, r["frame"], r["time"]) for r in records] == [
        ("seven.avi", 0, 0.0), ("seven.avi", 4, 0.4), ("seven.avi", 8, 0.8),
        ("three.avi", 0, 0.0), ("three.avi", 4, 0.4), ("three.avi", 8, 0.8),
    ]  # fmt: skip
    assert [r["top"][0]["label"] for r in records] == ["7"] * 3 + ["3"] * 3


def test_fps_samples_the_videos_clock_and_the_table_names_each_frame(tmp_path, capsys):
    clip = written_digit(tmp_path / "seven.avi", "7", frames=10, fps=10.0)
    code, out, _ = run(capsys, "classify", clip, "--model", "mnist", "--fps", "4", "--top", "1")
    assert code == 0
    assert [line.split("  (")[0] for line in out.splitlines() if "@ frame" in line] == [
        f"{clip} @ frame {i} ({i / 10:.2f} s)" for i in (0, 3, 5, 8)
    ]


def test_a_broken_video_is_one_error_and_the_others_go_on(tmp_path, capsys):
    bad = tmp_path / "notes.mp4"
    bad.write_text("not a video\n" * 50)
    good = written_digit(tmp_path / "seven.avi", "7", frames=3)
    code, out, err = run(capsys, "classify", bad, good, "--model", "mnist", "--format", "jsonl")
    assert code == 1
    assert "Traceback" not in err and "WARN" not in err  # OpenCV's own log lines stay quiet
    records = [json.loads(line) for line in out.splitlines()]
    assert records[0] == {"path": str(bad), "error": records[0]["error"]}
    assert "cannot open" in records[0]["error"]
    assert [r["top"][0]["label"] for r in records[1:]] == ["7"] * 3


def test_every_and_fps_together_is_a_usage_error(tmp_path, capsys):
    clip = written_digit(tmp_path / "seven.avi", "7", frames=2)
    with pytest.raises(SystemExit) as exit_:
        run(capsys, "classify", clip, "--model", "mnist", "--every", "2", "--fps", "3")
    assert exit_.value.code == 2
    code, _, err = run(capsys, "classify", clip, "--model", "mnist", "--every", "0")
    assert code == 2 and "--every" in err


@pytest.mark.parametrize("framing", [Framing("pad"), Framing("crop", Box(40, 20, 200, 150))])
def test_a_frame_is_framed_exactly_as_the_same_picture_saved_as_a_photo(tmp_path, framing):
    frame = shape_frame(9)
    png = tmp_path / "frame.png"
    Image.fromarray(frame).save(png)
    as_frame = frame_input(frame, "clip.avi", framing, 299)
    as_photo = photo_input(png, framing, 299)
    assert np.array_equal(as_frame.array, as_photo.array)
    assert as_frame.source_rect == as_photo.source_rect


def test_frames_of_moving_shapes_differ_and_follow_the_clip(tmp_path, capsys):
    """The photo path with the digit model's reading off: each frame's input is saved."""
    clip = moving_shapes(tmp_path / "shapes.avi", frames=6, fps=6.0)
    code, out, err = run(
        capsys, "classify", clip, "--model", "mnist", "--format", "jsonl",
        "--save-input", tmp_path / "inputs",
    )  # fmt: skip
    assert code == 0, err
    assert [json.loads(line)["frame"] for line in out.splitlines()] == list(range(6))
    saved = sorted((tmp_path / "inputs").iterdir())
    assert len(saved) == 6
    assert len({p.read_bytes() for p in saved}) == 6  # six different frames, not one six times
