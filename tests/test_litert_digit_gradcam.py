"""Grad-CAM of digit models on LiteRT (core.explain.litert_gradcam.HeadGradCam): the explained map
is an output of the conversion and the logit's gradient goes back through the head in numpy with
the file's weights. Held to TensorFlow's Grad-CAM (core.explain.gradcam.GradCam) on the same
model: the shipped one, and users' models with other heads (max pooling and hidden ReLU layers,
global average pooling); a head it cannot follow is refused with the reason."""

from __future__ import annotations

import numpy as np
import pytest

#: float32 LiteRT against TensorFlow, maps normalised to [0, 1]: measured 5e-7 on the shipped model.
TOLERANCE = 1e-4
#: The int8 twin (dynamic range: weights rounded to 8 bits) against float32 TensorFlow:
#: measured 0.009 on five test digits.
INT8_TOLERANCE = 0.05


@pytest.fixture(scope="module")
def digits(mnist_splits) -> np.ndarray:
    return np.asarray(mnist_splits.x_test[:6], np.uint8)


def test_the_shipped_model_on_litert_gives_tensorflows_grad_cam(digits):
    from inception_desktop.core.explain.gradcam import for_classifier
    from inception_desktop.core.explain.litert_gradcam import HeadGradCam, for_litert
    from inception_desktop.core.models.mnist import load_classifier

    lite = for_litert(load_classifier(runtime="litert"))
    assert isinstance(lite, HeadGradCam)
    assert lite.layer == "conv2d_12"  # the last map of at least 2x2 (4x4x64), as Keras picks
    keras_cam = for_classifier(load_classifier(runtime="tensorflow"))
    int8 = for_litert(load_classifier(runtime="litert", precision="int8"))
    for digit in digits:
        ours, theirs = lite(digit), keras_cam(digit)
        assert ours.class_index == theirs.class_index and ours.cam.shape == (4, 4)
        assert np.abs(ours.cam - theirs.cam).max() <= TOLERANCE
        assert abs(ours.logit - theirs.logit) <= 1e-3
        assert np.abs(ours.scores - theirs.scores).max() <= 1e-4
        quantized = int8(digit)
        assert quantized.class_index == theirs.class_index
        assert np.abs(quantized.cam - theirs.cam).max() <= INT8_TOLERANCE
    # another class than the top one: its own gradient
    other = (theirs.class_index + 1) % 10
    assert np.abs(lite(digits[0], other).cam - keras_cam(digits[0], other).cam).max() <= TOLERANCE


def _convert(model, tmp_path, name):
    from inception_desktop.core.models.mnist import load_classifier

    path = tmp_path / f"{name}.keras"
    model.save(path)
    return load_classifier(path, runtime="litert"), load_classifier(path, runtime="tensorflow")


@pytest.mark.parametrize("head", ["pool-dense-relu", "average"])
def test_users_models_with_other_heads(head, digits, tmp_path):
    """NielsenNet's shape (max pooling, flatten, a hidden ReLU layer) and a global average
    pooling head: the same maps as TensorFlow's."""
    import keras
    from keras import layers

    from inception_desktop.core.explain.gradcam import for_classifier
    from inception_desktop.core.explain.litert_gradcam import for_litert

    keras.utils.set_random_seed(5)
    inputs = keras.Input((28, 28, 1))
    x = layers.Conv2D(6, 5, activation="relu", name="c1")(inputs)  # 24
    x = layers.MaxPooling2D(2)(x)  # 12
    x = layers.Conv2D(8, 3, activation="relu", name="c2")(x)  # 10
    if head == "average":
        x = layers.GlobalAveragePooling2D()(x)
    else:
        x = layers.Flatten()(layers.MaxPooling2D(2)(x))  # 5x5x8
        x = layers.Dense(16, activation="relu")(x)
    model = keras.Model(inputs, layers.Dense(10, activation="softmax")(x), name=head)
    lite, tf_model = _convert(model, tmp_path, head)
    ours_cam, keras_cam = for_litert(lite), for_classifier(tf_model)
    assert ours_cam.layer == "c2" and keras_cam.layer == "c2"
    for digit in digits[:3]:
        ours, theirs = ours_cam(digit), keras_cam(digit)
        assert ours.class_index == theirs.class_index
        assert np.abs(ours.cam - theirs.cam).max() <= TOLERANCE


def test_a_head_it_cannot_follow_is_refused_and_the_window_keeps_occlusion(tmp_path):
    """A tanh in the head is not piecewise linear: Grad-CAM on LiteRT says so, and the window's
    explainer for that model is occlusion (with the reason when Grad-CAM is asked for)."""
    import keras
    from keras import layers

    from inception_desktop.core.explain import ExplainError
    from inception_desktop.core.explain.litert_gradcam import for_litert
    from inception_desktop.gui.widgets.heat import GRADCAM, explainer_for

    keras.utils.set_random_seed(6)
    inputs = keras.Input((28, 28, 1))
    x = layers.Conv2D(4, 3, strides=3, activation="relu", name="c")(inputs)  # 9x9
    x = layers.Dense(8, activation="tanh")(layers.Flatten()(x))
    model = keras.Model(inputs, layers.Dense(10, activation="softmax")(x))
    lite, _ = _convert(model, tmp_path, "tanh")
    with pytest.raises(ExplainError, match="TANH"):
        for_litert(lite)
    explainer, note = explainer_for(lite, GRADCAM, grid=7)
    assert explainer.method == "occlusion" and "TANH" in (note or "")


@pytest.mark.slow
def test_the_command_explains_a_head_litert_cannot_follow_on_tensorflow(tmp_path, capsys):
    """``explain --model USER.keras`` whose head has a tanh: Grad-CAM on LiteRT cannot follow
    it, so the command says so and explains on TensorFlow instead (the map it made before
    LiteRT's Grad-CAM existed); with ``--runtime litert`` asked for, it refuses with the ways
    that can explain it."""
    import json

    import keras
    from keras import layers
    from PIL import Image

    from inception_desktop.cli import main

    keras.utils.set_random_seed(6)
    inputs = keras.Input((28, 28, 1))
    x = layers.Conv2D(4, 3, strides=3, activation="relu", name="c")(inputs)
    x = layers.Dense(8, activation="tanh")(layers.Flatten()(x))
    path = tmp_path / "tanh.keras"
    keras.Model(inputs, layers.Dense(10, activation="softmax")(x)).save(path)
    digit = np.full((56, 56), 255, np.uint8)
    digit[8:48, 24:32] = 0
    image = tmp_path / "one.png"
    Image.fromarray(digit).save(image)
    args = ["explain", str(image), "--model", str(path), "--out", str(tmp_path / "o"), "--json"]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "TANH" in captured.err and "using TensorFlow instead" in captured.err
    (entry,) = json.loads(captured.out)
    assert entry["method"] == "gradcam" and entry["layer"] == "c"
    assert main([*args, "--runtime", "litert"]) == 1
    assert "--runtime tensorflow or --method occlusion" in capsys.readouterr().err
