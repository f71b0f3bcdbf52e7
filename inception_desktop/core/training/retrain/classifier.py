"""A retrained model served as one classifier: Inception's features on LiteRT, then the head.

The head runs in numpy (:class:`~.head.HeadWeights`: one or two matrix products), so classifying
with a retrained model imports no TensorFlow on LiteRT. The features must come from the weights
the head was trained on: other weights give other features and meaningless scores, so a mismatch
is refused unless forced.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from inception_desktop.core.models.inception import INPUT_SHAPE, NAME
from inception_desktop.core.training.retrain import RetrainError
from inception_desktop.core.training.retrain.features import (
    FeatureModel,
    feature_model_for,
    resolve_weights,
)
from inception_desktop.core.training.retrain.model_file import RetrainedModel, load


class WeightsMismatchError(RetrainError):
    """The model was trained on features of other Inception weights than the ones given.

    ``reason`` is the sentence without the command line's advice (the window gives its own)."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason or message


class RetrainedPredictor:
    """Answers like the other predictors (uint8 299x299x3 in, scores out), with the head's
    classes as scores."""

    def __init__(self, features: FeatureModel, model: RetrainedModel) -> None:
        self.features = features
        self.model = model
        self.input_shape = INPUT_SHAPE
        self.runtime = features.runtime

    def prepare(self, batch: int) -> None:
        self.features.prepare(batch)

    def predict(self, array: np.ndarray) -> np.ndarray:
        scores: np.ndarray = self.predict_batch(np.asarray(array)[None])[0]
        return scores

    def predict_batch(self, arrays: np.ndarray, batch_size: int = 16) -> np.ndarray:
        arrays = np.asarray(arrays)
        parts = [
            self.model.head.scores(self.features(arrays[i : i + batch_size]))
            for i in range(0, len(arrays), batch_size)
        ]
        return np.concatenate(parts) if parts else np.zeros((0, self.model.head.classes))


def check_weights(model: RetrainedModel, weights_md5: str, force: bool = False) -> str | None:
    """Refuse features from other weights (:class:`WeightsMismatchError`) unless ``force``;
    forced, the warning line to show."""
    if model.weights_md5 == weights_md5:
        return None
    text = (
        f"{model.path} was trained on Inception v3 weights with md5 {model.weights_md5 or '?'}, "
        f"but the weights in use have md5 {weights_md5}: its scores would be meaningless"
    )
    if not force:
        raise WeightsMismatchError(
            f"{text}. Use the weights it was trained on (--weights FILE), retrain it, "
            "or pass --force to use it anyway",
            text,
        )
    return f"warning: {text} (--force given)"


def load_classifier(
    path: str | Path,
    weights: str | Path | None = None,
    runtime: str | None = None,
    force: bool = False,
    stage: Any = None,
    warn: Any = None,
    precision: str | None = None,
) -> Any:
    """The ready classifier of a retrained model file; its labels are the model's classes.

    ``warn`` receives the warning line when ``force`` let other weights through. The model's
    framing is ``classifier.predictor.model.framing``. ``precision`` ``int8``: the features come
    from Inception's int8 twin (the head stays float, in numpy).
    """
    from inception_desktop.core.models.classifier import Classifier

    model = load(path)
    weights_path, md5 = resolve_weights(weights)
    note = check_weights(model, md5, force)  # before a conversion that may take a minute
    if note and warn:
        warn(note)
    features = feature_model_for(weights_path, md5, runtime, stage, precision)
    predictor = RetrainedPredictor(features, model)
    from inception_desktop.core.store.regular_files import (
        UnreadableFileError,
        regular_file_digest,
    )
    from inception_desktop.core.training.retrain.model_file import MAX_HEAD_BYTES

    name = f"{NAME} retrained ({Path(path).stem})"
    try:
        head_md5 = regular_file_digest(path, MAX_HEAD_BYTES)
    except UnreadableFileError as exc:  # swapped since it was loaded
        raise RetrainError(f"{path}: {exc.reason}") from None
    weights_id = f"{head_md5}+{md5}"  # the head's file, then the backbone's
    return Classifier(name, predictor, model.classes, predictor.runtime, weights_id)
