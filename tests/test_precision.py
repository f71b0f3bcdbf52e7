"""int8 beside every float model: chosen in one place, named in what people read, and within
stated bounds of float on trained networks (the shipped MNIST model on the 10,000 test digits)
and on Inception v3's fixed random test weights."""

from __future__ import annotations

import numpy as np
import pytest


def test_precision_is_chosen_in_one_place(monkeypatch):
    from inception_desktop.core.models import precision

    monkeypatch.delenv(precision.ENV, raising=False)
    assert precision.resolve() == "fp32"  # float32 stays the default
    monkeypatch.setenv(precision.ENV, "INT8")
    assert precision.resolve() == "int8"
    assert precision.resolve("fp32") == "fp32"  # the option wins over the environment
    with pytest.raises(precision.PrecisionChoiceError, match="fp32, int8"):
        precision.resolve("int4")


def test_int8_runs_on_litert_even_where_a_gpu_would_pick_tensorflow(monkeypatch):
    from inception_desktop.core.errors import InceptionDesktopError
    from inception_desktop.core.models import precision, runtime

    monkeypatch.delenv(runtime.ENV, raising=False)
    monkeypatch.setattr(runtime, "cuda_gpu_present", lambda: True)
    assert precision.runtime_for(None, "fp32") == "tensorflow"
    assert precision.runtime_for(None, "int8") == "litert"
    assert precision.runtime_for("litert", "int8") == "litert"
    with pytest.raises(InceptionDesktopError, match="run on LiteRT"):
        precision.runtime_for("tensorflow", "int8")


def test_shipped_mnist_has_an_int8_twin_that_says_so():
    from inception_desktop.core.models.mnist import load_classifier
    from inception_desktop.core.store.resources import MNIST_TFLITE, MNIST_TFLITE_INT8, resource

    float32, int8 = load_classifier(precision="fp32"), load_classifier(precision="int8")
    assert "float32" in float32.device and "int8" in int8.device  # what the status bar shows
    assert float32.weights == int8.weights  # the same trained weights, in two precisions
    assert int8.predictor.precision == "int8" and float32.predictor.precision == "fp32"
    size = resource(MNIST_TFLITE_INT8).read_bytes().__len__()
    assert size < 0.3 * len(resource(MNIST_TFLITE).read_bytes())


def test_shipped_mnist_int8_accuracy_is_within_a_tenth_of_a_point(mnist_splits):
    """The shipped model on the 10,000 test digits: int8 within 0.1 point of float32."""
    from inception_desktop.core.models.mnist import load_classifier
    from inception_desktop.core.training.mnist.evaluation import accuracy

    x, y = mnist_splits.x_test, mnist_splits.y_test
    assert len(y) == 10_000
    float32 = accuracy(load_classifier(precision="fp32").predictor, x, y)
    int8 = accuracy(load_classifier(precision="int8").predictor, x, y)
    assert float32 > 0.99
    assert abs(float32 - int8) <= 0.001, (float32, int8)


@pytest.mark.slow
def test_inception_conversion_makes_the_int8_twin_beside_it(inception_tflite):
    """One conversion writes both files, named after the weights' md5; int8 is a quarter of the
    size and, on the fixed random weights, computes nearly the same features and scores."""
    from inception_desktop.core.models.litert import FEATURES, SCORES, LiteRTModel

    twin = inception_tflite.with_name(inception_tflite.stem + ".int8.tflite")
    assert twin.is_file()
    assert twin.stat().st_size < 0.3 * inception_tflite.stat().st_size
    float32, int8 = LiteRTModel(inception_tflite), LiteRTModel(twin)
    assert (float32.precision, int8.precision) == ("fp32", "int8")
    images = np.random.default_rng(3).integers(0, 256, (4, 299, 299, 3), dtype=np.uint8)
    a, b = float32.run(images), int8.run(images)
    # Random weights give near-uniform scores, so compare what they can tell: the pooled
    # features (relative error) and the scores' largest difference.
    error = np.linalg.norm(a[FEATURES] - b[FEATURES]) / np.linalg.norm(a[FEATURES])
    assert error < 0.1, error
    assert np.abs(a[SCORES] - b[SCORES]).max() < 1e-3


class _Scores:
    """A predictor that answers fixed scores, one row per input (its first pixel's value)."""

    def __init__(self, rows: np.ndarray) -> None:
        self.rows = rows
        self.input_shape = (1,)
        self.runtime = "fake"

    def prepare(self, batch: int) -> None:
        pass

    def predict_batch(self, arrays: np.ndarray, batch_size: int = 8) -> np.ndarray:
        return self.rows[np.asarray(arrays)[:, 0]]


