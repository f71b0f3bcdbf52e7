"""Training an MNIST architecture: reproducible, resumable, and honest about its numbers.

What is trained is an architecture (:mod:`.architectures`) with a recipe (:mod:`.recipes`: the
source text's optimiser, batch, epochs and augmentation, or ours), optionally overridden by the
command's ``--epochs``, ``--batch-size``, ``--learning-rate`` and ``--flip``; under a
``tf.distribute`` strategy (:mod:`.distribute`) when asked.

Model selection uses the validation split only (the last 5,000 training images); the test split is
evaluated once, after training, for the model card. Three files come out of a run on ``out``:

* ``out`` — the best epoch by validation accuracy, without optimizer state, with metadata;
* ``out.checkpoint.keras`` and ``.json`` — the latest full state (optimizer included), written at
  every epoch end and on Ctrl-C, so ``--resume`` continues where the run stopped;
* ``out.best.weights.h5`` — the best weights so far, kept until the run completes.

Each file is written atomically (:mod:`inception_desktop.core.store.atomic`): a kill or a full disk
mid-write leaves the previous version whole. :func:`check_config` refuses bad arguments and
:func:`check_outputs` proves the locations writable before any data is loaded; a rough
free-space check runs before the first epoch.

Which epoch is best is Keras' own ``ModelCheckpoint`` (``save_best_only`` on ``val_accuracy``):
it writes beside the target and :class:`.epoch_progress.EpochProgress` moves the finished file
into place atomically.
Keras' ``BackupAndRestore`` is not used for the resume checkpoint: it writes in place (a kill
mid-write loses the only backup), keeps only the weights and the epoch (the run's history, best
epoch and time, which the model card and the ETA need, would be lost), restores implicitly from
a folder and deletes it when ``fit`` ends, where ``--resume FILE`` names an explicit ``.keras``
file the user was told about.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from inception_desktop.core.errors import InceptionDesktopError, first_line
from inception_desktop.core.models.mnist_file import ModelFileError, check_archive, write_metadata
from inception_desktop.core.store import atomic
from inception_desktop.core.training.mnist import architectures, distribute, recipes
from inception_desktop.core.training.mnist.data import MnistSplits, to_input
from inception_desktop.core.training.mnist.epoch_progress import (
    MONITOR,
    BatchProgress,
    Reporter,
    progress_callback,
)

log = logging.getLogger(__name__)


#: Seeds that every random generator involved (Python, numpy, TensorFlow) accepts.
MAX_SEED = 2**32 - 1
#: Largest resume checkpoint accepted: the model with its optimizer's state (Adam keeps two
#: moments per weight), so up to three model files' worth (Inception v3 with Adam: 262 MB).
MAX_CHECKPOINT_BYTES = 4 * 256_000_000


class TrainingError(InceptionDesktopError):
    """Training cannot start or finish as asked (a bad argument, a missing checkpoint)."""


@dataclass
class TrainConfig:
    """What ``train`` was asked; None means "the recipe's own"."""

    arch: str = "default"
    epochs: int | None = None
    batch_size: int | None = None
    out: Path = Path("mnist.keras")
    logdir: Path | None = None
    resume: Path | None = None
    seed: int = 1
    learning_rate: float | None = None
    command: str = ""
    recipe: str = recipes.OURS
    #: Random horizontal flips: None keeps the recipe's choice.
    flip: bool | None = None
    strategy: str = distribute.DEFAULT


@dataclass
class TrainResult:
    path: Path
    metadata: dict[str, Any]
    history: dict[str, list[float]] = field(default_factory=dict)
    interrupted: bool = False


def resolve_recipe(config: TrainConfig) -> recipes.Recipe:
    """The recipe ``config`` names, with the command's overrides applied."""
    from dataclasses import replace

    try:
        recipe = recipes.get(config.arch, config.recipe, flip=config.flip)
    except ValueError as exc:  # RecipeError, or an unknown architecture
        raise TrainingError(str(exc)) from None
    overrides: dict[str, Any] = {}
    if config.epochs is not None:
        overrides["epochs"] = config.epochs
    if config.batch_size is not None:
        overrides["batch_size"] = config.batch_size
    if config.learning_rate is not None:
        overrides["learning_rate"] = config.learning_rate
    return replace(recipe, **overrides) if overrides else recipe


