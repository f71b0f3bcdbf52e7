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
    assert architectures.get("default").augment


def test_unknown_name_lists_the_choices():
    with pytest.raises(ValueError, match="nielsen"):
        architectures.get("resnet")
