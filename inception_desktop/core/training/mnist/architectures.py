"""The MNIST networks this project trains: the seeds' three, Inception v3 itself, and our default.

Every builder takes no required argument and returns an uncompiled ``keras.Model`` that maps
(N, 28, 28, 1) float32 images in [0, 1] (ink bright on black, as in MNIST) to 10 softmax scores.
A network that wants a larger or coloured input (Inception v3: at least 75x75 RGB) resizes and
converts inside itself, so every model here keeps the digit contract
(:mod:`inception_desktop.core.digit.contract`): the Digit workspace, ``evaluate`` and the LiteRT
export treat it like any other. Keras is imported inside the builders so that importing this
module stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from inception_desktop.core.digit import contract

INPUT_SHAPE = contract.MODEL_INPUT_SHAPE
NUM_CLASSES = contract.NUM_CLASSES


@dataclass(frozen=True)
class Architecture:
    """A named builder with what the seed reported for it, for the comparison table."""

    name: str
    build: Callable[[], Any]
    description: str
    seed_accuracy: float | None
    default_epochs: int
    learning_rate: float
    #: What our recipe augments with: one of :data:`.recipes.AUGMENTATIONS`.
    augment: str


def nielsen() -> Any:
    """The seed's NielsenNet: two conv/pool stages and two dropout-regularised dense layers."""
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input(INPUT_SHAPE),
            layers.Conv2D(20, 5, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(40, 5, padding="valid", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(1000, activation="relu"),
            layers.Dropout(0.5),
            layers.Dense(1000, activation="relu"),
            layers.Dropout(0.5),
            layers.Dense(NUM_CLASSES, activation="softmax"),
        ],
        name="nielsen",
    )


def _inception_module(x: Any, maps: int, reduce: int, name: str) -> Any:
    """Four towers (1x1, 1x1→3x3, 1x1→5x5, 3x3 max-pool→1x1) concatenated on channels."""
    from keras import layers

    def conv(t: Any, filters: int, size: int, suffix: str) -> Any:
        return layers.Conv2D(
            filters, size, padding="same", activation="relu", name=f"{name}_{suffix}"
        )(t)

    tower_1 = conv(x, maps, 1, "1x1")
    tower_3 = conv(conv(x, reduce, 1, "3x3_reduce"), maps, 3, "3x3")
    tower_5 = conv(conv(x, reduce, 1, "5x5_reduce"), maps, 5, "5x5")
    pooled = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    tower_p = conv(pooled, maps, 1, "pool_proj")
    return layers.Concatenate(name=f"{name}_concat")([tower_1, tower_3, tower_5, tower_p])


