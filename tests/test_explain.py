"""core.explain: Grad-CAM and occlusion maps are right, and land on the photo where they belong.

Small constructed networks whose answer is known make each claim checkable: the Keras example's
Grad-CAM formula on the same weights, a model that only sees the left half, a model that only
sees bright pixels (for mapping back through crops and padding). The shipped MNIST model and the
test Inception v3 check the real networks.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from inception_desktop.core.explain import ExplainError
from inception_desktop.core.explain.mapping import normalize, to_photo, upsample
from inception_desktop.core.explain.occlusion import occluded_inputs, occlusion
from tests.test_retrain import retrain_cache, shared_cache, trained  # noqa: F401 (fixtures)

SIDE = 32


def _keras():
    from inception_desktop.core.quiet import import_tensorflow

    import_tensorflow()
    import keras

    return keras


def _scale(x):
    import tensorflow as tf

    return tf.cast(x, tf.float32) / 255.0


class _Keras:
    """A Keras model as a predictor (what occlusion calls), without the app's runtimes."""

    def __init__(self, model, preprocess=_scale) -> None:
        self.model, self.preprocess = model, preprocess

    def predict_batch(self, arrays: np.ndarray, batch_size: int = 16) -> np.ndarray:
        return np.asarray(self.model(self.preprocess(arrays), training=False))


def _small_convnet(seed: int = 1):
    keras = _keras()
    from keras import layers

    keras.utils.set_random_seed(seed)
    inputs = keras.Input((SIDE, SIDE, 3))
    x = layers.Conv2D(8, 3, activation="relu", name="conv_a")(inputs)
    x = layers.Conv2D(16, 3, strides=2, activation="relu", name="conv_b")(x)  # 14x14
    x = layers.Flatten()(x)
    outputs = layers.Dense(5, activation="softmax", name="scores")(x)
    return keras.Model(inputs, outputs, name="small")


def _keras_example_gradcam(model, x: np.ndarray, layer: str, index: int) -> np.ndarray:
    """keras-io examples/vision/grad_cam.py, step by step, on a copy with a linear last layer."""
    keras = _keras()
    import tensorflow as tf

    linear = keras.models.clone_model(model)
    linear.set_weights(model.get_weights())
    linear.layers[-1].activation = None  # as the example does: gradients of the logit
    # (the example passes ``model.inputs``, a list, and calls it with one array: Keras 3 warns)
    grad_model = keras.Model(linear.inputs[0], [linear.get_layer(layer).output, linear.output])
    with tf.GradientTape() as tape:
        conv_out, preds = grad_model(x)
        class_channel = preds[:, index]
    grads = tape.gradient(class_channel, conv_out)
    pooled = tf.reduce_mean(grads, axis=(0, 1, 2))
    heatmap = conv_out[0] @ pooled[..., tf.newaxis]
    heatmap = tf.squeeze(heatmap)
    heatmap = tf.maximum(heatmap, 0) / tf.math.reduce_max(heatmap)
    return heatmap.numpy()


def test_gradcam_matches_the_keras_example_formula():
    from inception_desktop.core.explain.gradcam import GradCam

    model = _small_convnet()
    cam = GradCam(model, (SIDE, SIDE, 3), _scale)
    assert cam.layer == "conv_b"  # the last convolutional map, found by itself
    rng = np.random.default_rng(3)
    x = rng.integers(0, 256, (SIDE, SIDE, 3), dtype=np.uint8)
    scores = np.asarray(model(_scale(x[None])))[0]
    for index in (None, 2):
        result = cam(x, index)
        expected_index = int(np.argmax(scores)) if index is None else index
        assert result.class_index == expected_index
        assert result.cam.shape == (14, 14)
        reference = _keras_example_gradcam(model, _scale(x[None]), "conv_b", expected_index)
        np.testing.assert_allclose(result.cam, reference, atol=1e-5)
        assert result.score == pytest.approx(scores[expected_index], rel=1e-4)
    with pytest.raises(ExplainError):
        cam(x, 5)


