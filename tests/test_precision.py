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