def test_the_comparison_counts_agreement_overlap_difference_and_changes():
    from inception_desktop.core.models.classifier import Classifier
    from inception_desktop.core.precision_check import Tally

    labels = [f"c{i}" for i in range(6)]
    float_rows = np.array([[0.5, 0.2, 0.1, 0.1, 0.06, 0.04], [0.1, 0.6, 0.1, 0.1, 0.05, 0.05]])
    int8_rows = np.array([[0.45, 0.25, 0.1, 0.1, 0.06, 0.04], [0.5, 0.2, 0.1, 0.1, 0.06, 0.04]])
    # The second input's top five lose c5 for c4 (overlap 4/5 when they differ).
    int8_rows[1] = [0.4, 0.3, 0.1, 0.1, 0.0, 0.1]
    float32 = Classifier("m", _Scores(float_rows), labels, "fake")
    int8 = Classifier("m", _Scores(int8_rows), labels, "fake")
    inputs = np.array([[0], [1]])
    tally = Tally(float32, int8)
    tally.add(["a.png", "b.png"], inputs)
    report = tally.report({"fp32": 4, "int8": 1})
    assert report.photos == 2
    assert report.top1_agreement == 0.5
    assert report.top5_overlap == pytest.approx((1 + 4 / 5) / 2)
    assert report.max_score_diff == pytest.approx(0.3)
    assert [(c.path, c.fp32, c.int8) for c in report.changed] == [("b.png", "c1", "c0")]
    assert report.speedup > 0 and set(report.ms) == {"fp32", "int8"}
    assert list(report.as_dict()) == [
        "photos", "top1_agreement", "top5_overlap", "max_score_diff", "speedup", "sizes",
        "changed",
    ]  # fmt: skip
    assert report.as_dict()["changed"] == [{"path": "b.png", "fp32": "c1", "int8": "c0"}]


def test_precision_command_prints_the_json_it_promises(tmp_path, mnist_splits):
    """``inception-desktop precision DIGITS --model mnist --json``: the shipped model's two
    precisions on real digits (one unreadable file is skipped, on stderr)."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    from PIL import Image

    for i in range(6):
        Image.fromarray(mnist_splits.x_test[i]).save(tmp_path / f"{i}.png")
    (tmp_path / "broken.png").write_bytes(b"not a png")
    result = subprocess.run(
        [sys.executable, "-m", "inception_desktop", "precision", str(tmp_path), "--model",
         "mnist", "--json"],
        capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[1],
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) == {
        "photos", "top1_agreement", "top5_overlap", "max_score_diff", "speedup", "sizes",
        "changed",
    }  # fmt: skip
    assert out["photos"] == 6 and out["top1_agreement"] == 1.0 and out["changed"] == []
    assert 0 <= out["max_score_diff"] < 0.01 and out["speedup"] > 0
    assert out["sizes"]["int8"] < 0.3 * out["sizes"]["fp32"]
    assert "broken.png" in result.stderr


def test_a_folder_is_checked_chunk_by_chunk_with_its_subfolders_when_asked(
    tmp_path, mnist_splits, monkeypatch
):
    """``check(recursive=True)`` reads the subfolders too (the window's folder check), and
    inputs compared a chunk at a time give the report one comparison of them all gives."""
    from PIL import Image

    from inception_desktop.core import precision_check
    from inception_desktop.core.models.mnist import load_classifier

    folder = tmp_path / "digits"
    (folder / "more").mkdir(parents=True)
    for i in range(5):
        Image.fromarray(mnist_splits.x_test[i]).save(folder / f"{i}.png")
    for i in range(5, 8):
        Image.fromarray(mnist_splits.x_test[i]).save(folder / "more" / f"{i}.png")
    monkeypatch.setattr(precision_check, "CHUNK", 3)
    assert precision_check.check([folder], "mnist").photos == 5
    deep = precision_check.check([folder], "mnist", recursive=True)
    assert deep.photos == 8
    from inception_desktop.core.digit.image import read_digit_file

    paths = sorted(str(p) for p in folder.rglob("*.png"))
    inputs = np.stack([read_digit_file(p).steps.input for p in paths])
    tally = precision_check.Tally(
        load_classifier(None, "litert", "fp32"), load_classifier(None, "litert", "int8")
    )
    tally.add(paths, inputs)  # all of them in one comparison
    whole = tally.report(deep.sizes)
    assert (deep.top1_agreement, deep.changed) == (whole.top1_agreement, whole.changed)
    assert deep.top5_overlap == pytest.approx(whole.top5_overlap)
    assert deep.max_score_diff == pytest.approx(whole.max_score_diff, abs=1e-7)