def test_a_model_nested_in_a_wrapper_gives_the_same_map():
    """The shape of a transfer model inside another (as for LiteRT export): no 'Graph
    disconnected', and the map of the inner network."""
    keras = _keras()
    from keras import layers

    from inception_desktop.core.explain.gradcam import GradCam

    inner = _small_convnet()
    pixels = keras.Input((SIDE, SIDE, 3))
    wrapper = keras.Model(pixels, inner(layers.Rescaling(1 / 255)(pixels)), name="wrapper")
    x = np.random.default_rng(4).integers(0, 256, (SIDE, SIDE, 3), dtype=np.uint8)
    import tensorflow as tf

    nested = GradCam(wrapper, (SIDE, SIDE, 3), lambda t: tf.cast(t, tf.float32))(x)
    flat = GradCam(inner, (SIDE, SIDE, 3), _scale)(x)
    assert nested.layer == "conv_b"
    np.testing.assert_allclose(nested.cam, flat.cam, atol=1e-5)
    # a classifier head after the nested backbone: the target is inside, the softmax outside
    backbone = keras.Model(inner.inputs, inner.get_layer("conv_b").output, name="backbone")
    image = keras.Input((SIDE, SIDE, 3))
    head = layers.Dense(3, activation="softmax")(layers.Flatten()(backbone(image)))
    transfer = keras.Model(image, head, name="transfer")
    result = GradCam(transfer, (SIDE, SIDE, 3), _scale)(x)
    assert result.layer == "conv_b" and result.cam.shape == (14, 14)
    assert np.isfinite(result.cam).all() and result.cam.max() == pytest.approx(1.0)


