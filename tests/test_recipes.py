"""Recipes (source vs ours), the augmentations they name, their optimizers, and the train CLI's
new options: --recipe, --flip/--no-flip, --strategy."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from inception_desktop.cli import main
from inception_desktop.core.training.mnist import architectures, recipes, training


def test_ours_is_adam_with_each_architectures_own_epochs_rate_and_augmentation():
    """Our recipe is one way of training for every architecture; only what the architecture
    says (epochs, rate, augmentation) differs. NielsenNet's takes its source's fivefold
    one-pixel-shift expansion: without it ours stopped at 99.46% against the source's 99.51%."""
    for name, arch in architectures.ARCHITECTURES.items():
        recipe = recipes.get(name)
        assert (recipe.optimizer, recipe.schedule, recipe.batch_size) == ("adam", "cosine", 128)
        assert recipe.epochs == arch.default_epochs
        assert recipe.learning_rate == arch.learning_rate
        assert recipe.augment == arch.augment
        assert not recipe.flip and not recipe.l2 and not recipe.l2_lambda
    assert recipes.get("nielsen").augment == recipes.get("nielsen", "source").augment == "shift1"
    assert recipes.get("default").augment == "affine"


def test_source_recipes_follow_their_texts():
    nielsen = recipes.get("nielsen", "source")
    assert (nielsen.optimizer, nielsen.learning_rate, nielsen.batch_size, nielsen.epochs) == (
        "sgd",
        0.03,
        10,
        40,
    )
    assert nielsen.augment == "shift1" and nielsen.schedule == "constant"
    # network3.py: 0.5 * lambda * sum(w^2) / (n / batch) per minibatch, n = 5 x 55,000 here
    assert nielsen.l2_factor(275_000) == pytest.approx(0.1 * 10 / (2 * 275_000))
    assert replace(nielsen, batch_size=20).l2_factor(275_000) == pytest.approx(
        2 * 0.1 * 10 / 550_000
    )
    assert nielsen.source_accuracy == 0.9951
    v3 = recipes.get("inception_v3", "source")
    assert v3.flip and v3.optimizer == "rmsprop" and v3.source_accuracy == 0.9905
    assert recipes.get("inception_modules", "source").source_accuracy == 0.985
    assert recipes.get("vgg32", "source").source_accuracy == 0.9786
    assert not recipes.get("inception_v3", "source", flip=False).flip
    assert recipes.get("nielsen", "ours", flip=True).flip


def test_our_own_network_has_no_source_recipe():
    with pytest.raises(recipes.RecipeError, match="no source recipe"):
        recipes.get("default", "source")
    with pytest.raises(recipes.RecipeError, match="unknown recipe"):
        recipes.get("nielsen", "chu")


def test_command_line_overrides_the_recipe():
    config = training.TrainConfig(
        "inception_v3", recipe="source", epochs=3, batch_size=64, flip=False
    )
    recipe = training.resolve_recipe(config)
    assert (recipe.epochs, recipe.batch_size, recipe.flip) == (3, 64, False)
    assert recipe.optimizer == "rmsprop"  # what was not overridden stays the source's
    assert training.check_config(config) == 3


def _batches(ds) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(np.asarray(x), np.asarray(y)) for x, y in ds]


def test_shift1_expands_the_training_set_fivefold_with_one_pixel_shifts():
    x = np.zeros((4, 28, 28), np.uint8)
    x[:, 10:18, 12:16] = 255  # a bar away from the border: shifting loses no ink
    y = np.arange(4, dtype=np.uint8)
    batches = _batches(training.make_dataset(x, y, 8, seed=3, augment="shift1"))
    images = np.concatenate([b[0] for b in batches])
    labels = np.concatenate([b[1] for b in batches])
    assert images.shape == (20, 28, 28, 1) and sorted(labels) == sorted(np.repeat(y, 5))
    assert set(np.unique(images)) <= {0.0, 1.0}  # moved, never interpolated
    ink = np.argwhere(images[..., 0] > 0.5)
    offsets = set()
    for i in range(20):
        rows, cols = ink[ink[:, 0] == i][:, 1], ink[ink[:, 0] == i][:, 2]
        offsets.add((int(cols.min()) - 12, int(rows.min()) - 10))
        assert len(rows) == 8 * 4
    assert offsets == set(recipes_shifts())


def recipes_shifts() -> list[tuple[int, int]]:
    from inception_desktop.core.training.mnist.augment import SHIFTS

    return list(SHIFTS)


def test_flip_mirrors_about_half_the_images_and_only_when_asked():
    x = np.zeros((256, 28, 28), np.uint8)
    x[:, :, :5] = 255  # ink on the left edge only
    y = np.zeros(256, np.uint8)
    flipped = np.concatenate(
        [b[0] for b in _batches(training.make_dataset(x, y, 64, 1, "none", True))]
    )
    right = flipped[:, :, -5:, 0].max(axis=(1, 2)) > 0.5
    left = flipped[:, :, :5, 0].max(axis=(1, 2)) > 0.5
    assert np.all(right != left)  # each image whole: mirrored or not
    assert 80 < right.sum() < 176
    plain = np.concatenate([b[0] for b in _batches(training.make_dataset(x, y, 64, 1, "none"))])
    assert plain[:, :, -5:].max() == 0


def test_optimizers_and_schedules_follow_the_recipe():
    import keras

    vgg = training.make_optimizer(recipes.get("vgg32", "source"), steps_per_epoch=100)
    assert isinstance(vgg, keras.optimizers.SGD) and vgg.momentum == 0.9
    rates = []
    for step in (0, 999, 1000, 1500):
        vgg.iterations.assign(step)
        rates.append(float(vgg.learning_rate))
    np.testing.assert_allclose(rates, [0.01, 0.01, 0.001, 0.0001], rtol=1e-6)
    v3 = training.make_optimizer(recipes.get("inception_v3", "source"), steps_per_epoch=10)
    assert isinstance(v3, keras.optimizers.RMSprop) and v3.epsilon == 1.0
    nielsen = training.make_optimizer(recipes.get("nielsen", "source"), steps_per_epoch=10)
    assert isinstance(nielsen, keras.optimizers.SGD)
    assert float(nielsen.learning_rate) == pytest.approx(0.03)
    assert isinstance(training.make_optimizer(recipes.get("nielsen"), 10), keras.optimizers.Adam)


def test_l2_reaches_every_kernel_and_survives_a_checkpoint(tmp_path):
    import keras

    model = architectures.nielsen()
    assert training.add_l2(model, 1e-3) == 5  # two convs, three dense
    assert len(model.losses) == 5
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.save(tmp_path / "c.keras")
    again = keras.saving.load_model(tmp_path / "c.keras", safe_mode=True)
    assert len(again.losses) == 5
    assert training.add_l2(architectures.nielsen(), 0.0) == 0


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--arch", "default", "--recipe", "source"], "'default' has no source recipe"),
        (["--strategy", "multiworker"], "needs the TF_CONFIG environment variable"),
    ],
)
def test_train_refuses_a_recipe_or_strategy_that_cannot_work(args, reason, tmp_path, capsys):
    out = tmp_path / "m.keras"
    assert main(["train", "--data", str(tmp_path), "--out", str(out), *args]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and reason in err
    assert list(tmp_path.iterdir()) == []


def test_train_help_describes_each_architecture_and_recipe(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = capsys.readouterr().out
    for name, arch in architectures.ARCHITECTURES.items():
        assert f"  {name}: {arch.description}" in text
    assert "--flip, --no-flip" in text and "TF_CONFIG" in text and "(default: ours)" in text
    assert "``" not in text
