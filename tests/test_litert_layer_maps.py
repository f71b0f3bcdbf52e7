"""The digit layer view's maps from LiteRT: each convolution's output is an extra output of a digit
model's conversion (the shipped ``.tflite`` and a user's ``.keras`` alike), equal to what the
Keras model computes, and the scores stay exactly what they were without those outputs."""

from __future__ import annotations

import numpy as np
import pytest

#: float32 maps through LiteRT's XNNPACK kernels against TensorFlow's: summation order only.
TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def digits(mnist_splits) -> np.ndarray:
    return np.asarray(mnist_splits.x_test[:8], np.uint8)


def test_the_shipped_tflite_gives_every_convolutions_maps_as_keras_does(digits):
    from inception_desktop.core.explain.features import (
        FeatureMaps,
        has_layer_outputs,
        litert_layer_maps,
        load_digit_model,
    )
    from inception_desktop.core.models.mnist import load_classifier

    litert = load_classifier(runtime="litert").predictor
    assert has_layer_outputs(litert)
    keras_maps = FeatureMaps(load_digit_model(None))
    for digit in digits[:3]:
        ours, theirs = litert_layer_maps(litert, digit), keras_maps(digit)
        assert [(m.name, m.kind, m.maps.shape) for m in ours] == [
            (m.name, m.kind, m.maps.shape) for m in theirs
        ]
        for a, b in zip(ours, theirs, strict=True):
            assert np.abs(a.maps - b.maps).max() <= TOLERANCE * max(1.0, np.abs(b.maps).max())
    assert len(ours) == 7 and ours[0].maps.shape == (26, 26, 32)
    # the int8 twin has them too (dynamic range: the same maps up to the weights' rounding)
    int8 = load_classifier(runtime="litert", precision="int8").predictor
    quantized = litert_layer_maps(int8, digits[0])
    exact = keras_maps(digits[0])
    for a, b in zip(quantized, exact, strict=True):
        assert a.maps.shape == b.maps.shape
        assert np.corrcoef(a.maps.ravel(), b.maps.ravel())[0, 1] > 0.95


def test_the_maps_outputs_leave_the_shipped_scores_bit_identical(digits, tmp_path):
    """The shipped ``.tflite`` (scores + maps) against the same model converted with its scores
    alone, as it shipped before: the same bytes out for every digit."""
    from inception_desktop.core.digit import contract
    from inception_desktop.core.explain.features import load_digit_model
    from inception_desktop.core.models.litert import LiteRTModel
    from inception_desktop.core.models.mnist import INPUT_SHAPE, load_classifier
    from inception_desktop.core.models.tflite_export import export_tflite, uint8_wrapper

    plain = uint8_wrapper(
        load_digit_model(None), None, contract.SCALE, contract.OFFSET, INPUT_SHAPE
    )
    scores_only = LiteRTModel(export_tflite(plain, INPUT_SHAPE, tmp_path / "scores.tflite"))
    assert scores_only.outputs == ("scores",)
    shipped = load_classifier(runtime="litert").predictor
    assert np.array_equal(shipped.predict_batch(digits), scores_only.predict_batch(digits))


def test_a_users_keras_file_is_converted_with_its_maps(tmp_path):
    """A user's ``.keras`` file: its LiteRT conversion (``mnist-2-…`` in the cache) has each
    top-level convolution's maps after its activation, named in order."""
    import keras
    from keras import layers

    from inception_desktop.core.explain.features import litert_layer_maps
    from inception_desktop.core.models.mnist import CONVERSION_PREFIX, load_classifier

    keras.utils.set_random_seed(1)
    inputs = keras.Input((28, 28, 1))
    x = layers.Conv2D(4, 3, name="first")(inputs)
    x = layers.ReLU(name="first_relu")(x)
    x = layers.Conv2D(6, 3, strides=2, activation="relu", name="second")(x)
    x = layers.GlobalAveragePooling2D()(x)
    model = keras.Model(inputs, layers.Dense(10, activation="softmax")(x))
    path = tmp_path / "mine.keras"
    model.save(path)

    classifier = load_classifier(path, runtime="litert")
    assert classifier.predictor.path.name.startswith(CONVERSION_PREFIX)
    digit = np.random.default_rng(2).integers(0, 256, (28, 28), dtype=np.uint8)
    maps = litert_layer_maps(classifier.predictor, digit)
    assert [(m.name, m.kind, m.maps.shape) for m in maps] == [
        ("first", "Conv2D", (26, 26, 4)),
        ("second", "Conv2D", (12, 12, 6)),
    ]
    x01 = (digit / 255.0).astype(np.float32)[None, ..., None]
    relu = keras.Model(model.input, model.get_layer("first_relu").output)(x01)
    assert maps[0].maps.min() >= 0  # after the ReLU that follows the convolution
    assert np.abs(maps[0].maps - np.asarray(relu)[0]).max() <= TOLERANCE


def test_a_conversion_without_maps_says_so():
    from inception_desktop.core.explain import ExplainError
    from inception_desktop.core.explain.features import has_layer_outputs, litert_layer_maps

    class ScoresOnly:
        outputs = ("scores",)
        path = "old.tflite"

    assert not has_layer_outputs(ScoresOnly())
    with pytest.raises(ExplainError, match="without its layers' maps"):
        litert_layer_maps(ScoresOnly(), np.zeros((28, 28), np.uint8))
