"""The command line, in process (fast) and once through the real entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from inception_desktop.cli import main


@pytest.fixture
def photo_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    rng = np.random.default_rng(1)
    Image.fromarray(rng.integers(0, 255, (120, 200, 3), dtype=np.uint8)).save(folder / "a.jpg")
    Image.fromarray(rng.integers(0, 255, (300, 100, 3), dtype=np.uint8)).save(folder / "b.png")
    (folder / "c_broken.jpg").write_bytes((folder / "a.jpg").read_bytes()[:200])
    (folder / "d_text.png").write_text("not an image")
    (folder / "readme.txt").write_text("ignored: not an image suffix")
    return folder


def test_json_gives_one_object_per_input_in_order(
    photo_folder, inception_weights, tmp_path, capsys
):
    empty = tmp_path / "empty"
    empty.mkdir()
    code = main(
        [
            "classify",
            str(photo_folder),
            str(tmp_path / "missing.jpg"),
            str(empty),
            "--json",
            "--top",
            "3",
            "--weights",
            str(inception_weights),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in err
    results = json.loads(out)
    assert [Path(r["path"]).name for r in results] == [
        "a.jpg",
        "b.png",
        "c_broken.jpg",
        "d_text.png",
        "missing.jpg",
        "empty",
    ]
    good, bad = results[:2], results[2:]
    for r in good:
        assert set(r) == {"path", "model", "framing", "top", "ms"}
        assert r["model"] == "Inception v3" and r["framing"] == "pad"
        assert len(r["top"]) == 3 and r["top"][0]["score"] >= r["top"][1]["score"]
        assert set(r["top"][0]) == {"index", "label", "score"}
    assert [set(r) for r in bad] == [{"path", "error"}] * 4
    assert "truncated" in bad[0]["error"] and "not an image" in bad[1]["error"]
    assert "no such file" in bad[2]["error"] and "no images" in bad[3]["error"]


def test_all_good_exits_zero_and_prints_a_table(photo_folder, inception_weights, capsys):
    code = main(
        [
            "classify",
            str(photo_folder / "a.jpg"),
            "--framing",
            "crop",
            "--weights",
            str(inception_weights),
        ]
    )
    out, _ = capsys.readouterr()
    assert code == 0
    assert "a.jpg" in out and "crop" in out and out.count("%") == 5


def test_save_input_writes_the_exact_network_inputs(photo_folder, inception_weights, tmp_path):
    out_dir = tmp_path / "inputs"
    code = main(
        [
            "classify",
            str(photo_folder / "a.jpg"),
            str(photo_folder / "b.png"),
            "--framing",
            "pad",
            "--pad-color",
            "red",
            "--save-input",
            str(out_dir),
            "--weights",
            str(inception_weights),
            "--json",
        ]
    )
    assert code == 0
    saved = sorted(p.name for p in out_dir.iterdir())
    assert saved == ["a.pad.png", "b.pad.png"]
    b = np.asarray(Image.open(out_dir / "b.pad.png"))
    assert b.shape == (299, 299, 3)
    assert tuple(b[150, 5]) == (255, 0, 0)  # a tall image is padded left and right, in red


def test_box_is_in_original_pixels(photo_folder, inception_weights, tmp_path):
    out_dir = tmp_path / "inputs"
    assert (
        main(
            [
                "classify",
                str(photo_folder / "b.png"),
                "--box",
                "0,0,100,100",
                "--framing",
                "squash",
                "--save-input",
                str(out_dir),
                "--weights",
                str(inception_weights),
            ]
        )
        == 0
    )
    saved = np.asarray(Image.open(out_dir / "b.squash.png"), float)
    original = np.asarray(
        Image.open(photo_folder / "b.png")
        .crop((0, 0, 100, 100))
        .resize((299, 299), Image.Resampling.LANCZOS),
        float,
    )
    assert np.abs(saved - original).mean() < 1.0


@pytest.mark.parametrize(
    "args",
    [["--framing", "stretch"], ["--box", "1,2"], ["--top", "0"], ["--pad-color", "nocolour"]],
)
def test_usage_errors_exit_2(args, photo_folder, capsys):
    with pytest.raises(SystemExit) as info:
        code = main(["classify", str(photo_folder / "a.jpg"), *args])
        raise SystemExit(code)
    assert info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_missing_weights_explain_what_to_do(photo_folder, capsys):
    assert main(["classify", str(photo_folder / "a.jpg")]) == 1
    err = capsys.readouterr().err
    assert "weights download" in err and "Traceback" not in err


def test_the_installed_entry_point_answers_quickly(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "inception_desktop", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 0
    for command in ("classify", "train", "evaluate", "weights", "gui"):
        assert command in result.stdout


def test_importing_the_cli_does_not_import_tensorflow_or_qt(tmp_path):
    code = (
        "import sys, inception_desktop.cli, inception_desktop.core.images, "
        "inception_desktop.core.framing, inception_desktop.core.digits; "
        "print(sorted(m for m in ('tensorflow', 'keras', 'PySide6') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert result.stdout.strip() == "[]", result.stderr


def test_the_cli_framing_choices_are_the_cores():
    from inception_desktop.commands import classify
    from inception_desktop.core import framing

    assert classify.MODES == framing.MODES