def check_config(config: TrainConfig) -> int:
    """The number of epochs to train, or :class:`TrainingError` for an argument that cannot work.

    Cheap (no TensorFlow, no data): run it before anything slow, so that ``--epochs 0`` or a
    ``--resume`` file that is not there is refused at once instead of after a download.
    """
    if config.arch not in architectures.ARCHITECTURES:
        known = ", ".join(sorted(architectures.ARCHITECTURES))
        raise TrainingError(f"unknown architecture {config.arch!r} (one of {known})")
    if config.recipe not in recipes.RECIPES:
        raise TrainingError(f"unknown recipe {config.recipe!r} (one of source, ours)")
    if config.epochs is not None and config.epochs < 1:
        raise TrainingError(f"--epochs must be at least 1, got {config.epochs}")
    if config.batch_size is not None and config.batch_size < 1:
        raise TrainingError(f"--batch-size must be at least 1, got {config.batch_size}")
    lr = config.learning_rate
    if lr is not None and not (0 < lr < float("inf")):
        raise TrainingError(f"--learning-rate must be a positive number, got {lr}")
    if not 0 <= config.seed <= MAX_SEED:
        raise TrainingError(f"--seed must be between 0 and {MAX_SEED}, got {config.seed}")
    if config.resume is not None:
        resume = Path(config.resume)
        if not resume.is_file():
            raise TrainingError(f"--resume {resume}: no such checkpoint file")
        try:
            check_archive(resume, max_bytes=MAX_CHECKPOINT_BYTES)
        except ModelFileError as exc:
            raise TrainingError(f"--resume: {exc}") from None
    try:
        distribute.check(config.strategy)
    except distribute.StrategyError as exc:
        raise TrainingError(str(exc)) from None
    return resolve_recipe(config).epochs


def _candidate_path(best_weights: Path) -> Path:
    """Where ModelCheckpoint writes a new best before it is moved over ``best_weights``."""
    return best_weights.with_name(best_weights.name.removesuffix(".weights.h5") + ".new.weights.h5")


def checkpoint_paths(out: Path) -> tuple[Path, Path, Path]:
    """(resume model, resume state JSON, best weights) for an output path."""
    stem = out.with_suffix("")
    return (
        stem.with_name(stem.name + ".checkpoint.keras"),
        stem.with_name(stem.name + ".checkpoint.json"),
        stem.with_name(stem.name + ".best.weights.h5"),
    )


def check_outputs(out: str | Path) -> None:
    """Raise :class:`~.store.atomic.WriteError` unless ``out`` and its checkpoint
    files can be written (folder writable, names short enough, no folder in the way); creates the
    folder when missing. Cheap: run it before loading data."""
    out = Path(out)
    paths = checkpoint_paths(out)
    for path in (out, *paths, _candidate_path(paths[2])):
        atomic.check_output_file(path)
    atomic.remove_stale_temps(out.parent)


#: Bytes written per parameter at worst: a checkpoint with Adam's two moments (x3), its previous
#: version while the new one is written (x2), the best weights (x1) and the final model (x1).
_BYTES_PER_PARAMETER = 4 * 8
_SPACE_SLACK = 16 << 20


def check_space(out: Path, parameters: int) -> None:
    """Refuse to start when the disk cannot hold the checkpoints a run of this model writes."""
    import errno
    import shutil

    needed = parameters * _BYTES_PER_PARAMETER + _SPACE_SLACK
    try:
        free = shutil.disk_usage(out.parent).free
    except OSError:
        return
    if free < needed:
        raise atomic.WriteError(
            out.parent,
            f"not enough free space: a run of this model needs about {needed / 1e6:.0f} MB "
            f"for its checkpoints, {free / 1e6:.0f} MB are free",
            errno.ENOSPC,
        )


#: How many training images an epoch sees per original image, by augmentation.
_EXPANSION = {"shift1": 5}


def epoch_size(train_size: int, augment: str) -> int:
    """Images in one epoch: Nielsen's one-pixel shifts make the training set five times larger."""
    return train_size * _EXPANSION.get(augment, 1)


