"""The command line, in process (fast) and once through the real entry point."""

from __future__ import annotations

import json
import os
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


#: What makes a start slow: numpy and Pillow (~0.1 s), TensorFlow and Keras (seconds), Qt.
HEAVY = ("numpy", "PIL", "tensorflow", "keras", "PySide6", "ai_edge_litert")


def _imported_modules(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run the real entry point with ``-X importtime``; the top-level packages it imported."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "inception_desktop", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )
    # Lines look like "import time:       123 |        456 |     numpy.core" (indented by depth).
    names = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }
    assert "inception_desktop" in names, result.stderr[-2000:]  # the parsing saw the imports
    return result, names


@pytest.mark.parametrize(
    "args", [["--help"], ["classify", "--help"], ["train", "--help"], ["weights", "download", "-h"]]
)
def test_help_imports_nothing_heavy(args: list[str], tmp_path):
    """--help answers at once because it imports neither numpy, Pillow, TensorFlow nor Qt."""
    result, names = _imported_modules(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("usage: inception-desktop")
    assert sorted(names & set(HEAVY)) == []
    if args == ["--help"]:
        for command in ("classify", "train", "evaluate", "weights", "gui"):
            assert command in result.stdout


def test_a_usage_error_imports_nothing_heavy(tmp_path):
    result, names = _imported_modules("classify", "x.jpg", "--framing", "stretch", cwd=tmp_path)
    assert result.returncode == 2 and "invalid choice: 'stretch'" in result.stderr
    assert sorted(names & set(HEAVY)) == []


def test_a_project_error_no_command_caught_is_one_line(photo_folder, monkeypatch, capsys):
    monkeypatch.setenv("INCEPTION_DESKTOP_RUNTIME", "abacus")
    assert main(["classify", str(photo_folder / "a.jpg")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: runtime must be one of auto, litert, tensorflow, got 'abacus'")
    assert "Traceback" not in err


def test_a_bug_is_reported_as_a_bug(monkeypatch, capsys):
    """Any exception that is not a project error is a bug: exit 70, one line asking for a
    report; the traceback only with --verbose."""
    from inception_desktop.commands import weights as weights_command

    def broken(args) -> int:
        raise KeyError("a key that should have been there")

    monkeypatch.setattr(weights_command, "run", broken)
    assert main(["weights", "path"]) == 70
    err = capsys.readouterr().err
    assert err.startswith("internal error: KeyError: 'a key that should have been there'")
    assert "please report" in err and "--verbose" in err and "Traceback" not in err
    assert main(["--verbose", "weights", "path"]) == 70
    err = capsys.readouterr().err
    assert "internal error: KeyError" in err and "Traceback (most recent call last)" in err


def test_importing_the_cli_does_not_import_tensorflow_or_qt(tmp_path):
    code = (
        "import sys, inception_desktop.cli, inception_desktop.core.photo.images, "
        "inception_desktop.core.photo.framing, inception_desktop.core.digit.normalize; "
        "print(sorted(m for m in ('tensorflow', 'keras', 'PySide6') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert result.stdout.strip() == "[]", result.stderr


def test_the_cli_framing_choices_are_the_cores():
    from inception_desktop.cli import build_parser
    from inception_desktop.core.photo import framing

    classify = build_parser()._subparsers._group_actions[0].choices["classify"]
    (action,) = [a for a in classify._actions if a.dest == "framing"]
    assert tuple(action.choices) == framing.MODES and action.default == framing.DEFAULT_MODE


def _digit(path: Path) -> Path:
    image = np.zeros((28, 28), np.uint8)
    image[5:23, 13:16] = 255  # a "1"
    Image.fromarray(image).save(path, format="PNG")
    return path


@pytest.fixture
def odd_names(tmp_path: Path) -> tuple[Path, bytes, str]:
    """A folder with a file whose name is not UTF-8 (byte 0xff) and one with a newline."""
    folder = tmp_path / "odd"
    folder.mkdir()
    raw = os.fsencode(folder) + b"/caf\xe9\xff.png"
    _digit(Path(os.fsdecode(raw)))
    _digit(folder / "two\nlines.png")
    return folder, raw, str(folder / "two\nlines.png")


def test_undecodable_and_multiline_names_print_one_line_per_result(odd_names, capsys):
    folder, _, _ = odd_names
    assert main(["classify", str(folder), "--model", "mnist", "--top", "1"]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    headers = [line for line in out.splitlines() if not line.startswith("  ")]
    assert len(headers) == 2
    assert headers[0].startswith(f"{folder}/caf\\xe9\\xff.png  (MNIST")
    assert headers[1].startswith(f"{folder}/two\\nlines.png  (MNIST")
    assert out.count("%") == 2


def test_json_names_are_valid_unicode_and_keep_the_exact_bytes(odd_names, capsys):
    import base64

    folder, raw, multiline = odd_names
    assert main(["classify", str(folder), "--model", "mnist", "--json"]) == 0
    out = capsys.readouterr().out
    out.encode("ascii")  # plain ASCII: valid UTF-8 for any reader
    odd, lines = json.loads(out)
    assert odd["path"] == raw.decode("utf-8", "replace") and "\ufffd" in odd["path"]
    assert base64.b64decode(odd["path_base64"]) == raw
    assert lines["path"] == multiline and "path_base64" not in lines
    assert Path(os.fsdecode(base64.b64decode(odd["path_base64"]))).is_file()


def test_saved_inputs_get_portable_names(odd_names, tmp_path: Path):
    folder, _, _ = odd_names
    saved = tmp_path / "inputs"
    assert main(["classify", str(folder), "--model", "mnist", "--save-input", str(saved)]) == 0
    assert sorted(p.name for p in saved.iterdir()) == ["caf__.digit.png", "two_lines.digit.png"]


def test_a_save_input_folder_that_cannot_be_written_still_prints_every_result(
    odd_names, tmp_path: Path, capsys
):
    folder, _, _ = odd_names
    in_the_way = tmp_path / "inputs"
    in_the_way.write_text("a file, not a folder")
    code = main(["classify", str(folder), "--model", "mnist", "--save-input", str(in_the_way)])
    out, err = capsys.readouterr()
    assert code == 1  # what was asked for was not all done
    assert out.count(", digit, ") == 2
    assert (  # said when saving starts (results stream on meanwhile)
        f"error: no network inputs saved: cannot write {in_the_way}: "
        "a file with that name is in the way (a folder is needed)"
    ) in err.strip().splitlines()
    assert "Traceback" not in err


def test_a_reader_that_goes_away_ends_the_run_quietly(tmp_path: Path):
    """`classify ... | head -1` with the reader gone before the first result is written."""
    folder = tmp_path / "digits"
    folder.mkdir()
    for i in range(40):
        _digit(folder / f"{i:02d}.png")
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written
    result = subprocess.run(
        [sys.executable, "-m", "inception_desktop", "classify", str(folder), "--model", "mnist"],
        stdout=write_end,
        stderr=subprocess.PIPE,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    os.close(write_end)
    assert result.returncode == 141, result.stderr
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


def test_head_1_takes_the_first_line_and_the_run_ends_quietly(tmp_path: Path):
    folder = tmp_path / "digits"
    folder.mkdir()
    for i in range(200):
        _digit(folder / f"{i:03d}.png")
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    command = [sys.executable, "-m", "inception_desktop", "classify", str(folder)]
    producer = subprocess.Popen(
        [*command, "--model", "mnist", "--top", "10"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[1],
        env=env,
    )
    first = producer.stdout.readline()
    producer.stdout.close()  # what head -1 does after its line
    _, err = producer.communicate(timeout=300)
    assert first.decode().startswith(f"{folder}/000.png  (MNIST")
    assert producer.returncode in (0, 141)  # 0 when all output fit the pipe before the close
    assert b"Traceback" not in err and b"BrokenPipe" not in err


def test_window_and_cli_give_the_same_network_input(
    tmp_path: Path, qtbot, window, inception_weights
):
    """A large JPEG, without a box and with one in original pixels: the input the window shows
    and the one `classify --save-input` writes are the same pixels each time."""
    import numpy as np
    from PIL import Image

    from inception_desktop.core.photo.framing import Box

    rng = np.random.default_rng(5)
    small = rng.integers(0, 256, (300, 400, 3), dtype=np.uint8)
    photo = tmp_path / "big.jpg"
    Image.fromarray(small).resize((4000, 3000), Image.Resampling.BICUBIC).save(photo, quality=85)
    window.open_paths([str(photo)])
    qtbot.waitUntil(lambda: window.photo.result is not None, timeout=30000)
    whole = tmp_path / "whole"
    base = ["classify", str(photo), "--weights", str(inception_weights), "--runtime", "litert"]
    assert main([*base, "--framing", "pad", "--save-input", str(whole)]) == 0
    (png,) = whole.iterdir()
    np.testing.assert_array_equal(np.asarray(Image.open(png)), window.photo.input_view.array())
    decoded = window.photo.current_photo().loaded
    assert decoded.scale == 0.5  # shown at reduced size; with a box the CLI decodes the same way
    box = Box(1000, 500, 1800, 1400)
    window.photo.set_mode("crop")
    window.photo.view.boxChanged.emit(box.scaled(decoded.scale))  # what a drag reports
    qtbot.waitUntil(
        lambda: (
            window.photo.result.framed.framing.mode == "crop"
            and window.photo.result.framed.framing.box is not None
        ),
        timeout=30000,
    )
    saved = tmp_path / "inputs"
    args = ["classify", str(photo), "--weights", str(inception_weights), "--framing", "crop"]
    args += ["--box", "1000,500,1800,1400", "--save-input", str(saved), "--runtime", "litert"]
    code = main(args)
    assert code == 0
    (png,) = saved.iterdir()
    np.testing.assert_array_equal(np.asarray(Image.open(png)), window.photo.input_view.array())


# --- files without a command open the window; help reads as plain text -------------------------


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], str | None]]:
    """What the command line asked the window to open (the window itself is tested below)."""
    import inception_desktop.gui.app as app

    calls: list[tuple[list[str], str | None]] = []
    monkeypatch.setattr(
        app,
        "run_app",
        lambda files, runtime=None, precision=None: calls.append((files, runtime)) or 0,
    )
    return calls


def test_files_without_a_command_open_in_the_window(photo_folder, opened, monkeypatch):
    a, b = photo_folder / "a.jpg", photo_folder / "b.png"
    assert main([str(a), str(b), str(photo_folder)]) == 0
    assert main(["--runtime", "litert", str(a)]) == 0
    assert main(["-v", str(a)]) == 0
    monkeypatch.chdir(photo_folder)
    assert main(["a.jpg"]) == 0  # relative, as a shell gives it
    assert main(["https://example.org/cat.jpg"]) == 0  # a web address: no file to find
    assert main([]) == 0  # no arguments at all: the window, empty
    assert opened == [
        ([str(a), str(b), str(photo_folder)], None),
        ([str(a)], "litert"),
        ([str(a)], None),
        (["a.jpg"], None),
        (["https://example.org/cat.jpg"], None),
        ([], None),
    ]


def test_a_command_still_wins_and_a_typo_is_a_clear_usage_error(photo_folder, opened, capsys):
    assert main(["weights", "path"]) == 0 and opened == []
    with pytest.raises(SystemExit) as info:
        main(["clasify", str(photo_folder / "a.jpg")])
    assert info.value.code == 2 and opened == []
    err = capsys.readouterr().err
    assert "'clasify' is neither a command nor an existing file or folder" in err
    assert "did you mean 'classify'?" in err and "invalid choice" not in err


def test_the_window_opens_the_files_the_command_line_names(qtbot, window, tmp_path, monkeypatch):
    """Relative paths are made absolute (recent files work from any folder), in their order."""
    from inception_desktop.gui.app import inputs_from_arguments
    from tests.test_photo_workspace import _photo, showing

    a, b = _photo(tmp_path / "a.png"), _photo(tmp_path / "b.jpg", (200, 500))
    monkeypatch.chdir(tmp_path)
    inputs = inputs_from_arguments(["a.png", b.as_uri(), "https://example.org/c.jpg"])
    assert inputs.paths == [str(a), str(b)] and inputs.urls == ["https://example.org/c.jpg"]
    window.open_inputs(inputs_from_arguments(["a.png", "b.jpg"]))
    qtbot.waitUntil(lambda: len(window.photo.photos) == 2, timeout=10000)
    qtbot.waitUntil(lambda: showing(window, a), timeout=10000)


def _help(*args: str, capsys) -> str:
    with pytest.raises(SystemExit) as info:
        main([*args, "--help"])
    assert info.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("gui",),
        ("classify",),
        ("explain",),
        ("train",),
        ("evaluate",),
        ("retrain",),
        ("weights",),
        ("weights", "import"),
    ],
)
def test_help_is_plain_text(args, capsys):
    """Module docstrings are the descriptions: no RST literals or roles reach the terminal."""
    text = _help(*args, capsys=capsys)
    assert text.startswith("usage: inception-desktop")
    assert "``" not in text and ":class:" not in text and ":func:" not in text


def test_help_shows_defaults_and_explains_choices(capsys):
    text = " ".join(_help("classify", capsys=capsys).split())  # unwrapped
    assert "(default: pad)" in text and "(default: 128,128,128)" in text
    assert "crop = the centre square" in text and "squash = the whole photo stretched" in text
    assert "litert = LiteRT on the CPU" in text and "(default: auto)" in text
    assert "(default: False)" not in text and "(5) (default: 5)" not in text
    explain = " ".join(_help("explain", capsys=capsys).split())
    assert "occlusion = grey out each cell" in explain and "(default: gradcam)" in explain
    download = " ".join(_help("weights", "download", capsys=capsys).split())
    assert "96.1 MB" in download and "(default: 30)" not in download  # said once, as "(30)"


def test_the_progress_line_counts_failures(photo_folder, inception_weights, capsys):
    """Three of five inputs fail: the last progress line says so instead of "5/5 (100%)"."""
    code = main(
        [
            "classify",
            str(photo_folder),
            str(photo_folder / "nope.jpg"),
            "--weights",
            str(inception_weights),
        ]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "classifying: 5/5 done, 3 failed" in err and "(100%)" not in err


def test_progress_of_bytes_shows_size_speed_and_time_left(monkeypatch, capsys):
    from inception_desktop.commands.common import ProgressLine

    now = [0.0]
    bar = ProgressLine("Inception v3 weights", unit="B", min_interval=0.0)
    monkeypatch.setattr(bar.meter, "clock", lambda: now[0])
    for second in range(5):
        now[0] = float(second)
        bar.update(second * 2_000_000, 96_112_376)
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last == "Inception v3 weights: 8.0 MB of 96.1 MB (8%), 2.0 MB/s, 45 s left"


# --- formats, --output, --recursive, --shard --------------------------------------------------


@pytest.fixture
def digit_tree(tmp_path: Path) -> Path:
    """digits/{0..4}.png, digits/sub/{5,6}.png, digits/.hidden/7.png and one broken file."""
    root = tmp_path / "digits"
    (root / "sub").mkdir(parents=True)
    (root / ".hidden").mkdir()
    for i in range(5):
        _digit(root / f"{i}.png")
    for i in (5, 6):
        _digit(root / "sub" / f"{i}.png")
    _digit(root / ".hidden" / "7.png")
    (root / "9_broken.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    return root


def _classify(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["classify", "--model", "mnist", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_jsonl_is_one_object_per_input_and_json_is_its_array(digit_tree, capsys):
    code, out, _ = _classify(capsys, str(digit_tree), "--format", "jsonl", "--top", "2")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 1  # the broken file
    assert [Path(r["path"]).name for r in lines] == [
        *(f"{i}.png" for i in range(5)),
        "9_broken.png",
    ]
    assert lines[0]["framing"] == "digit" and len(lines[0]["top"]) == 2
    assert set(lines[-1]) == {"path", "error"}
    _, as_json, _ = _classify(capsys, str(digit_tree), "--format", "json", "--top", "2")
    _, alias, _ = _classify(capsys, str(digit_tree), "--json", "--top", "2")
    strip = lambda rs: [{k: v for k, v in r.items() if k != "ms"} for r in rs]  # noqa: E731
    assert strip(json.loads(as_json)) == strip(lines) == strip(json.loads(alias))


def test_csv_has_a_header_and_a_row_per_input(digit_tree, capsys):
    import csv
    import io

    code, out, _ = _classify(capsys, str(digit_tree), "--format", "csv", "--top", "3")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 1 and len(rows) == 6
    assert list(rows[0])[:7] == ["path", "error", "model", "device", "framing", "box", "ms"]
    assert rows[0]["label_1"] and 0 <= float(rows[0]["score_1"]) <= 1 and "label_3" in rows[0]
    assert rows[-1]["error"] and rows[-1]["label_1"] == ""


def test_recursive_takes_sub_folders_but_not_hidden_ones(digit_tree, capsys):
    _, out, _ = _classify(capsys, str(digit_tree), "--format", "jsonl", "--recursive")
    names = [
        Path(json.loads(line)["path"]).relative_to(digit_tree).as_posix()
        for line in out.splitlines()
    ]
    assert names == [*(f"{i}.png" for i in range(5)), "9_broken.png", "sub/5.png", "sub/6.png"]


def test_shards_are_disjoint_and_cover_every_input(digit_tree, capsys):
    seen: list[str] = []
    for index in range(3):
        _, out, _ = _classify(
            capsys, str(digit_tree), "-r", "--format", "jsonl", "--shard", f"{index}/3"
        )
        seen += [json.loads(line)["path"] for line in out.splitlines()]
    _, everything, _ = _classify(capsys, str(digit_tree), "-r", "--format", "jsonl")
    whole = [json.loads(line)["path"] for line in everything.splitlines()]
    assert sorted(seen) == sorted(whole) and len(set(seen)) == len(seen) == 8


@pytest.mark.parametrize("shard", ["3/3", "1", "a/b", "0/0", "-1/2"])
def test_a_bad_shard_is_a_usage_error(shard, digit_tree, capsys):
    code, _, err = _classify(capsys, str(digit_tree), f"--shard={shard}")
    assert code == 2 and "I/N" in err


def test_output_is_written_whole_and_a_failed_run_keeps_the_old_file(digit_tree, tmp_path, capsys):
    target = tmp_path / "results.jsonl"
    code, out, _ = _classify(capsys, str(digit_tree), "--format", "jsonl", "--output", str(target))
    assert code == 1 and out == ""
    assert len(target.read_text().splitlines()) == 6
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".inception")] == []
    in_the_way = tmp_path / "folder.csv"
    in_the_way.mkdir()
    code, _, err = _classify(
        capsys, str(digit_tree), "--format", "csv", "--output", str(in_the_way)
    )
    assert code == 1 and f"cannot write {in_the_way}" in err and "Traceback" not in err


def test_jsonl_streams_each_result_before_the_run_ends(tmp_path: Path):
    """A consumer reads the first line while later inputs are still to come (constant memory:
    nothing waits for the end)."""
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(300):
        _digit(folder / f"{i:03d}.png")
    producer = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "inception_desktop",
            "classify",
            str(folder),
            "--model",
            "mnist",
            "--format",
            "jsonl",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    first = json.loads(producer.stdout.readline())
    still_running = producer.poll() is None
    rest = producer.stdout.read().decode().splitlines()
    producer.wait(timeout=300)
    assert first["path"].endswith("000.png")
    assert len(rest) == 299 and producer.returncode == 0
    assert still_running  # the first line came before the last input was classified


@pytest.mark.parametrize("runtime", ["litert", "tensorflow"])
def test_a_folder_is_prepared_then_classified_in_a_short_first_batch(
    runtime, tmp_path, monkeypatch, capsys
):
    """The model is sized for the folder's batches before any photo (LiteRT packs its weights
    then); the first batch is short so the network starts after a few decodes, the rest go in
    full batches, and every input is answered in order."""
    from inception_desktop.commands import classify as command
    from inception_desktop.core.models.classifier import Classifier

    for i in range(23):
        _digit(tmp_path / f"{i:02d}.png")
    calls: list[tuple[str, int]] = []
    prepare, classify_batch = Classifier.prepare, Classifier.classify_batch

    def prepared(self, batch):
        calls.append(("prepare", batch))
        prepare(self, batch)

    def batched(self, arrays, k=10):
        calls.append(("batch", len(arrays)))
        return classify_batch(self, arrays, k)

    monkeypatch.setattr(Classifier, "prepare", prepared)
    monkeypatch.setattr(Classifier, "classify_batch", batched)
    code, out, _ = _classify(capsys, str(tmp_path), "--format", "jsonl", "--runtime", runtime)
    assert code == 0
    from inception_desktop.core.models.runtime import LITERT_BATCH, TENSORFLOW_BATCH

    first = command.FIRST_BATCH
    full = LITERT_BATCH if runtime == "litert" else TENSORFLOW_BATCH  # a GPU's are larger
    rest = 23 - first
    sizes = [first] + [full] * (rest // full) + ([rest % full] if rest % full else [])
    assert calls == [("prepare", full)] + [("batch", n) for n in sizes]
    assert len(sizes) >= 3 and sum(sizes) == 23 and (LITERT_BATCH, TENSORFLOW_BATCH) == (8, 16)
    assert [Path(json.loads(line)["path"]).name for line in out.splitlines()] == [
        f"{i:02d}.png" for i in range(23)
    ]


def test_csv_keeps_the_exact_bytes_of_names_that_are_not_utf8(odd_names, capsys):
    import base64
    import csv
    import io

    folder, raw, multiline = odd_names
    assert main(["classify", str(folder), "--model", "mnist", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    odd = next(r for r in rows if "\ufffd" in r["path"])
    assert base64.b64decode(odd["path_base64"]) == raw
    assert next(r for r in rows if r["path"] == multiline)["path_base64"] == ""


def test_explain_json_names_written_files_in_valid_unicode(odd_names, tmp_path, capsys):
    import base64

    _, _, multiline = odd_names
    out_dir = Path(os.fsdecode(os.fsencode(tmp_path) + b"/out\xff"))
    code = main(["explain", multiline, "--model", "mnist", "--json", "--out", str(out_dir)])
    assert code == 0
    text = capsys.readouterr().out
    text.encode("utf-8")  # no lone surrogates anywhere in the output
    assert "\\udc" not in text
    (entry,) = json.loads(text)
    assert "\ufffd" in entry["files"]["overlay"]
    exact = os.fsdecode(base64.b64decode(entry["files_base64"]["overlay"]))
    assert Path(exact).is_file() and Path(exact).parent == out_dir
