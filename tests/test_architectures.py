"""Each MNIST architecture builds, maps (N, 28, 28, 1) to 10 softmax scores, and is what it says."""

from __future__ import annotations

import numpy as np
import pytest

from inception_desktop.core.training.mnist import architectures


@pytest.mark.parametrize("name", list(architectures.ARCHITECTURES))
def test_shapes_and_softmax(name: str):
    model = architectures.get(name).build()
    out = np.asarray(model(np.zeros((2, 28, 28, 1), np.float32), training=False))
    assert out.shape == (2, 10)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)


def test_the_seeds_layers_are_as_described():
    import keras

    nielsen = architectures.nielsen()
    convs = [layer for layer in nielsen.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [(c.filters, c.kernel_size, c.padding) for c in convs] == [
        (20, (5, 5), "same"),
        (40, (5, 5), "valid"),
    ]
    dense = [layer.units for layer in nielsen.layers if isinstance(layer, keras.layers.Dense)]
    assert dense == [1000, 1000, 10]
    inception = architectures.inception_modules()
    concat = [layer for layer in inception.layers if isinstance(layer, keras.layers.Concatenate)]
    assert [c.output.shape[-1] for c in concat] == [4 * 32, 4 * 64]
    vgg = architectures.vgg32()
    assert vgg.get_layer("block1_conv1").input.shape[1:3] == (32, 32)
    assert vgg.get_layer("block4_conv3").filters == 512


def test_default_is_small_and_normalised():
    import keras

    model = architectures.default()
    assert model.count_params() < 500_000
    assert any(isinstance(layer, keras.layers.BatchNormalization) for layer in model.layers)
    assert architectures.get("default").augment == "affine"


def test_unknown_name_lists_the_choices():
    with pytest.raises(ValueError, match="nielsen"):
        architectures.get("resnet")


def test_inception_v3_takes_the_digit_and_resizes_it_inside():
    """Keras' own Inception v3 behind the digit contract: 28x28x1 in [0, 1] at the input, the
    75x75 RGB in [-1, 1] that Inception wants made by the model's first layers."""
    model = architectures.inception_v3()
    assert model.inputs[0].shape[1:] == (28, 28, 1) and model.outputs[0].shape[1:] == (10,)
    assert model.name == "inception_v3" and 21_000_000 < model.count_params() < 23_000_000
    side = architectures.INCEPTION_V3_SIDE
    assert model.get_layer("to_inception_range").output.shape[1:] == (side, side, 3)
    import keras

    stem = next(layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D))
    assert stem.input.shape[1:] == (side, side, 3)  # Inception's stem sees the resized digit

    probe = keras.Model(model.inputs[0], model.get_layer("to_inception_range").output)
    white = np.asarray(probe(np.ones((1, 28, 28, 1), np.float32)))
    black = np.asarray(probe(np.zeros((1, 28, 28, 1), np.float32)))
    np.testing.assert_allclose(white, 1.0, atol=1e-6)
    np.testing.assert_allclose(black, -1.0, atol=1e-6)


@pytest.mark.slow
def test_inception_v3_converts_to_litert_through_the_user_model_path(tmp_path, isolated_cache):
    """A trained inception_v3 .keras opens in the Digit workspace the way any user's model does:
    checked, loaded with safe_mode, converted once into the cache, run on LiteRT."""
    from inception_desktop.core.models import mnist
    from inception_desktop.core.models.mnist_file import load_model

    path = tmp_path / "inception_v3.keras"
    architectures.inception_v3().save(path)
    keras_model = load_model(path)  # the app's checks: size, safe_mode, 28x28x1 → 10
    litert = mnist.load_classifier(path, runtime="litert")
    assert mnist.converted_path(path).is_file()
    assert litert.input_shape == (28, 28)
    rng = np.random.default_rng(0)
    digit = (rng.random((28, 28)) * 255).astype(np.uint8)
    expected = np.asarray(keras_model(digit[None, :, :, None] / 255.0, training=False))[0]
    np.testing.assert_allclose(litert.scores(digit), expected, atol=2e-4)