def _left_half_model():
    """Sees only the left half of the input: the right half is multiplied by 0 first."""
    keras = _keras()
    from keras import layers

    mask = np.zeros((1, SIDE, SIDE, 1), np.float32)
    mask[:, :, : SIDE // 2] = 1.0
    inputs = keras.Input((SIDE, SIDE, 3))
    x = layers.Lambda(lambda t: t * mask, name="left_only")(inputs)
    conv = layers.Conv2D(4, 3, padding="same", activation="relu", use_bias=False, name="conv")
    x = layers.GlobalAveragePooling2D()(conv(x))
    dense = layers.Dense(2, activation="softmax")
    outputs = dense(x)
    model = keras.Model(inputs, outputs)
    conv.set_weights([np.full((3, 3, 3, 4), 1 / 27, np.float32)])
    dense.set_weights([np.array([[0.5, -0.5]] * 4, np.float32), np.zeros(2, np.float32)])
    return model


def _left_fraction(heat: np.ndarray) -> float:
    return float(heat[:, : heat.shape[1] // 2].sum() / heat.sum())


def test_heat_lands_where_the_model_looks_both_methods():
    from inception_desktop.core.explain.gradcam import GradCam

    model = _left_half_model()
    rng = np.random.default_rng(5)
    x = rng.integers(150, 256, (SIDE, SIDE, 3), dtype=np.uint8)
    cam = GradCam(model, (SIDE, SIDE, 3), _scale)(x)
    assert cam.class_index == 0
    assert _left_fraction(cam.cam) > 0.95
    occluded = occlusion(_Keras(model), x)
    assert occluded.class_index == 0 and occluded.heat.max() == 1.0
    assert _left_fraction(occluded.heat) == pytest.approx(1.0)  # right-half patches change nothing
    assert np.abs(occluded.drop[:, 4:]).max() < 1e-6


def test_occluded_inputs_cover_each_cell_once():
    x = np.full((30, 30, 3), 7, np.uint8)
    stack = occluded_inputs(x, grid=3, fill=128)
    assert stack.shape == (9, 30, 30, 3)
    covered = (stack == 128).all(axis=-1)
    assert covered.sum(axis=0).min() == 1 and covered.sum(axis=0).max() == 1
    assert covered[4, 10:20, 10:20].all() and covered[4].sum() == 100


def test_upsample_keeps_cell_centres():
    grid = np.arange(4, dtype=np.float32).reshape(2, 2)
    big = upsample(grid, 8)
    assert big.shape == (8, 8)
    assert big[0, 0] == pytest.approx(0.0) and big[-1, -1] == pytest.approx(3.0)
    assert np.allclose(big, big[::-1, ::-1].max() - big[::-1, ::-1])  # symmetric about centre
    assert normalize(np.array([-1.0, 0.5, 2.0])).tolist() == [0.0, 0.25, 1.0]


# ------------------------------------------------------------------ mapping back onto the photo

PHOTO_W, PHOTO_H = 400, 240
SQUARE = (300, 100, 340, 140)  # x0, y0, x1, y1: the only bright thing in the photo
NET = 64


def _photo(tmp_path: Path) -> Path:
    pixels = np.full((PHOTO_H, PHOTO_W, 3), 40, np.uint8)
    x0, y0, x1, y1 = SQUARE
    pixels[y0:y1, x0:x1] = 250
    path = tmp_path / "photo.png"
    Image.fromarray(pixels).save(path)
    return path


def _brightness_model():
    """Answers 'bright' from how many pixels are bright: its Grad-CAM marks the bright pixels."""
    keras = _keras()
    from keras import layers

    inputs = keras.Input((NET, NET, 3))
    conv = layers.Conv2D(2, 1, activation="relu", name="bright")
    x = layers.GlobalAveragePooling2D()(conv(inputs))
    dense = layers.Dense(2, activation="softmax")
    model = keras.Model(inputs, dense(x))
    conv.set_weights([np.full((1, 1, 3, 2), 1 / 3, np.float32), np.full(2, -0.6, np.float32)])
    dense.set_weights([np.array([[1.0, -1.0]] * 2, np.float32), np.zeros(2, np.float32)])
    return model


@pytest.mark.parametrize(
    "mode, box",
    [("crop", (250, 50, 150, 150)), ("pad", None), ("pad", (200, 0, 200, 240)), ("squash", None)],
)
def test_heat_maps_back_onto_the_photo_where_it_came_from(tmp_path: Path, mode: str, box):
    from inception_desktop.core.explain.gradcam import GradCam
    from inception_desktop.core.photo.framing import Box, Framing
    from inception_desktop.core.photo.prepare import load_photo, network_input

    loaded = load_photo(_photo(tmp_path))
    # white padding would be "bright" to the model: it must still put no heat on the photo
    framing = Framing(mode, Box(*box) if box else None, pad_color=(255, 255, 255))
    framed = network_input(loaded, framing, NET)
    result = GradCam(_brightness_model(), (NET, NET, 3), _scale)(framed.array)
    heat_input = upsample(result.cam, NET)
    heat = to_photo(heat_input, framed.source_rect, framed.content_rect, loaded.size)
    assert heat.shape == (PHOTO_H, PHOTO_W)
    x0, y0, x1, y1 = SQUARE
    near = np.zeros_like(heat, bool)
    near[y0 - 6 : y1 + 6, x0 - 6 : x1 + 6] = True
    assert heat[near].sum() / heat.sum() > 0.97
    ys, xs = np.mgrid[0:PHOTO_H, 0:PHOTO_W]
    assert (heat * xs).sum() / heat.sum() == pytest.approx((x0 + x1) / 2, abs=2)
    assert (heat * ys).sum() / heat.sum() == pytest.approx((y0 + y1) / 2, abs=2)
    if box is not None:  # outside what the input shows: no heat at all
        sx0, sy0, sx1, sy1 = framed.source_rect
        outside = (xs < sx0 - 1) | (xs >= sx1 + 1) | (ys < sy0 - 1) | (ys >= sy1 + 1)
        assert heat[outside].max() == 0.0


def test_padding_is_never_sampled():
    heat = np.zeros((10, 10), np.float32)
    heat[:, :2] = 1.0  # hot padding on the left
    heat[:, 8:] = 1.0  # and on the right
    mapped = to_photo(heat, (0, 0, 60, 100), (2, 0, 8, 10), (60, 100))
    assert mapped.max() == 0.0


# ------------------------------------------------------------------ real networks


@pytest.fixture(scope="module")
def mnist_tf():
    from inception_desktop.core.models.mnist import load_classifier

    return load_classifier(None, "tensorflow")


def _ink_fraction(heat: np.ndarray, digit: np.ndarray, dilate: int = 2) -> float:
    ink = digit > 64
    grown = ink.copy()
    for dy in range(-dilate, dilate + 1):
        for dx in range(-dilate, dilate + 1):
            grown |= np.roll(np.roll(ink, dy, axis=0), dx, axis=1)
    return float(heat[grown].sum() / heat.sum()), float(grown.mean())


def test_mnist_heat_sits_on_the_ink(mnist_tf, mnist_splits):
    """On real test digits the shipped model's heat lies on and around the strokes: more of it
    than the area of the dilated ink would get by chance. (Measured: see the report.)"""
    from inception_desktop.core.explain.gradcam import for_classifier

    cam = for_classifier(mnist_tf)
    fractions, areas = [], []
    for digit, label in zip(mnist_splits.x_test[:50], mnist_splits.y_test[:50], strict=True):
        result = cam(digit)
        assert result.cam.shape[0] >= 2 and np.isfinite(result.cam).all()
        assert result.score == pytest.approx(mnist_tf.scores(digit)[result.class_index], abs=1e-5)
        heat = upsample(result.cam, 28)
        if result.class_index == int(label) and heat.sum() > 0:
            fraction, area = _ink_fraction(heat, digit)
            fractions.append(fraction)
            areas.append(area)
    assert len(fractions) >= 45
    print(f"heat within the dilated ink: {np.mean(fractions):.3f} (area {np.mean(areas):.3f})")
    assert np.mean(fractions) > np.mean(areas) + 0.1


def test_mnist_occlusion_with_black_patches(mnist_tf, mnist_splits):
    digit = mnist_splits.x_test[0]
    result = occlusion(mnist_tf.predictor, digit, grid=7, fill=0)
    assert result.heat.shape == (7, 7) and result.class_index == int(mnist_splits.y_test[0])
    fraction, area = _ink_fraction(upsample(result.heat, 28), digit)
    assert fraction > area


@pytest.mark.parametrize("name", ["nielsen", "inception_modules", "vgg32", "default"])
def test_every_mnist_architecture_has_a_map(name: str):
    from inception_desktop.core.explain.gradcam import GradCam, mnist_preprocess
    from inception_desktop.core.training.mnist.architectures import get

    _keras().utils.set_random_seed(0)
    model = get(name).build()
    cam = GradCam(model, (28, 28), mnist_preprocess(model))
    digit = np.zeros((28, 28), np.uint8)
    digit[6:22, 12:16] = 255
    result = cam(digit)
    assert result.cam.ndim == 2 and min(result.cam.shape) >= 2
    assert np.isfinite(result.cam).all()


def test_inception_gradcam_is_8x8_at_mixed10(inception_classifier):
    from inception_desktop.core.explain.gradcam import for_classifier

    cam = for_classifier(inception_classifier)
    x = np.random.default_rng(0).integers(0, 256, (299, 299, 3), dtype=np.uint8)
    result = cam(x)
    assert result.layer == "mixed10"
    assert result.cam.shape == (8, 8) and np.isfinite(result.cam).all()
    expected = inception_classifier.scores(x)
    assert result.class_index == int(np.argmax(expected))
    assert result.score == pytest.approx(float(expected.max()), rel=1e-3)


# ------------------------------------------------------------------ framing sweep


class _TinyClassifier:
    """A classifier around a Keras model (what the sweep calls), on the test's own input size."""

    def __init__(self, model) -> None:
        self.predictor = _Keras(model)
        self.labels = ("bright", "dark")


def test_sweep_finds_the_crops_that_lose_the_bright_square(tmp_path: Path):
    from inception_desktop.core.explain.sweep import sweep
    from inception_desktop.core.photo.prepare import load_photo

    model = _brightness_model()
    dense = model.layers[-1]
    dense.set_weights([dense.get_weights()[0], np.array([-0.005, 0.005], np.float32)])
    loaded = load_photo(_photo(tmp_path))
    result = sweep(_TinyClassifier(model), loaded, size=NET)
    assert result.reference_index == 0  # the whole photo (squash) shows the square
    x0, y0, x1, y1 = SQUARE
    shows, misses = 0, 0
    for entry in result.entries:
        box = entry.framing.box
        if box is None:
            continue
        if box.x <= x0 and box.y <= y0 and box.x + box.w >= x1 and box.y + box.h >= y1:
            assert not entry.flips, entry.name
            shows += 1
        elif box.x >= x1 or box.x + box.w <= x0 or box.y >= y1 or box.y + box.h <= y0:
            assert entry.flips and entry.top_index == 1, entry.name
            assert entry.reference_score < 0.5
            misses += 1
    assert shows >= 3 and misses >= 3
    assert {e.name for e in result.flipped} >= {e.name for e in result.entries if e.flips}


# ------------------------------------------------------------------ the command


def _cli(args: list[str], capsys) -> tuple[int, object]:
    import json

    from inception_desktop.cli import main

    code = main(args)
    out = capsys.readouterr().out
    return code, json.loads(out) if "--json" in args else out


def test_explain_command_on_digits(tmp_path: Path, capsys, mnist_splits):
    from inception_desktop.core.digit.normalize import normalize_digit

    drawn = []
    for i in range(2):
        path = tmp_path / f"digit{i}.png"
        Image.fromarray(255 - mnist_splits.x_test[i]).resize((140, 112)).save(path)
        drawn.append(path)
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image")
    out = tmp_path / "out"
    paths = [str(drawn[0]), str(bad), str(drawn[1])]
    code, report = _cli(
        ["explain", *paths, "--model", "mnist", "--out", str(out), "--json"], capsys
    )
    assert code == 1  # one bad input, the others explained
    assert [r["path"] for r in report] == paths
    assert "error" in report[1] and "files" not in report[1]
    for entry, path, label in zip(
        (report[0], report[2]), drawn, mnist_splits.y_test[:2], strict=True
    ):
        assert entry["method"] == "gradcam" and entry["layer"]
        assert entry["class"]["index"] == int(label) and entry["class"]["label"] == str(label)
        heat = Image.open(entry["files"]["heatmap"])
        assert heat.mode == "L" and heat.size == (28, 28) and np.asarray(heat).max() == 255
        steps = normalize_digit(Image.open(path))
        np.testing.assert_array_equal(np.asarray(Image.open(entry["files"]["input"])), steps.input)
        assert Image.open(entry["files"]["overlay"]).size == (140, 112)
    code, report = _cli(
        [
            "explain",
            str(drawn[0]),
            "--model",
            "mnist",
            "--method",
            "occlusion",
            "--class",
            "3",
            "--grid",
            "7",
            "--out",
            str(out),
            "--json",
        ],
        capsys,
    )
    assert code == 0 and report[0]["class"]["index"] == 3 and report[0]["layer"] is None
    assert report[0]["files"]["input"] == str(out / "digit0.input.png")  # replaced, atomically


def test_explain_command_on_a_photo(tmp_path: Path, capsys, monkeypatch, inception_classifier):
    """The real Inception v3 (the session's, not built again) through the command: the files
    have the sizes promised and the class asked for is the one explained."""
    from inception_desktop.core.models import inception

    monkeypatch.setattr(inception, "load_classifier", lambda *a, **k: inception_classifier)
    photo = _photo(tmp_path)
    out = tmp_path / "out"
    code, report = _cli(
        [
            "explain",
            str(photo),
            "--framing",
            "pad",
            "--box",
            "200,0,200,240",
            "--class",
            "tabby",
            "--sweep",
            "--out",
            str(out),
            "--json",
        ],
        capsys,
    )
    assert code == 0
    (entry,) = report
    assert entry["layer"] == "mixed10" and entry["class"]["label"].startswith("tabby")
    assert Image.open(entry["files"]["heatmap"]).size == (299, 299)
    assert Image.open(entry["files"]["input"]).size == (299, 299)
    overlay = np.asarray(Image.open(entry["files"]["overlay"]))
    assert overlay.shape == (PHOTO_H, PHOTO_W, 3)
    sweep = entry["sweep"]
    assert len(sweep["framings"]) >= 20
    reference = sweep["class"]["index"]
    for framing in sweep["framings"]:
        assert framing["flips"] == (framing["top"]["index"] != reference)
        assert 0.0 <= framing["score"] <= framing["top"]["score"] + 1e-6
    code, _ = _cli(["explain", str(photo), "--class", "no such thing", "--out", str(out)], capsys)
    assert code == 2


def test_occlusion_sends_equal_batches_and_answers_as_before():
    """The inputs go in batches of one size (LiteRT re-allocates on a new size), padded with
    copies of the original; the scores used are those of the original and the 64 cells."""
    from inception_desktop.core.explain.occlusion import equal_batches

    assert [equal_batches(65, b) for b in (32, 16, 65, 100, 1)] == [22, 13, 65, 65, 1]
    sizes: list[int] = []

    class Recording:
        def predict_batch(self, arrays: np.ndarray, batch_size: int = 16) -> np.ndarray:
            for start in range(0, len(arrays), batch_size):
                sizes.append(len(arrays[start : start + batch_size]))
            # class 0 scores the top-left quarter's brightness, class 1 the rest
            corner = arrays[:, :16, :16].mean(axis=(1, 2, 3))
            rest = arrays.mean(axis=(1, 2, 3)) - corner / 4
            return np.stack([corner, rest], axis=1)

    image = np.full((SIDE, SIDE, 3), 200, np.uint8)
    result = occlusion(Recording(), image, class_index=0, grid=8, fill=0, batch_size=32)
    assert sizes == [22, 22, 22]
    hot = result.heat > 0
    assert hot[:4, :4].all() and not hot[4:].any() and not hot[:, 4:].any()


def test_grad_cam_through_a_backbone_and_a_retrained_head():
    """A retrained model's head (arrays: standardisation, hidden ReLU layer, softmax) on a
    backbone's pooled features, composed into one model with the backbone nested: its scores
    are the numpy head's, and Grad-CAM at the backbone's layer matches the Keras example's
    formula on the same network built flat (no "Graph disconnected" on the nested one)."""
    keras = _keras()
    from keras import layers

    from inception_desktop.core.explain.gradcam import GradCam, with_dense_head

    keras.utils.set_random_seed(3)
    inputs = keras.Input((SIDE, SIDE, 3))
    x = layers.Conv2D(8, 3, activation="relu", name="conv_a")(inputs)
    x = layers.Conv2D(16, 3, strides=2, activation="relu", name="conv_b")(x)
    pooled = layers.GlobalAveragePooling2D(name="pool")(x)
    backbone = keras.Model(inputs, layers.Dense(4, activation="softmax")(pooled), name="base")
    rng = np.random.default_rng(5)
    mean, variance = rng.normal(0, 0.1, 16), rng.uniform(0.01, 0.2, 16)
    kernels = [rng.normal(0, 0.5, (16, 6)), rng.normal(0, 0.5, (6, 3))]
    biases = [rng.normal(0, 0.1, 6), rng.normal(0, 0.1, 3)]
    model = with_dense_head(backbone, "pool", mean, variance, kernels, biases)

    image = rng.integers(0, 256, (SIDE, SIDE, 3), dtype=np.uint8)
    scaled = (image[None] / 255.0).astype(np.float32)
    features = keras.Model(backbone.inputs[0], backbone.get_layer("pool").output)(scaled)
    h = (np.asarray(features) - mean) / np.sqrt(variance)
    logits = np.maximum(h @ kernels[0] + biases[0], 0) @ kernels[1] + biases[1]
    expected = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    np.testing.assert_allclose(np.asarray(model(scaled)), expected, rtol=1e-4, atol=1e-6)

    cam = GradCam(model, (SIDE, SIDE, 3), _scale, "conv_b")(image, 2)
    assert cam.layer == "conv_b" and cam.cam.shape == (14, 14)
    assert cam.score == pytest.approx(float(expected[0, 2]), rel=1e-4)
    # the same network, flat: the example's formula applies to it directly
    y = layers.Normalization(mean=mean, variance=variance)(backbone.get_layer("pool").output)
    y = layers.Dense(6, activation="relu", name="h0")(y)
    out = layers.Dense(3, activation="softmax", name="h1")(y)
    flat = keras.Model(backbone.inputs, out)
    flat.get_layer("h0").set_weights([kernels[0], biases[0]])
    flat.get_layer("h1").set_weights([kernels[1], biases[1]])
    reference = _keras_example_gradcam(flat, scaled, "conv_b", 2)
    np.testing.assert_allclose(cam.cam, reference, atol=1e-5)


@pytest.mark.slow
def test_explain_command_on_a_retrained_model(request, inception_weights, tmp_path, capsys):
    """``--model`` a retrained file: Grad-CAM through Inception v3 and the head together (at
    mixed10, of the head's classes), and occlusion of the served scores."""
    import json

    run = request.getfixturevalue("trained")  # test_retrain's run, shared by the session
    request.getfixturevalue("shared_cache")

    from inception_desktop.cli import main
    from tests.test_retrain import CLASSES, make_photo

    photo = tmp_path / "new.png"
    Image.fromarray(make_photo(CLASSES[0], np.random.default_rng(7))).save(photo)
    for method, layer in (("gradcam", "mixed10"), ("occlusion", None)):
        out = tmp_path / method
        code = main(
            ["explain", str(photo), "--model", str(run["model"]), "--weights",
             str(inception_weights), "--method", method, "--grid", "4", "--out", str(out),
             "--json"]
        )  # fmt: skip
        captured = capsys.readouterr()
        assert code == 0, captured.err
        (entry,) = json.loads(captured.out)
        assert entry["method"] == method and entry["layer"] == layer
        assert entry["class"]["label"] in CLASSES and "retrained" in entry["model"]
        heat = np.asarray(Image.open(entry["files"]["heatmap"]))
        assert heat.shape == (299, 299) and heat.max() >= 250  # bilinear between cell centres
    # another layer than mixed10: Grad-CAM on LiteRT cannot, TensorFlow's autodiff can
    out = tmp_path / "mixed9"
    code = main(
        ["explain", str(photo), "--model", str(run["model"]), "--weights",
         str(inception_weights), "--layer", "mixed9", "--out", str(out), "--json"]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "mixed10" in captured.err and "using TensorFlow instead" in captured.err
    (entry,) = json.loads(captured.out)
    assert entry["method"] == "gradcam" and entry["layer"] == "mixed9"
    assert entry["class"]["label"] in CLASSES


@pytest.mark.slow
def test_the_window_explains_a_retrained_model_by_grad_cam_on_either_runtime(
    request, inception_weights
):
    """The worker's explainer for a retrained model: Grad-CAM at mixed10 of the head's class,
    explaining the class the window showed with the score it showed — on TensorFlow by autodiff
    through Keras, on LiteRT in closed form through the head in numpy, the two maps within
    1e-4 (no TensorFlow needed on LiteRT)."""
    run = request.getfixturevalue("trained")
    request.getfixturevalue("shared_cache")
    from inception_desktop.core.photo.framing import Framing
    from inception_desktop.core.photo.images import LoadedImage
    from inception_desktop.core.photo.prepare import network_input
    from inception_desktop.core.training.retrain.classifier import load_classifier
    from inception_desktop.gui.widgets.heat import AUTO, GRADCAM, explainer_for, has_gradients
    from tests.test_retrain import CLASSES, make_photo

    pixels = make_photo(CLASSES[1], np.random.default_rng(3))
    image = Image.fromarray(pixels)
    loaded = LoadedImage(image, "photo.png", "PNG", image.size)
    array = network_input(loaded, Framing("pad"), 299).array
    on_tensorflow = load_classifier(run["model"], inception_weights, "tensorflow")
    assert has_gradients(on_tensorflow)
    explainer, note = explainer_for(on_tensorflow, AUTO)
    explanation = explainer.explain(array)
    assert note is None and explanation.method == GRADCAM and explanation.layer == "mixed10"
    scores = on_tensorflow.scores(array)
    assert explanation.class_index == int(np.argmax(scores))
    assert explanation.score == pytest.approx(float(scores.max()), abs=1e-4)
    assert explanation.heat.shape == (299, 299) and explanation.heat.max() > 0
    on_litert = load_classifier(run["model"], inception_weights, "litert")
    assert has_gradients(on_litert)
    explainer, note = explainer_for(on_litert, GRADCAM, grid=2)
    on_lite = explainer.explain(array)
    assert note is None and on_lite.method == GRADCAM and on_lite.layer == "mixed10"
    assert on_lite.class_index == explanation.class_index
    assert on_lite.score == pytest.approx(explanation.score, abs=1e-4)
    assert on_lite.grid.shape == explanation.grid.shape == (8, 8)
    assert np.abs(on_lite.grid - explanation.grid).max() <= 1e-4
    for other in range(len(CLASSES)):  # every class's map, not only the top one's
        a = explainer.explain(array, other).grid
        b = explainer_for(on_tensorflow, GRADCAM)[0].explain(array, other).grid
        assert np.abs(a - b).max() <= 1e-4