def make_dataset(
    x: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    seed: int,
    augment: bool | str,
    flip: bool = False,
) -> Any:
    """A shuffled, batched, augmented ``tf.data`` pipeline, reproducible by seed.

    ``augment`` is one of :data:`.recipes.AUGMENTATIONS` (True means ``affine``, False ``none``);
    ``flip`` mirrors a random half of every batch left-right after it.
    """
    import tensorflow as tf

    from inception_desktop.core.training.mnist.augment import (
        random_affine,
        random_flip,
        shift_one_pixel,
    )

    kind = ("affine" if augment else "none") if isinstance(augment, bool) else augment
    if kind not in recipes.AUGMENTATIONS:
        raise TrainingError(f"unknown augmentation {augment!r}")
    if kind == "shift1":  # every (image, shift) pair once an epoch, shuffled together
        n = len(x)
        images = tf.constant(x)
        labels = tf.constant(y.astype(np.int32))
        ds = tf.data.Dataset.range(epoch_size(n, kind))
        ds = ds.shuffle(epoch_size(n, kind), seed=seed, reshuffle_each_iteration=True)
        ds = ds.batch(batch_size).map(
            lambda index: (
                shift_one_pixel(
                    (tf.cast(tf.gather(images, index % n), tf.float32) / 255.0)[..., None],
                    index // n,
                ),
                tf.gather(labels, index % n),
            ),
            num_parallel_calls=tf.data.AUTOTUNE,
            deterministic=True,
        )
    else:
        ds = tf.data.Dataset.from_tensor_slices((to_input(x), y.astype(np.int32)))
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True).batch(batch_size)
    if kind == "affine" or flip:
        counter = tf.data.Dataset.counter()

        def augment_batch(batch: Any, i: Any) -> Any:
            images = batch[0]
            if kind == "affine":
                images = random_affine(images, tf.stack([seed, i]))
            if flip:  # a stream of its own: flips do not change which warps a run draws
                images = random_flip(
                    images, tf.random.experimental.stateless_fold_in(tf.stack([seed, i]), 1)
                )
            return images, batch[1]

        ds = tf.data.Dataset.zip((ds, counter)).map(
            augment_batch, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True
        )
    return ds.prefetch(tf.data.AUTOTUNE)


def make_optimizer(recipe: recipes.Recipe, steps_per_epoch: int) -> Any:
    """The recipe's optimizer with its learning-rate schedule, counted in steps."""
    import keras

    lr = recipe.learning_rate
    epochs = recipe.epochs
    schedule: Any
    if recipe.schedule == "cosine":  # ours: one warm-up epoch from lr/10, then cosine to lr/100
        schedule = keras.optimizers.schedules.CosineDecay(
            initial_learning_rate=lr / 10,
            warmup_target=lr,
            warmup_steps=steps_per_epoch,
            decay_steps=max(1, (epochs - 1) * steps_per_epoch),
            alpha=0.01,
        )
    elif recipe.schedule == "step":
        # PiecewiseConstantDecay switches after a boundary: step e*steps (0-based) is epoch e+1's
        boundaries = [e * steps_per_epoch - 1 for e in recipe.decay_epochs]
        values = [lr * recipe.decay_factor**k for k in range(len(boundaries) + 1)]
        schedule = (
            keras.optimizers.schedules.PiecewiseConstantDecay(boundaries, values)
            if boundaries
            else lr
        )
    else:
        schedule = lr
    if recipe.optimizer == "sgd":
        return keras.optimizers.SGD(schedule, momentum=recipe.momentum)
    if recipe.optimizer == "rmsprop":
        return keras.optimizers.RMSprop(
            schedule, rho=0.9, momentum=recipe.momentum, epsilon=recipe.epsilon
        )
    return keras.optimizers.Adam(schedule)


def add_l2(model: Any, factor: float) -> int:
    """Put an L2 penalty of ``factor`` on every Conv2D and Dense kernel; returns how many.

    Set on the layer (so a saved checkpoint keeps it) and on its built kernel (so it counts now).
    """
    import keras

    if not factor:
        return 0
    count = 0
    for layer in _all_layers(model):
        if isinstance(layer, keras.layers.Conv2D | keras.layers.Dense):
            regularizer = keras.regularizers.L2(factor)
            layer.kernel_regularizer = regularizer
            layer.kernel.regularizer = regularizer
            count += 1
    return count


def _all_layers(model: Any) -> list[Any]:
    layers: list[Any] = []
    for layer in model.layers:
        layers.extend(_all_layers(layer) if hasattr(layer, "layers") else [layer])
    return layers


