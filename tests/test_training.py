"""A short training run end to end: progress, checkpoints, Ctrl-C and resume, metadata, evaluate."""

from __future__ import annotations

import errno
import json
import math
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from inception_desktop.cli import main
from inception_desktop.core.models.mnist_file import ModelFileError, load_model, read_metadata
from inception_desktop.core.quiet import NOISE, VERBOSE_ENV
from inception_desktop.core.training.mnist import recipes, training


@pytest.fixture(scope="module")
def tiny(mnist_splits):
    """600 training and 300 validation images: enough to learn something in seconds."""
    return first_of(mnist_splits, train=600, other=300)


def first_of(splits, train: int, other: int):
    """The first ``train`` training images, and the first ``other`` of validation and test."""
    return replace(
        splits,
        x_train=splits.x_train[:train],
        y_train=splits.y_train[:train],
        x_val=splits.x_val[:other],
        y_val=splits.y_val[:other],
        x_test=splits.x_test[:other],
        y_test=splits.y_test[:other],
    )


def test_train_writes_a_model_with_its_metadata(tiny, tmp_path: Path):
    lines: list[str] = []
    batches: list[tuple[int, int, str]] = []
    out = tmp_path / "m{epoch}.keras"  # braces: Keras' ModelCheckpoint formats its file name
    result = training.train(
        training.TrainConfig(
            "nielsen", epochs=2, batch_size=64, out=out, command="inception-desktop train"
        ),
        tiny,
        lines.append,
        batch_progress=lambda done, total, text: batches.append((done, total, text)),
    )
    assert not result.interrupted and result.path == out
    assert any(line.startswith("epoch 2/2") and "ETA" in line for line in lines)
    # 600 images, fivefold by NielsenNet's one-pixel shifts, in batches of 64
    steps = math.ceil(training.epoch_size(600, recipes.get("nielsen").augment) / 64)
    assert steps == 47
    assert [b[:2] for b in batches] == [(i, steps) for i in range(3, steps + 1)] * 2
    assert batches[-1][2].startswith("epoch 2/2") and "run ETA" in batches[-1][2]
    meta = read_metadata(out)
    assert meta["architecture"] == "nielsen" and meta["epochs"] == 2
    best_lines = [line[:9] for line in lines if "(best)" in line]
    assert best_lines[0] == "epoch 1/2"  # the first epoch is the best so far, whatever its score
    assert f"epoch {meta['best_epoch']}/2" == best_lines[-1]
    assert 0.5 < meta["val_accuracy"] <= 1 and 0.5 < meta["test_accuracy"] <= 1
    assert meta["data_digest"] == tiny.digest and meta["command"] == "inception-desktop train"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # checkpoints cleaned up
    model = load_model(out)
    assert model.count_params() == meta["parameters"]


def test_ctrl_c_saves_and_resume_finishes(tiny, tmp_path: Path):
    out = tmp_path / "m.keras"

    def interrupt_after_first_epoch(line: str) -> None:
        if line.startswith("epoch 1/"):
            raise KeyboardInterrupt

    config = training.TrainConfig("default", epochs=2, batch_size=64, out=out)
    first = training.train(config, tiny, interrupt_after_first_epoch)
    assert first.interrupted and not out.exists()
    resume_model, resume_state, best_weights = training.checkpoint_paths(out)
    assert json.loads(resume_state.read_text())["epoch"] == 1
    # A checkpoint already at its last epoch whose best weights are gone: nothing to train and
    # nothing to finish from. Said so, not reported as an interruption.
    best_weights.rename(tmp_path / "aside.weights.h5")
    with pytest.raises(training.TrainingError, match="nothing to finish from"):
        training.train(replace(config, epochs=1, resume=resume_model), tiny, lambda line: None)
    (tmp_path / "aside.weights.h5").rename(best_weights)
    lines: list[str] = []
    second = training.train(replace(config, resume=resume_model), tiny, lines.append)
    assert not second.interrupted and out.exists()
    assert lines[0].startswith("resuming default after epoch 1")
    assert [line[:9] for line in lines if line.startswith("epoch")] == ["epoch 2/2"]
    assert len(second.history["loss"]) == 2


