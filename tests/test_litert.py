"""LiteRT against Keras: the same scores (≤ 1e-5) and the same top-10 for every model we convert,
and a LiteRT path that never imports TensorFlow."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

TOLERANCE = 1e-5


def _same_ranking(a: np.ndarray, b: np.ndarray, k: int = 10) -> None:
    for row_a, row_b in zip(a, b, strict=True):
        assert list(np.argsort(-row_a, kind="stable")[:k]) == list(
            np.argsort(-row_b, kind="stable")[:k]
        )


@pytest.mark.slow
def test_inception_litert_matches_keras(inception_classifier, litert_classifier):
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, (4, 299, 299, 3), dtype=np.uint8)
    keras_scores = inception_classifier.predictor.predict_batch(images)
    litert_scores = litert_classifier.predictor.predict_batch(images)
    assert np.abs(keras_scores - litert_scores).max() <= TOLERANCE
    _same_ranking(keras_scores, litert_scores)
    single = np.stack([litert_classifier.scores(image) for image in images])
    np.testing.assert_allclose(single, litert_scores, atol=1e-7)


@pytest.mark.slow
def test_inception_tflite_gives_the_pooled_features(inception_classifier, litert_classifier):
    """The second output is avg_pool's 2048 values, as Keras computes them."""
    import keras

    model = inception_classifier.predictor.model
    pooled = keras.Model(model.inputs, model.get_layer("avg_pool").output)
    image = np.random.default_rng(2).integers(0, 256, (1, 299, 299, 3), dtype=np.uint8)
    expected = pooled.predict(image.astype(np.float32) / 127.5 - 1.0, verbose=0)
    features = litert_classifier.predictor.run(image)["features"]
    assert features.shape == (1, 2048)
    np.testing.assert_allclose(features, expected, atol=TOLERANCE)


@pytest.mark.slow
@pytest.mark.parametrize("arch", ["nielsen", "inception_modules", "vgg32", "default"])
def test_every_mnist_architecture_converts_with_the_same_scores(arch, tmp_path):
    import keras

    from inception_desktop.core.models.litert import LiteRTModel
    from inception_desktop.core.models.mnist import INPUT_SHAPE, serving_model
    from inception_desktop.core.models.tflite_export import export_tflite
    from inception_desktop.core.training.mnist import architectures

    keras.utils.set_random_seed(3)
    model = architectures.get(arch).build()
    path = export_tflite(serving_model(model), INPUT_SHAPE, tmp_path / f"{arch}.tflite")
    digits = np.random.default_rng(4).integers(0, 256, (16, 28, 28), dtype=np.uint8)
    expected = model.predict((digits / 255.0)[..., None].astype(np.float32), verbose=0)
    scores = LiteRTModel(path).predict_batch(digits)
    assert np.abs(scores - expected).max() <= TOLERANCE
    _same_ranking(scores, expected)


def test_shipped_tflite_agrees_with_shipped_keras(mnist_splits):
    """packaging/export_mnist_tflite.py made the .tflite from the shipped .keras: they agree."""
    from inception_desktop.core.models.mnist import load_classifier

    litert = load_classifier(runtime="litert")
    keras_model = load_classifier(runtime="tensorflow")
    digits = mnist_splits.x_test[:64]
    a, b = litert.predictor.predict_batch(digits), keras_model.predictor.predict_batch(digits)
    assert np.abs(a - b).max() <= TOLERANCE
    _same_ranking(a, b)
    assert litert.name == keras_model.name == "MNIST default"
    assert litert.device.startswith("CPU · LiteRT")
    assert "TensorFlow" in keras_model.device
    # Both name the same trained weights (the shipped .keras), and every answer carries it.
    from inception_desktop.core.store.download import file_digest
    from inception_desktop.core.store.resources import MNIST_MODEL, resource_path

    with resource_path(MNIST_MODEL) as keras_file:
        shipped = file_digest(keras_file, "md5")
    assert litert.weights == keras_model.weights == shipped
    assert litert.classify(digits[0]).weights == shipped
    assert {p.weights for p in keras_model.classify_batch(list(digits[:2]))} == {shipped}