def _dense_head(x: Any, units: int) -> Any:
    """The seeds' classifier: flatten, one dense ReLU layer with dropout 0.5, softmax 10."""
    from keras import layers

    x = layers.Flatten()(x)
    x = layers.Dense(units, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    return layers.Dense(NUM_CLASSES, activation="softmax")(x)


def inception_modules() -> Any:
    """The seed's two Inception modules (32 then 64 maps per tower, 16 reduce) and a dense 700."""
    import keras
    from keras import layers

    inputs = keras.Input(INPUT_SHAPE)
    x = _inception_module(inputs, 32, 16, "inception_1")
    x = layers.MaxPooling2D(2)(x)
    x = _inception_module(x, 64, 16, "inception_2")
    x = layers.MaxPooling2D(2)(x)
    return keras.Model(inputs, _dense_head(x, 700), name="inception_modules")


def vgg32() -> Any:
    """The seed's VGG variant on MNIST padded to 32x32: 64-64/128-128/256x3/512x3, dense 4096."""
    import keras
    from keras import layers

    inputs = keras.Input(INPUT_SHAPE)
    x = layers.ZeroPadding2D(2)(inputs)
    for stage, (filters, repeats) in enumerate([(64, 2), (128, 2), (256, 3), (512, 3)], start=1):
        for i in range(repeats):
            x = layers.Conv2D(
                filters, 3, padding="same", activation="relu", name=f"block{stage}_conv{i + 1}"
            )(x)
        x = layers.MaxPooling2D(2, name=f"block{stage}_pool")(x)
    return keras.Model(inputs, _dense_head(x, 4096), name="vgg32")


#: Side Inception v3 sees the digit at: Keras' minimum for the architecture (its stem and five
#: stride-2 stages need 75 pixels), the cheapest size on a CPU. Chu's guide fed larger images.
INCEPTION_V3_SIDE = 75


def inception_v3() -> Any:
    """Keras' own Inception v3 (``weights=None``, 10 classes), trained from scratch on MNIST.

    The 28x28x1 digit is resized (bilinear) to :data:`INCEPTION_V3_SIDE`, copied to three
    channels and scaled from [0, 1] to Inception's [-1, 1] inside the model, by plain Keras layers
    that load with ``safe_mode`` and convert to LiteRT builtins. About 21.8M parameters (an
    87 MB file); no auxiliary classifier (Keras' Inception v3 has none).
    """
    import keras
    from keras import layers

    side = INCEPTION_V3_SIDE
    inputs = keras.Input(INPUT_SHAPE)
    x = layers.Resizing(side, side, interpolation="bilinear", name="resize")(inputs)
    x = layers.Concatenate(name="grey_to_rgb")([x, x, x])
    x = layers.Rescaling(2.0, offset=-1.0, name="to_inception_range")(x)
    base = keras.applications.InceptionV3(
        weights=None, classes=NUM_CLASSES, input_tensor=x, input_shape=(side, side, 3)
    )
    # Rewrapped: Keras' model takes its inputs as a list, and calling it with one tensor (as
    # evaluation and the app do) would warn at every call. Same layers, same weights.
    return keras.Model(inputs, base.outputs[0], name="inception_v3")


def default() -> Any:
    """Our shipped network: small, batch-normalised, strided convolutions instead of pooling.

    Three 3x3 convs reach a 7x7 receptive field cheaply; a learned 5x5 stride-2 conv replaces
    max-pooling (it learns how to downsample and costs little at 12x12); dropout after each stage.
    About 330k parameters, a 1.3 MB file, and ~16 MFLOPs an image: fast enough to classify a digit
    at every stroke on a laptop CPU.
    """
    import keras
    from keras import layers

    def conv_bn(x: Any, filters: int, size: int, strides: int = 1, padding: str = "valid") -> Any:
        x = layers.Conv2D(filters, size, strides=strides, padding=padding, use_bias=False)(x)
        x = layers.BatchNormalization(momentum=0.95)(x)
        return layers.Activation("relu")(x)

    inputs = keras.Input(INPUT_SHAPE)
    x = conv_bn(inputs, 32, 3)  # 26
    x = conv_bn(x, 32, 3)  # 24
    x = conv_bn(x, 32, 5, strides=2, padding="same")  # 12
    x = layers.Dropout(0.4)(x)
    x = conv_bn(x, 64, 3)  # 10
    x = conv_bn(x, 64, 3)  # 8
    x = conv_bn(x, 64, 5, strides=2, padding="same")  # 4
    x = layers.Dropout(0.4)(x)
    x = conv_bn(x, 128, 4)  # 1
    x = layers.Flatten()(x)
    x = layers.Dropout(0.4)(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="default")


ARCHITECTURES: dict[str, Architecture] = {
    arch.name: arch
    for arch in (
        Architecture(
            "nielsen",
            nielsen,
            "NielsenNet (seed): 2 conv-pool stages (20, 40 5x5 filters), dense 1000+1000",
            0.9951,
            12,
            1e-3,
            "shift1",
        ),
        Architecture(
            "inception_modules",
            inception_modules,
            "two Inception modules (seed): 4 towers each, 32 then 64 maps, dense 700",
            0.985,
            10,
            1e-3,
            "none",
        ),
        Architecture(
            "vgg32",
            vgg32,
            "VGG-16's convolutions on MNIST padded to 32x32 (seed), dense 4096",
            0.9786,
            5,
            1e-4,
            "none",
        ),
        Architecture(
            "inception_v3",
            inception_v3,
            "Keras' Inception v3 from scratch, the digit upscaled to 75x75 inside (Chu's guide)",
            0.9905,
            10,
            1e-3,
            "affine",
        ),
        Architecture(
            "default",
            default,
            "ours, shipped: 7 batch-normalised convs, strided 5x5 instead of pooling, 330k",
            None,
            20,
            3e-3,
            "affine",
        ),
    )
}


def get(name: str) -> Architecture:
    """The architecture called ``name``; the error lists the valid names."""
    try:
        return ARCHITECTURES[name]
    except KeyError:
        raise ValueError(
            f"unknown architecture {name!r}; choose one of {', '.join(ARCHITECTURES)}"
        ) from None
