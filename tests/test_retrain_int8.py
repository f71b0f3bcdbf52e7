"""Retraining on the int8 backbone's features: as accurate as on float32's, cached apart, and
exported as an int8 ``.tflite``."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.test_retrain import CLASSES, make_classes, run_cli


@pytest.mark.slow
def test_int8_features_train_as_well_as_float_ones(
    tmp_path, capsys, inception_weights, converted_inception
):
    data = make_classes(tmp_path / "data", per_class=30, seed=5)
    runs = {}
    for precision in ("fp32", "int8"):
        extra = ["--export-tflite", tmp_path / "int8.tflite"] if precision == "int8" else []
        code, out, err = run_cli(
            capsys, "retrain", data, "--out", tmp_path / f"{precision}.keras",
            "--weights", inception_weights, "--runtime", "litert", "--json", "--seed", "3",
            "--precision", precision, *extra,
        )  # fmt: skip
        assert code == 0, err
        runs[precision] = json.loads(out)
    # Features of the int8 backbone are other features: computed, not read from float's cache.
    assert runs["int8"]["computed"] == runs["fp32"]["computed"] == 3 * 30
    assert runs["int8"]["validation"] == runs["fp32"]["validation"] == 3 * 6
    assert runs["fp32"]["val_accuracy"] >= 0.9
    assert runs["int8"]["val_accuracy"] >= runs["fp32"]["val_accuracy"] - 0.01
    # The export is the int8 twin of backbone + head, and answers as the model does.
    from inception_desktop.core.models.litert import LiteRTModel
    from inception_desktop.core.training.retrain.export import labels_path

    exported = LiteRTModel(tmp_path / "int8.tflite")
    assert exported.precision == "int8"
    sidecar = json.loads(labels_path(tmp_path / "int8.tflite").read_text())
    assert sidecar["labels"] == list(CLASSES) and sidecar["precision"] == "int8"
    from inception_desktop.core.photo.framing import Framing
    from inception_desktop.core.photo.prepare import photo_input

    photos = sorted((data / CLASSES[0]).glob("*.png"))[:4]
    inputs = np.stack([photo_input(p, Framing("pad"), 299).array for p in photos])
    assert (exported.predict_batch(inputs).argmax(axis=1) == 0).all()
