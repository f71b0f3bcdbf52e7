"""A short training run end to end: progress, checkpoints, Ctrl-C and resume, metadata, evaluate."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from inception_desktop.cli import main
from inception_desktop.core.mnist import training
from inception_desktop.core.mnist.model_file import ModelFileError, load_model, read_metadata


@pytest.fixture(scope="module")
def tiny(mnist_splits):
    """600 training and 300 validation images: enough to learn something in seconds."""
    return replace(
        mnist_splits,
        x_train=mnist_splits.x_train[:600],
        y_train=mnist_splits.y_train[:600],
        x_val=mnist_splits.x_val[:300],
        y_val=mnist_splits.y_val[:300],
        x_test=mnist_splits.x_test[:300],
        y_test=mnist_splits.y_test[:300],
    )


def test_train_writes_a_model_with_its_metadata(tiny, tmp_path: Path):
    lines: list[str] = []
    batches: list[tuple[int, int, str]] = []
    out = tmp_path / "m.keras"
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
    assert [b[:2] for b in batches] == [(i, 10) for i in range(3, 11)] * 2  # 600 / 64 → 10
    assert batches[-1][2].startswith("epoch 2/2") and "run ETA" in batches[-1][2]
    meta = read_metadata(out)
    assert meta["architecture"] == "nielsen" and meta["epochs"] == 2
    assert 0.5 < meta["val_accuracy"] <= 1 and 0.5 < meta["test_accuracy"] <= 1
    assert meta["data_digest"] == tiny.digest and meta["command"] == "inception-desktop train"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.keras"]  # checkpoints cleaned up
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
    resume_model, resume_state, _ = training.checkpoint_paths(out)
    assert json.loads(resume_state.read_text())["epoch"] == 1
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
    summary = json.loads((report / "summary.json").read_text())
    assert summary["test_size"] == 10000
    assert summary["accuracy"] >= 0.9965
    assert sum(map(sum, summary["confusion_matrix"])) == 10000
    from PIL import Image

    assert Image.open(report / "confusion_matrix.png").size[0] > 400
    gallery = Image.open(report / "misclassified.png")
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