def test_damaged_tflite_is_refused_with_a_reason(tmp_path):
    from inception_desktop.core.models.litert import LiteRTModel

    bad = tmp_path / "bad.tflite"
    bad.write_bytes(b"TFL3" + b"\0" * 64)
    with pytest.raises(ValueError):
        LiteRTModel(bad)


def _run_python(code: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    import os

    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300
    )


def test_litert_paths_never_import_tensorflow(tmp_path, isolated_cache):
    """Classifying a digit and loading the digit model on LiteRT: no TensorFlow, no noise."""
    digit = np.zeros((28, 28), np.uint8)
    digit[6:22, 12:16] = 255
    np.save(tmp_path / "digit.npy", digit)
    code = f"""
import sys, numpy as np
from inception_desktop.core.models.mnist import load_classifier
c = load_classifier(runtime="litert")
p = c.classify(np.load({str(tmp_path / "digit.npy")!r}))
print(p.best.label, c.device)
print("tensorflow" in sys.modules, "keras" in sys.modules)
"""
    done = _run_python(code)
    assert done.returncode == 0, done.stderr
    label, loaded = done.stdout.splitlines()
    assert label.startswith("1 CPU · LiteRT")
    assert loaded == "False False"
    assert done.stderr == ""  # not even LiteRT's "Created TensorFlow Lite XNNPACK delegate"


@pytest.mark.slow
def test_classify_on_litert_is_quiet_and_imports_no_tensorflow(
    tmp_path, inception_weights, converted_inception
):
    photo = tmp_path / "photo.png"
    Image.new("RGB", (320, 200), (200, 30, 30)).save(photo)
    code = f"""
import sys
from inception_desktop.cli import main
code = main(["classify", {str(photo)!r}, "--weights", {str(inception_weights)!r},
             "--runtime", "litert", "--json"])
print("TF", "tensorflow" in sys.modules, file=sys.stderr)
sys.exit(code)
"""
    done = _run_python(code)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "TF False"
    (entry,) = json.loads(done.stdout)
    assert entry["path"] == str(photo) and len(entry["top"]) == 5


@pytest.mark.slow
def test_tensorflow_runtime_is_quiet_too(tmp_path, inception_weights):
    """No absl/CUDA/oneDNN lines from importing TensorFlow (unless --verbose)."""
    done = _run_python(
        "from inception_desktop.core.quiet import import_tensorflow; import_tensorflow()"
    )
    assert done.returncode == 0
    assert done.stderr == ""
    verbose = _run_python(
        "from inception_desktop.core.quiet import import_tensorflow; import_tensorflow()",
        {"INCEPTION_DESKTOP_VERBOSE": "1", "TF_CPP_MIN_LOG_LEVEL": "0"},
    )
    assert verbose.returncode == 0
    assert verbose.stderr.strip()  # with --verbose the libraries' own lines do come through


def test_prepare_sizes_the_interpreter_and_any_batch_size_follows(mnist_splits):
    """prepare allocates for a batch without running the network; calls of other sizes resize
    it again, and every size gives the scores each input gets alone."""
    from inception_desktop.core.models.mnist import load_classifier

    model = load_classifier(runtime="litert").predictor
    model.prepare(5)
    assert tuple(model._interpreter.get_input_details()[0]["shape"]) == (5, 28, 28)
    digits = mnist_splits.x_test[:7]
    alone = np.stack([model.predict(d) for d in digits])
    for size in (5, 2, 7):
        np.testing.assert_allclose(model.predict_batch(digits[:size]), alone[:size], atol=1e-6)
    assert tuple(model._interpreter.get_input_details()[0]["shape"]) == (7, 28, 28)
