"""Retraining as one pipeline: the command line and the window call these, and nothing else.

    read (dataset.scan)  →  features (+ split, augment)  →  head  →  summary + model card

:class:`Settings` holds every choice a person makes (the window's boxes are ``retrain``'s options,
one for one); :func:`compute_features` turns class folders into training and validation arrays;
:func:`train` trains the head and says what it learnt in the model card. The same data, settings
and seed give the same model whichever front end asked (a test holds the two equal).

Progress goes to one callback, ``progress(stage, done, total)``: the stage names the photos being
worked on ("features", "validation", "mirrored", "cropped"); ``stop`` is asked between batches and
epochs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from inception_desktop.core.photo.framing import Framing
from inception_desktop.core.photo.framing_modes import MODES
from inception_desktop.core.training.retrain import (
    AUGMENTATIONS,
    DEFAULT_FRAMING,
    RetrainError,
    dataset,
)
from inception_desktop.core.training.retrain.card import check_trainable, model_card
from inception_desktop.core.training.retrain.dataset import Dataset
from inception_desktop.core.training.retrain.features import FeatureModel, extract
from inception_desktop.core.training.retrain.model_file import RetrainedModel

#: Receives (stage, photos done, photos in the stage).
StageProgress = Callable[[str, int, int], None]
#: Receives the epoch (from 1) and its numbers: loss, accuracy, val_loss, val_accuracy.
EpochLogs = Callable[[int, dict[str, float]], None]

#: How progress names each augmentation's photos, in the order they are computed.
AUGMENTATION_STAGES = AUGMENTATIONS


@dataclass(frozen=True)
class Settings:
    """Every choice of a retraining run (``retrain``'s options; the window's boxes).

    ``patience`` 0 turns early stopping off; ``dropout`` is used only with a hidden layer;
    ``balance`` weighs each class the same in the loss."""

    framing: Framing = field(default_factory=lambda: Framing(DEFAULT_FRAMING))
    validation: float = 0.2
    seed: int = 0
    augment: tuple[str, ...] = ()
    hidden: int = 0
    dropout: float = 0.3
    epochs: int = 100
    patience: int = 5
    balance: bool = True

    def check(self) -> None:
        """Refuse values no run can use, naming the setting (before minutes of work)."""
        problems = [
            (self.framing.mode in MODES, f"framing must be one of {', '.join(MODES)}"),
            (0.0 < self.validation < 1.0, f"validation must be between 0 and 1, got "
             f"{self.validation}"),
            (self.epochs >= 1, f"epochs must be at least 1, got {self.epochs}"),
            (self.hidden >= 0, f"hidden must be at least 0, got {self.hidden}"),
            (0.0 <= self.dropout < 1.0, f"dropout must be in [0, 1), got {self.dropout}"),
            (self.patience >= 0, f"patience must be at least 0, got {self.patience}"),
            (self.seed >= 0, f"seed must be at least 0, got {self.seed}"),
        ]  # fmt: skip
        for ok, message in problems:
            if not ok:
                raise RetrainError(message)
        unknown = [v for v in self.augment if v not in AUGMENTATION_STAGES]
        if unknown:
            raise RetrainError(
                f"unknown augmentation {unknown[0]!r}: choose from "
                + ", ".join(AUGMENTATION_STAGES)
            )


@dataclass
class Features:
    """What :func:`compute_features` made: the arrays a head trains on, and where they came from.

    ``x_train`` holds the ``train_photos`` training photos followed by their ``augmented``
    variants; validation always sees the photos as they are."""

    framing: Framing
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    train_paths: list[str]
    val_paths: list[str]
    skipped: list[dict[str, str]]
    weights_md5: str
    train_photos: int
    augmented: tuple[str, ...] = ()
    cache_hits: int = 0
    computed: int = 0
    seconds: float = 0.0
    stages: list[dict[str, Any]] = field(default_factory=list)
    validation_dir: str | None = None  # the validation tree's root; None: a split of the data
    precision: str = "fp32"  # the backbone's that computed them (int8 features differ a little)


def compute_features(
    data: Dataset,
    held: Dataset | None,
    model: FeatureModel,
    settings: Settings,
    progress: StageProgress | None = None,
    stop: Callable[[], bool] | None = None,
) -> Features:
    """Features of ``data`` (and of the validation tree ``held``), split and augmented.

    Without ``held``, each class gives ``settings.validation`` of its photos to validation
    (stratified, ``settings.seed``); with it, every photo of ``data`` trains. Photos that cannot
    be read are listed in ``skipped`` once each (an augmented copy of a skipped photo is not
    listed again). Raises :class:`RetrainError` for a class left without enough photos, and
    :class:`~inception_desktop.core.training.retrain.CancelledError` when ``stop`` says so."""
    settings.check()
    out = Extractor(model, settings.framing, progress, stop)
    x, y, paths = out.extract(data, "features")
    if held is None:
        check_trainable(data.classes, y, minimum=2)
        train, val = dataset.split(y, settings.validation, settings.seed)
        x_train, y_train, x_val, y_val = x[train], y[train], x[val], y[val]
        train_paths, val_paths = [paths[i] for i in train], [paths[i] for i in val]
    else:
        x_val, y_val, val_paths = out.extract(held, "validation")
        check_trainable(data.classes, y, minimum=1)
        x_train, y_train, train_paths = x, y, paths
    for variant in settings.augment:
        more = dataset.augmented(data, train_paths, (variant,))
        x_more, y_more, _ = out.extract(more, AUGMENTATION_STAGES[variant])
        x_train, y_train = np.concatenate([x_train, x_more]), np.concatenate([y_train, y_more])
    return Features(
        settings.framing, x_train, y_train, x_val, y_val, train_paths, val_paths, out.skipped,
        model.weights_md5, len(train_paths), tuple(settings.augment), out.cache_hits,
        out.computed, out.seconds, out.stages, str(held.root) if held is not None else None,
        getattr(model, "precision", "fp32"),
    )  # fmt: skip


class Extractor:
    """Runs :func:`.features.extract` stage after stage and adds up what they did."""

    def __init__(
        self,
        model: FeatureModel,
        framing: Framing,
        progress: StageProgress | None,
        stop: Callable[[], bool] | None,
    ) -> None:
        self.model, self.framing, self.progress, self.stop = model, framing, progress, stop
        self.skipped: list[dict[str, str]] = []
        self.cache_hits = self.computed = 0
        self.seconds = 0.0
        self.stages: list[dict[str, Any]] = []

    def extract(self, data: Dataset, stage: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
        report = self.progress

        def progress(done: int, total: int) -> None:
            if report is not None:
                report(stage, done, total)

        result = extract(data.samples, self.model, self.framing, progress, stop=self.stop)
        self.cache_hits += result.cache_hits
        self.computed += result.computed
        self.seconds += result.seconds
        self.stages.append(
            {"stage": stage, "photos": len(data.samples), "cache_hits": result.cache_hits,
             "computed": result.computed, "seconds": result.seconds}
        )  # fmt: skip
        known = {entry["path"] for entry in self.skipped}
        self.skipped += [entry for entry in result.skipped if entry["path"] not in known]
        labels = data.labels()[result.rows]
        paths = [str(data.samples[i].path) for i in result.rows]
        return result.features, labels, paths


@dataclass
class Trained:
    """A trained head with its validation summary and model card (see :func:`train`)."""

    keras_model: Any
    summary: dict[str, Any]
    card: dict[str, Any]
    history: dict[str, list[float]]
    seconds: float


def train(
    features: Features,
    data: Dataset,
    settings: Settings,
    on_logs: EpochLogs | None = None,
    on_epoch: Callable[[str], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> Trained:
    """Train the head on ``features`` and describe it: the validation summary is computed with
    the numpy head that ``classify`` serves, and the card records every setting that made it.

    ``stop``: asked after each epoch; when it says True training ends there and the best head so
    far is kept (the card says ``stopped_by_hand``)."""
    from inception_desktop.core.training.retrain import calibration, report
    from inception_desktop.core.training.retrain.head import HeadWeights
    from inception_desktop.core.training.retrain.head import train as train_head

    settings.check()
    started = time.perf_counter()
    result = train_head(
        features.x_train,
        features.y_train,
        features.x_val,
        features.y_val,
        len(data.classes),
        epochs=settings.epochs,
        seed=settings.seed,
        hidden=settings.hidden,
        dropout=settings.dropout,
        patience=settings.patience,
        balance=settings.balance,
        on_epoch=on_epoch,
        on_logs=on_logs,
        stop=stop,
    )
    seconds = time.perf_counter() - started
    scores = HeadWeights.from_model(result.model).scores(features.x_val)
    summary = report.summarise(scores, features.y_val, data.classes, features.val_paths)
    summary["calibration"] = calibration.describe(scores, features.y_val)
    card = model_card(
        data,
        features.framing,
        features.weights_md5,
        summary,
        train=features.train_photos,  # photos; their variants are named in "augmented"
        augmented=list(features.augmented),
        hidden=settings.hidden,
        dropout=settings.dropout if settings.hidden else None,
        class_weights=settings.balance,
        patience=settings.patience,
        validation_share=None if features.validation_dir else settings.validation,
        validation_dir=features.validation_dir,
        epochs=result.epochs_run,
        best_epoch=result.best_epoch,
        seed=settings.seed,
        stopped_by_hand=bool(stop is not None and stop()),
        precision=features.precision,
        temperature=summary["calibration"]["temperature"],
        unknown_threshold=summary["calibration"]["unknown_threshold"],
    )  # fmt: skip
    return Trained(result.model, summary, card, result.history, seconds)


@dataclass
class Evaluation:
    """A retrained model on labelled photos: its summary, and the photos it could not read."""

    summary: dict[str, Any]
    skipped: list[dict[str, str]]
    stages: list[dict[str, Any]]
    same_data: bool


def evaluate(
    model: RetrainedModel,
    data: Dataset,
    features: FeatureModel,
    progress: StageProgress | None = None,
    stop: Callable[[], bool] | None = None,
) -> Evaluation:
    """Score ``model`` on ``data`` (class folders named as its classes; features cached) with
    the numpy head ``classify`` serves. ``same_data`` says whether these are the very photos it
    was trained on (then the accuracy says how well it learnt, not how it generalises)."""
    from inception_desktop.core.training.retrain import report
    from inception_desktop.core.training.retrain.card import same_data

    out = Extractor(features, model.framing, progress, stop)
    x, y, paths = out.extract(data, "evaluating")
    summary = report.summarise(model.head.scores(x), y, model.classes, paths)
    return Evaluation(summary, data.skipped + out.skipped, out.stages, same_data(model, data))