def train(
    config: TrainConfig,
    splits: MnistSplits,
    report: Reporter = log.info,
    batch_progress: BatchProgress | None = None,
) -> TrainResult:
    """Train ``config.arch`` on ``splits``; see the module docstring for the files written."""
    from inception_desktop.core.quiet import import_tensorflow, native_stderr_filtered_live

    import_tensorflow()  # first, through the filter: no absl/CUDA lines on the terminal
    import keras
    import tensorflow as tf

    epochs = check_config(config)
    recipe = resolve_recipe(config)
    arch = architectures.get(config.arch)
    # First TensorFlow work of the run: a multi-worker strategy must exist before any other.
    strategy = distribute.make(config.strategy)
    out = distribute.output_for(Path(config.out), config.strategy)
    check_outputs(out)
    resume_model, resume_state, best_weights = checkpoint_paths(out)
    candidate = _candidate_path(best_weights)
    candidate.unlink(missing_ok=True)  # half-written by a run killed while saving a best

    keras.utils.set_random_seed(config.seed)
    tf.config.experimental.enable_op_determinism()

    batch_size = recipe.batch_size
    steps_per_epoch = int(np.ceil(epoch_size(len(splits.x_train), recipe.augment) / batch_size))
    state: dict[str, Any] = {"epoch": 0, "best_val_accuracy": None, "history": {}, "seconds": 0.0}
    with strategy.scope():  # variables (model and optimizer) are mirrored when created here
        if config.resume is not None:
            model, state = _load_resume(Path(config.resume), state)
            _check_same_recipe(state.get("recipe"), recipe, Path(config.resume))
            report(f"resuming {config.arch} after epoch {state['epoch']} from {config.resume}")
        else:
            model = arch.build()
            add_l2(model, recipe.l2_factor(epoch_size(len(splits.x_train), recipe.augment)))
            model.compile(
                optimizer=make_optimizer(recipe, steps_per_epoch),
                loss="sparse_categorical_crossentropy",
                metrics=["accuracy"],
            )
    state["recipe"] = _recipe_signature(recipe)
    check_space(out, model.count_params())
    replicas = strategy.num_replicas_in_sync
    report(
        f"training {config.arch} ({model.count_params():,} parameters) for {epochs} epochs on "
        f"{splits.summary}, recipe {recipe.name}: {recipe.describe()}, seed {config.seed}"
        + (
            f", {config.strategy} strategy, {replicas} replica(s)"
            if config.strategy != "default"
            else ""
        )
    )

    train_ds = make_dataset(
        splits.x_train, splits.y_train, batch_size, config.seed, recipe.augment, recipe.flip
    )
    val = (to_input(splits.x_val), splits.y_val.astype(np.int32))
    best = keras.callbacks.ModelCheckpoint(
        str(candidate).replace("{", "{{").replace("}", "}}"),  # it formats the name per epoch
        monitor=MONITOR,
        mode="max",
        save_best_only=True,
        save_weights_only=True,
        initial_value_threshold=state["best_val_accuracy"],
    )
    progress = progress_callback(epochs, state, resume_model, resume_state, best_weights, report)
    progress.batch_progress = batch_progress
    progress.steps = steps_per_epoch
    progress.best = best
    progress.candidate = candidate
    callbacks: list[Any] = [best, progress]  # in this order: a new best is written, then moved
    if config.logdir is not None:
        callbacks.append(keras.callbacks.TensorBoard(log_dir=str(config.logdir)))

    interrupted = False
    if state["epoch"] < epochs:
        try:
            with native_stderr_filtered_live():  # tf.data's node_def_util line at validation
                model.fit(
                    train_ds,
                    validation_data=val,
                    epochs=epochs,
                    initial_epoch=state["epoch"],
                    callbacks=callbacks,
                    shuffle=False,  # the dataset shuffles itself, reproducibly
                    verbose=0,
                )
        except KeyboardInterrupt:
            interrupted = True
            progress.save_resume_state(model)
            report(f"interrupted after epoch {state['epoch']}; resume with --resume {resume_model}")
    candidate.unlink(missing_ok=True)
    if interrupted:
        return TrainResult(resume_model, {}, state["history"], interrupted=True)
    if not best_weights.is_file():  # a finished checkpoint resumed after its best was cleaned up
        raise TrainingError(
            f"nothing to finish from: {best_weights} is missing (the checkpoint is at epoch "
            f"{state['epoch']} of {epochs}; train again, or resume with more --epochs)"
        )

    final = arch.build()
    final.load_weights(best_weights)
    metadata = _finish(final, config, recipe, splits, state, report)
    metadata["strategy"] = config.strategy
    metadata["replicas"] = int(replicas)
    with atomic.atomic_path(out) as tmp:  # the old model stays whole until this one is
        final.save(tmp)
        write_metadata(tmp, metadata)
    for leftover in (best_weights, resume_model, resume_state):
        leftover.unlink(missing_ok=True)
    if out != Path(config.out):  # a non-chief worker: its copy only took part in the saving
        out.unlink(missing_ok=True)
        report(f"worker done; the chief writes {config.out}")
        return TrainResult(Path(config.out), metadata, state["history"])
    report(
        f"saved {out}: validation {metadata['val_accuracy']:.4%}, "
        f"test {metadata['test_accuracy']:.4%}"
    )
    return TrainResult(out, metadata, state["history"])