def test_same_seed_same_weights(tiny, tmp_path: Path):
    small = replace(tiny, x_train=tiny.x_train[:256], y_train=tiny.y_train[:256])
    weights = []
    for run in ("a", "b"):
        config = training.TrainConfig(
            "default", epochs=1, batch_size=64, out=tmp_path / run / "m.keras", seed=7
        )
        training.train(config, small, lambda line: None)
        weights.append(load_model(config.out).get_weights())
    for a, b in zip(*weights, strict=True):
        np.testing.assert_array_equal(a, b)


def test_evaluate_command_writes_the_report(tmp_path: Path, mnist_dir, capsys):
    report = tmp_path / "report"
    assert main(["evaluate", "mnist", "--data", str(mnist_dir), "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert "test accuracy" in out and "9:" in out
    assert "flipped-lookalike confusions (what horizontal flips teach): 2 as 6: " in out
    summary = json.loads((report / "summary.json").read_text())
    assert summary["test_size"] == 10000
    matrix = summary["confusion_matrix"]
    assert summary["flip_lookalikes"]["2 as 6"] == matrix[2][6]
    assert summary["flip_lookalikes"]["5 as 2"] == matrix[5][2]
    assert summary["accuracy"] >= 0.9965
    assert sum(map(sum, summary["confusion_matrix"])) == 10000
    from PIL import Image

    with Image.open(report / "confusion_matrix.png") as confusion:
        assert confusion.size[0] > 400
    with Image.open(report / "misclassified.png") as gallery:
        assert gallery.size[1] >= 84 * (summary["errors"] // 10)


def test_unsafe_or_wrong_models_are_refused(tmp_path: Path):
    import keras

    bad = tmp_path / "lambda.keras"
    inputs = keras.Input((28, 28, 1))
    keras.Model(inputs, keras.layers.Lambda(lambda x: x[:, 0, 0, :] * 0 + 1)(inputs)).save(bad)
    with pytest.raises(ModelFileError, match="cannot load"):
        load_model(bad)
    wrong = tmp_path / "wrong.keras"
    keras.Sequential(
        [keras.Input((32, 32, 3)), keras.layers.Flatten(), keras.layers.Dense(10)]
    ).save(wrong)
    with pytest.raises(ModelFileError, match=r"input shape \(32, 32, 3\)"):
        load_model(wrong)
    text = tmp_path / "text.keras"
    text.write_text("hello")
    with pytest.raises(ModelFileError, match=r"not a \.keras model file"):
        load_model(text)


def test_train_command_reports_missing_data(tmp_path: Path, capsys):
    assert main(["train", "--data", str(tmp_path), "--out", str(tmp_path / "m.keras")]) == 1
    assert "missing" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--epochs", "0"], "--epochs must be at least 1, got 0"),
        (["--epochs", "-3"], "--epochs must be at least 1, got -3"),
        (["--batch-size", "0"], "--batch-size must be at least 1"),
        (["--learning-rate", "0"], "--learning-rate must be a positive number"),
        (["--learning-rate", "nan"], "--learning-rate must be a positive number"),
        (["--seed", "-1"], "--seed must be between 0 and"),
        (["--resume", "missing.checkpoint.keras"], "no such checkpoint file"),
        (["--resume", "."], "no such checkpoint file"),
    ],
)
def test_bad_training_arguments_are_refused_before_any_work(
    args: list[str], reason: str, tmp_path: Path, capsys
):
    """--data points at an empty folder: had train looked at the data first, it would say the
    files are missing; --epochs 0 once silently trained the architecture's default epochs."""
    out = tmp_path / "m.keras"
    code = main(["train", "--arch", "nielsen", "--data", str(tmp_path), "--out", str(out), *args])
    assert code == 1
    line = _one_error_line(capsys.readouterr().err)
    assert reason in line and "missing" not in line.replace("missing.checkpoint", "")
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing written, not even a folder


def test_a_bad_argument_is_refused_without_importing_tensorflow(tmp_path: Path):
    """ "Before any work" includes the seconds TensorFlow takes to import."""
    code = (
        "import sys; from inception_desktop.cli import main; "
        "code = main(['train', '--epochs', '0', '--out', 'm.keras']); "
        "print(code, sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert result.stdout.split() == ["1", "[]"], result.stderr[-2000:]
    assert "error: --epochs must be at least 1, got 0" in result.stderr


def test_a_resume_file_that_is_not_a_checkpoint_is_one_line(tmp_path: Path, capsys):
    junk = tmp_path / "junk.checkpoint.keras"
    junk.write_bytes(b"PK\x03\x04 not really a zip archive")
    out = tmp_path / "out" / "m.keras"
    assert main(["train", "--data", str(tmp_path), "--out", str(out), "--resume", str(junk)]) == 1
    assert "--resume: " in _one_error_line(capsys.readouterr().err)


def _one_error_line(err: str) -> str:
    assert "Traceback" not in err
    lines = [line for line in err.strip().splitlines() if line.startswith("error:")]
    assert len(lines) == 1, err
    return lines[0]


def test_train_refuses_an_unwritable_out_before_loading_any_data(tmp_path: Path, capsys):
    """--data points at an empty folder: had train looked at the data first, it would say the
    files are missing. Each bad --out is refused first, in one line."""
    from tests.test_atomic_writes import tmpfs

    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    cases = {
        a_file / "m.keras": "a file with that name is in the way",
        tmp_path / ("m" * 250 + ".keras"): "file name is 256 bytes long",
        # the model's name fits, its checkpoint's ("<stem>.checkpoint.keras") does not
        tmp_path / ("m" * 240 + ".keras"): "file name is 257 bytes long",
    }
    with tmpfs(tmp_path / "ro", "64k", read_only=True) as ro:
        cases[ro / "m.keras"] = "read-only"
        for out, reason in cases.items():
            code = main(["train", "--arch", "nielsen", "--data", str(tmp_path), "--out", str(out)])
            assert code == 1
            line = _one_error_line(capsys.readouterr().err)
            assert reason in line and "missing" not in line


def test_train_without_room_for_its_checkpoints_refuses_before_the_first_epoch(
    tiny, tmp_path: Path
):
    from inception_desktop.core.store.atomic import WriteError
    from tests.test_atomic_writes import tmpfs

    lines: list[str] = []
    with tmpfs(tmp_path / "disk", "1m") as disk:
        config = training.TrainConfig("nielsen", epochs=1, batch_size=64, out=disk / "m.keras")
        with pytest.raises(WriteError, match="not enough free space") as info:
            training.train(config, tiny, lines.append)
        assert info.value.errno == errno.ENOSPC
        assert not [line for line in lines if line.startswith("epoch")]
        assert list(disk.iterdir()) == []


def test_evaluate_on_a_full_disk_still_prints_the_accuracy(tmp_path: Path, mnist_dir, capsys):
    from tests.test_atomic_writes import fill, tmpfs

    with tmpfs(tmp_path / "disk", "256k") as disk:
        fill(disk)
        report = disk / "report"
        code = main(["evaluate", "mnist", "--data", str(mnist_dir), "--report", str(report)])
        out, err = capsys.readouterr()
        assert code == 1
        assert "test accuracy" in out and "report written" not in out
        line = _one_error_line(err)
        assert line.startswith("error: the report was not written: cannot write ")
        assert line.endswith("the disk is full (free some space and try again)")
        assert sorted(p.name for p in report.iterdir()) == []  # nothing half-written


def test_evaluate_refuses_an_unwritable_report_folder_before_any_work(
    tmp_path: Path, mnist_dir, capsys
):
    from tests.test_atomic_writes import tmpfs

    in_the_way = tmp_path / "report"
    in_the_way.write_text("a file")
    with tmpfs(tmp_path / "ro", "64k", read_only=True) as ro:
        for report, reason in ((in_the_way, "in the way"), (ro / "report", "read-only")):
            code = main(["evaluate", "mnist", "--data", str(mnist_dir), "--report", str(report)])
            out, err = capsys.readouterr()
            assert code == 1 and out == ""
            assert reason in _one_error_line(err)


def test_mirrored_strategy_trains_over_one_cpu_device(tiny, tmp_path: Path):
    """tf.distribute's MirroredStrategy, as on a multi-GPU machine, here over the one CPU: the
    run goes through the strategy's scope and replicas, and the model card says so."""
    small = replace(tiny, x_train=tiny.x_train[:256], y_train=tiny.y_train[:256])
    lines: list[str] = []
    config = training.TrainConfig(
        "nielsen", epochs=1, batch_size=64, out=tmp_path / "m.keras", strategy="mirrored"
    )
    result = training.train(config, small, lines.append)
    assert "mirrored strategy, 1 replica(s)" in lines[0]
    meta = read_metadata(result.path)
    assert (meta["strategy"], meta["replicas"], meta["recipe"]) == ("mirrored", 1, "ours")
    assert set(meta["flip_lookalikes"]) == {"2 as 6", "5 as 2", "total"}
    assert meta["test_errors"] == round((1 - meta["test_accuracy"]) * len(small.y_test))
    assert load_model(result.path).count_params() == meta["parameters"]


def test_multiworker_reads_tf_config_and_refuses_without_it(tmp_path: Path):
    from inception_desktop.core.training.mnist import distribute

    with pytest.raises(distribute.StrategyError, match="needs the TF_CONFIG"):
        distribute.check("multiworker", environ={})
    with pytest.raises(distribute.StrategyError, match="not JSON"):
        distribute.check("multiworker", environ={"TF_CONFIG": "{cluster"})
    with pytest.raises(distribute.StrategyError, match="not in its cluster"):
        distribute.check(
            "multiworker",
            environ={
                "TF_CONFIG": '{"cluster": {"worker": ["a:1"]}, "task": '
                '{"type": "worker", "index": 1}}'
            },
        )
    two = '{"cluster": {"worker": ["a:1", "b:1"]}, "task": {"type": "worker", "index": %d}}'
    out = tmp_path / "m.keras"
    distribute.check("multiworker", environ={"TF_CONFIG": two % 1})
    assert distribute.output_for(out, "multiworker", {"TF_CONFIG": two % 0}) == out
    assert distribute.output_for(out, "multiworker", {"TF_CONFIG": two % 1}) == (
        tmp_path / "m.worker-worker-1.keras"
    )
    assert distribute.output_for(out, "mirrored", {}) == out
    with pytest.raises(distribute.StrategyError, match="unknown strategy"):
        distribute.check("parameter_server")


def test_the_report_counts_flipped_lookalike_confusions(tmp_path: Path):
    """Chu's lesson, counted: true 2 read as 6 and true 5 read as 2, in the summary and its JSON."""
    from inception_desktop.core.training.mnist.evaluation import evaluate

    labels = np.array([2, 2, 5, 5, 6, 1])
    answers = np.array([6, 6, 2, 5, 2, 1])  # 6 as 2 is not one of them: no flip makes it

    def model(x, training=False):
        assert len(x) == len(labels)
        return np.eye(10, dtype=np.float32)[answers]

    images = np.zeros((len(labels), 28, 28), np.uint8)
    summary = evaluate(model, images, labels, tmp_path / "report")
    assert summary["flip_lookalikes"] == {"2 as 6": 2, "5 as 2": 1, "total": 3}
    assert summary["errors"] == 4
    saved = json.loads((tmp_path / "report" / "summary.json").read_text())
    assert saved["flip_lookalikes"] == summary["flip_lookalikes"]


def test_a_source_recipe_trains_as_its_text_did(tiny, tmp_path: Path):
    """NielsenNet's source recipe end to end on a few images: plain SGD at batch 10 over the
    training set expanded fivefold by one-pixel shifts, with network3.py's L2."""
    small = replace(tiny, x_train=tiny.x_train[:100], y_train=tiny.y_train[:100])
    batches: list[tuple[int, int, str]] = []
    config = training.TrainConfig("nielsen", epochs=1, out=tmp_path / "m.keras", recipe="source")
    result = training.train(
        config, small, lambda line: None, lambda done, total, text: batches.append((done, total))
    )
    assert batches[-1] == (50, 50)  # 5 x 100 images / batch 10
    meta = read_metadata(result.path)
    assert (meta["recipe"], meta["optimizer"], meta["batch_size"]) == ("source", "sgd", 10)
    assert meta["augment"] == "shift1" and not meta["flip"] and meta["source_accuracy"] == 0.9951
    assert "sgd lr 0.03" in meta["recipe_detail"]
    assert not load_model(result.path).losses  # the L2 is training's, not the saved model's


@pytest.mark.slow
def test_inception_v3_trains_through_the_cli_path_with_chus_recipe(tiny, tmp_path: Path):
    """One batch of Inception v3 with Chu's recipe (RMSprop, batch 32, horizontal flips): the
    whole run, from the digit-sized input to a model file the app can open. (One batch each of
    training, validation and test: every further batch of this network costs the suite ~10 s.)"""
    small = first_of(tiny, train=32, other=32)
    lines: list[str] = []
    config = training.TrainConfig(
        "inception_v3", epochs=1, out=tmp_path / "v3.keras", recipe="source"
    )
    result = training.train(config, small, lines.append)
    assert "rmsprop lr 0.1 (step), batch 32, 1 epochs, momentum 0.9, horizontal flips" in lines[0]
    meta = read_metadata(result.path)
    assert (meta["architecture"], meta["recipe"], meta["flip"]) == ("inception_v3", "source", True)
    assert meta["source_accuracy"] == 0.9905 and meta["batch_size"] == 32
    model = load_model(result.path)  # the app's own checks: safe_mode, 28x28x1 in, 10 out
    assert model.count_params() == meta["parameters"] > 21_000_000


def test_a_run_resumes_only_with_its_own_recipe(tiny, tmp_path: Path):
    """The optimizer comes back from the checkpoint, the data pipeline from the command: a
    resume with another recipe would mix two trainings, so it is refused and says why."""
    small = replace(tiny, x_train=tiny.x_train[:128], y_train=tiny.y_train[:128])
    out = tmp_path / "m.keras"

    def interrupt_after_first_epoch(line: str) -> None:
        if line.startswith("epoch 1/"):
            raise KeyboardInterrupt

    config = training.TrainConfig("nielsen", epochs=2, batch_size=64, out=out)
    assert training.train(config, small, interrupt_after_first_epoch).interrupted
    resume_model, resume_state, _ = training.checkpoint_paths(out)
    assert json.loads(resume_state.read_text())["recipe"]["recipe"] == "ours"
    with pytest.raises(training.TrainingError, match=r"recipe 'ours' \(now 'source'\)"):
        training.train(
            replace(config, resume=resume_model, recipe="source"), small, lambda line: None
        )
    with pytest.raises(training.TrainingError, match=r"flip False \(now True\)"):
        training.train(replace(config, resume=resume_model, flip=True), small, lambda line: None)
    finished = training.train(replace(config, resume=resume_model), small, lambda line: None)
    assert not finished.interrupted and out.is_file()


def _run_quietly(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` as a terminal runs it (no log-level variables set): it must succeed, and
    no line of TensorFlow's, absl's or CUDA's may reach its stderr."""
    env = {k: v for k, v in os.environ.items() if k not in ("TF_CPP_MIN_LOG_LEVEL", VERBOSE_ENV)}
    result = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=300, cwd=cwd, env=env
    )
    assert result.returncode == 0, result.stderr[-2000:]
    noise = [line for line in result.stderr.splitlines() if NOISE.match(line)]
    assert noise == [], result.stderr[-2000:]
    return result


def test_training_keeps_tensorflows_log_lines_off_the_terminal(mnist_dir, tmp_path: Path):
    """absl's and CUDA's lines (``cuInit … UNKNOWN ERROR (303)``) went to the terminal of every
    ``train`` run until the training imported TensorFlow through the filter."""
    code = (
        "import sys, dataclasses as d; from pathlib import Path\n"
        "from inception_desktop.core.training.mnist import data, training\n"
        "s = data.load(Path(sys.argv[1]), allow_download=False)\n"
        "s = d.replace(s, x_train=s.x_train[:256], y_train=s.y_train[:256], x_val=s.x_val[:128],"
        " y_val=s.y_val[:128], x_test=s.x_test[:128], y_test=s.y_test[:128])\n"
        "c = training.TrainConfig(arch='default', epochs=1, out=Path(sys.argv[2]))\n"
        "training.train(c, s, report=lambda line: print(line, file=sys.stderr))\n"
    )
    result = _run_quietly(["-c", code, str(mnist_dir), str(tmp_path / "m.keras")], tmp_path)
    assert "saved" in result.stderr


def test_evaluate_keeps_tensorflows_log_lines_off_the_terminal(mnist_dir, tmp_path: Path):
    """``evaluate`` imported Keras without the filter: four absl/CUDA lines on every run."""
    args = ["-m", "inception_desktop", "evaluate", "mnist", "--data", str(mnist_dir)]
    assert "test accuracy" in _run_quietly(args, tmp_path).stdout
