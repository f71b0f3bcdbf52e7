"""Nothing we write is ever half-written: core.atomic, on real full and read-only file systems.

Full and read-only disks are real: a small tmpfs mounted for the test (we run as root in CI and
in the dev container); where mounting is not permitted, those tests are skipped with the reason.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image

from inception_desktop.core.store import atomic
from inception_desktop.core.store.atomic import WriteError


@contextmanager
def tmpfs(path: Path, size: str, read_only: bool = False) -> Iterator[Path]:
    """A real tmpfs of ``size`` at ``path`` (skips the test when mounting is not permitted)."""
    path.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if read_only else "")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip() or mounted.returncode}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(directory: Path) -> None:
    """Write until the file system says it is full."""
    with open(directory / "filler", "wb", buffering=0) as stream:
        try:
            while True:
                stream.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


def entries(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_a_writer_that_wants_a_path_sees_the_target_name_and_suffix(tmp_path: Path):
    target = tmp_path / "picture.png"
    target.write_bytes(b"old")
    with atomic.atomic_path(target) as tmp:
        assert tmp.name == "picture.png" and tmp.parent.parent == tmp_path
        Image.new("RGB", (3, 2), "red").save(tmp)  # Pillow picks the format by suffix
        assert target.read_bytes() == b"old"  # not replaced before the block ends
    assert Image.open(target).format == "PNG" and Image.open(target).size == (3, 2)
    assert entries(tmp_path) == ["picture.png"]


def test_an_error_in_the_writer_keeps_the_old_file_and_no_temporary(tmp_path: Path):
    target = tmp_path / "summary.json"
    atomic.write_json(target, {"good": True})
    with pytest.raises(RuntimeError), atomic.atomic_open(target, "w") as stream:
        stream.write('{"half": ')
        raise RuntimeError("the writer failed half-way")
    assert target.read_text().strip() == '{\n  "good": true\n}'
    assert entries(tmp_path) == ["summary.json"]


def test_a_full_disk_is_one_clear_error_and_the_old_file_survives(tmp_path: Path):
    with tmpfs(tmp_path / "disk", "256k") as disk:
        target = disk / "model.bin"
        atomic.write_bytes(target, b"good model")
        with pytest.raises(WriteError) as info:
            atomic.write_bytes(target, os.urandom(1 << 20))
        assert info.value.errno == errno.ENOSPC
        assert str(info.value) == (
            f"cannot write {target}: the disk is full (free some space and try again)"
        )
        assert target.read_bytes() == b"good model"
        assert entries(disk) == ["model.bin"]


def test_a_keras_model_save_on_a_full_disk_leaves_the_old_model_loadable(tmp_path: Path):
    import keras

    def model(units: int) -> keras.Model:
        return keras.Sequential([keras.Input((64,)), keras.layers.Dense(units)])

    with tmpfs(tmp_path / "disk", "2m") as disk:
        target = disk / "m.keras"
        with atomic.atomic_path(target) as tmp:
            model(4).save(tmp)
        good = target.read_bytes()
        with pytest.raises(WriteError, match="disk is full"), atomic.atomic_path(target) as tmp:
            model(16384).save(tmp)  # 4 MB of weights on a 2 MB disk
        assert target.read_bytes() == good
        assert keras.saving.load_model(target).count_params() == 64 * 4 + 4
        assert entries(disk) == ["m.keras"]


def test_a_read_only_folder_is_found_before_any_work(tmp_path: Path):
    with tmpfs(tmp_path / "ro", "64k", read_only=True) as ro:
        with pytest.raises(WriteError, match="read-only") as info:
            atomic.check_output_dir(ro)
        assert info.value.errno == errno.EROFS
        with pytest.raises(WriteError, match="read-only"):
            atomic.check_output_file(ro / "m.keras")
        with pytest.raises(WriteError, match="read-only"):
            atomic.check_output_dir(ro / "report")  # a missing folder that cannot be created


def test_names_too_long_and_things_in_the_way(tmp_path: Path):
    with pytest.raises(WriteError, match="file name is 256 bytes long, this file system allows"):
        atomic.check_output_file(tmp_path / ("m" * 250 + ".keras"))
    with pytest.raises(WriteError, match="file name is 300 bytes"):
        atomic.check_output_dir(tmp_path / "new" / ("r" * 300))
    a_file = tmp_path / "report"
    a_file.write_text("not a folder")
    with pytest.raises(WriteError, match="a file with that name is in the way"):
        atomic.check_output_dir(a_file)
    with pytest.raises(WriteError, match="a file with that name is in the way"):
        atomic.check_output_file(a_file / "m.keras")
    (tmp_path / "folder.keras").mkdir()
    with pytest.raises(WriteError, match="a folder with that name is in the way"):
        atomic.check_output_file(tmp_path / "folder.keras")
    assert atomic.check_output_file(tmp_path / "a" / "b" / "m.keras").parent.is_dir()


_KILLED_WRITER = textwrap.dedent(
    """
    import sys, keras
    from pathlib import Path
    from inception_desktop.core.training.mnist import epoch_progress, training

    out = Path(sys.argv[1])
    model = keras.Sequential([keras.Input((2048,)), keras.layers.Dense(8192)])  # 64 MB
    model.compile(optimizer="adam", loss="mse")
    resume_model, resume_state, best = training.checkpoint_paths(out)
    progress = epoch_progress.EpochProgress(
        1, {"epoch": 1}, resume_model, resume_state, best, print
    )
    while True:
        print("writing", flush=True)
        progress.save_resume_state(model)  # the checkpoint code path of every epoch end
    """
)


def test_sigkill_during_a_checkpoint_write_leaves_the_good_checkpoint_whole(tmp_path: Path):
    """Kill the training checkpoint writer in the middle of a write (a partial temporary is
    the proof that it was mid-write); the good checkpoint from before must still load."""
    import keras

    from inception_desktop.core.training.mnist import training

    out = tmp_path / "m.keras"
    resume_model, resume_state, _ = training.checkpoint_paths(out)
    keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)]).save(resume_model)
    atomic.write_json(resume_state, {"epoch": 7})
    good = resume_model.read_bytes()
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    caught_mid_write = False
    for attempt in range(5):
        child = subprocess.Popen(
            [sys.executable, "-c", _KILLED_WRITER, str(out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=Path(__file__).resolve().parents[1],
        )
        try:
            assert child.stdout.readline() == b"writing\n"
            time.sleep(0.05 * (attempt + 1))  # well inside a 64 MB save
            child.kill()
        finally:
            child.wait(timeout=60)
            child.stdout.close()
        leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(atomic.TEMP_PREFIX)]
        partial = [f for d in leftovers for f in d.iterdir() if f.name == resume_model.name]
        if resume_model.read_bytes() != good:  # the kill came after a whole write: also fine
            assert keras.saving.load_model(resume_model).count_params() == 2048 * 8192 + 8192
            resume_model.write_bytes(good)
            continue
        if partial:
            caught_mid_write = True
            break
    assert caught_mid_write, "the writer was never killed mid-write: nothing was tested"
    assert keras.saving.load_model(resume_model).count_params() == 9
    assert json.loads(resume_state.read_text()) == {"epoch": 7}
    for leftover in leftovers:  # a later run clears what the killed one left
        os.utime(leftover, (time.time() - 2 * atomic.MIN_STALE_AGE,) * 2)
    atomic.remove_stale_temps(tmp_path)
    assert entries(tmp_path) == sorted([resume_model.name, resume_state.name])


def _killed_writer_leftovers(folder: Path) -> list[Path]:
    """What a retrain killed during its save and during its export leaves: temp folders holding
    a partial model (their writer's lock died with it), old enough to be stale."""
    leftovers = []
    for name in ("model.keras", "model.tflite"):
        tmp = Path(tempfile.mkdtemp(prefix=atomic.TEMP_PREFIX, dir=folder))
        (tmp / ".lock").write_bytes(b"")
        (tmp / name).write_bytes(b"\0" * 1000)
        os.utime(tmp, (time.time() - 2 * atomic.MIN_STALE_AGE,) * 2)
        leftovers.append(tmp)
    return leftovers


@pytest.mark.parametrize(
    "command",
    [
        ["retrain", "{missing}", "--out", "{out}/model.keras"],
        ["retrain", "{missing}", "--out", "{elsewhere}/m.keras", "--export-tflite", "{out}/m.lite"],
        ["classify", "{missing}", "--model", "mnist", "--output", "{out}/results.csv"],
        ["explain", "{missing}", "--model", "mnist", "--out", "{out}"],
    ],
)
def test_writing_commands_sweep_stale_temps_first(tmp_path: Path, command: list[str]):
    from inception_desktop.cli import main

    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    leftovers = _killed_writer_leftovers(out)
    names = {"missing": str(tmp_path / "missing"), "out": str(out), "elsewhere": str(elsewhere)}
    main([part.format(**names) for part in command])  # fails later: no such data or photo
    assert not any(p.exists() for p in leftovers)


def test_a_live_writers_temp_folder_is_not_swept(tmp_path: Path):
    with atomic.atomic_path(tmp_path / "a.bin") as tmp:
        tmp.write_bytes(b"x")
        os.utime(tmp.parent, (time.time() - 2 * atomic.MIN_STALE_AGE,) * 2)
        atomic.check_output_file(tmp_path / "b.bin")
        assert tmp.exists()
    assert (tmp_path / "a.bin").read_bytes() == b"x"


def test_an_export_failing_after_the_save_says_the_model_was_written(tmp_path: Path):
    from inception_desktop.core.training.retrain.export import ExportError, after_saving

    model, tflite = tmp_path / "m.keras", tmp_path / "m.tflite"
    with pytest.raises(ExportError) as info, after_saving(model, tflite):
        raise WriteError(tflite, "the disk is full (free some space and try again)")
    assert str(info.value) == (
        f"the model was written to {model}, but its LiteRT export to {tflite} failed: "
        f"cannot write {tflite}: the disk is full (free some space and try again)"
    )
    assert info.value.written == model
    with pytest.raises(WriteError), after_saving(None, tflite):  # nothing saved first
        raise WriteError(tflite, "the disk is full")