def _recipe_signature(recipe: recipes.Recipe) -> dict[str, Any]:
    """What a resumed run must share with the run it continues (the epochs may grow)."""
    return {
        "recipe": recipe.name,
        "optimizer": recipe.optimizer,
        "batch_size": recipe.batch_size,
        "augment": recipe.augment,
        "flip": recipe.flip,
    }


def _check_same_recipe(saved: Any, recipe: recipes.Recipe, path: Path) -> None:
    """Refuse to continue a run with another recipe: the optimizer comes back from the
    checkpoint but the data pipeline from the command, and a mix would train neither."""
    wanted = _recipe_signature(recipe)
    if isinstance(saved, dict) and saved != wanted:
        differ = ", ".join(
            f"{k} {saved.get(k)!r} (now {v!r})" for k, v in wanted.items() if saved.get(k) != v
        )
        raise TrainingError(
            f"--resume {path}: that run was trained with {differ}; "
            "resume it with the same --recipe, --flip and --batch-size"
        )


def _load_resume(path: Path, fresh: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The model (with its optimizer) and the run state saved by an earlier run's checkpoint."""
    import keras

    try:
        model = keras.saving.load_model(path, safe_mode=True)
    except Exception as exc:  # Keras raises many types for a bad file; all mean "unusable".
        raise TrainingError(
            f"--resume {path}: cannot load the checkpoint: {first_line(exc)}"
        ) from exc
    state_file = path.with_suffix(".json")
    if not state_file.is_file():
        return model, fresh
    try:
        state = json.loads(state_file.read_text())
        if not isinstance(state, dict) or not isinstance(state.get("epoch"), int):
            raise ValueError("no epoch number in it")
    except (OSError, ValueError) as exc:
        raise TrainingError(f"{state_file}: not a training state ({first_line(exc)})") from None
    return model, {**fresh, **state}


def _finish(
    model: Any,
    config: TrainConfig,
    recipe: recipes.Recipe,
    splits: MnistSplits,
    state: dict[str, Any],
    report: Reporter,
) -> dict[str, Any]:
    from inception_desktop.core.training.mnist.evaluation import accuracy, evaluate

    val_acc = accuracy(model, splits.x_val, splits.y_val)
    report("best epoch chosen on validation; evaluating it once on the test split")
    test = evaluate(model, splits.x_test, splits.y_test)
    import keras
    import tensorflow as tf

    return {
        "architecture": config.arch,
        "recipe": recipe.name,
        "recipe_detail": recipe.describe(),
        "optimizer": recipe.optimizer,
        "learning_rate": recipe.learning_rate,
        "augment": recipe.augment,
        "flip": recipe.flip,
        "source_accuracy": recipe.source_accuracy,
        "epochs": recipe.epochs,
        "best_epoch": state.get("best_epoch"),
        "batch_size": recipe.batch_size,
        "seed": config.seed,
        "val_accuracy": val_acc,
        "test_accuracy": test["accuracy"],
        "test_errors": test["errors"],
        "flip_lookalikes": test["flip_lookalikes"],
        "parameters": int(model.count_params()),
        "training_seconds": round(state["seconds"], 1),
        "date": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "data_digest": splits.digest,
        "train_size": len(splits.x_train),
        "val_size": len(splits.x_val),
        "command": config.command,
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "config": {k: str(v) for k, v in asdict(config).items()},
    }
