"""What the command line and the window share between training and saving: the checks on what
was read, and the model card (the metadata a retrained model file carries).

One definition, so that a model saved from the window and one saved by ``retrain`` say the same
things, and ``evaluate`` can tell whether it is looking at the very photos a model learnt from.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

import numpy as np

from inception_desktop.core.photo.framing import Framing
from inception_desktop.core.training.retrain import RetrainError
from inception_desktop.core.training.retrain.dataset import Dataset
from inception_desktop.core.training.retrain.model_file import RetrainedModel, framing_metadata


def check_trainable(classes: Sequence[str], labels: np.ndarray, minimum: int) -> None:
    """Refuse a class left with fewer than ``minimum`` readable photos (2: one to train on, one
    to validate; 1 with a separate validation tree)."""
    counts = np.bincount(np.asarray(labels, np.int64), minlength=len(classes))
    for name, n in zip(classes, counts, strict=True):
        if n < minimum:
            raise RetrainError(
                f"the class '{name}' has {n} readable photo{'s' if n != 1 else ''}; "
                f"at least {minimum} {'are' if minimum > 1 else 'is'} needed"
                + (" (one to train on, one to validate)" if minimum == 2 else "")
            )


def versions() -> dict[str, str]:
    """The versions that made a model: ours, and Keras', TensorFlow's, numpy's where installed."""
    from importlib import metadata

    from inception_desktop import __version__

    out = {"inception_desktop": __version__}
    for name in ("keras", "tensorflow", "numpy"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def model_card(
    data: Dataset,
    framing: Framing,
    weights_md5: str,
    summary: dict[str, Any],
    *,
    train: int,
    hidden: int,
    epochs: int,
    best_epoch: int,
    seed: int,
    **extra: Any,
) -> dict[str, Any]:
    """The metadata saved inside a retrained model (see :mod:`.model_file`).

    ``summary``: the validation summary (:func:`.report.summarise`); ``extra`` adds keys (the
    dropout, whether class weights were used...)."""
    return {
        "classes": list(data.classes),
        "framing": framing_metadata(framing),
        "weights_md5": weights_md5,
        "data_digest": data.digest(),
        "data_dir": str(data.root),
        "train": train,
        "validation": int(summary["size"]),
        "val_accuracy": summary["accuracy"],
        "per_class": summary["per_class"],
        "hidden": hidden,
        "epochs": epochs,
        "best_epoch": best_epoch,
        "seed": seed,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "versions": versions(),
        **extra,
    }


def same_data(model: RetrainedModel, data: Dataset) -> bool:
    """Whether ``data`` is exactly the data ``model`` was trained on (same classes, same photos
    by content): evaluated on it, its accuracy says how well it learnt, not how it generalises."""
    return bool(model.metadata.get("data_digest")) and model.metadata["data_digest"] == (
        data.digest()
    )


def same_data_note(path: str) -> str:
    """The line said when :func:`same_data` holds."""
    return (
        f"note: these are the very photos {path} was trained on (its data digest matches): "
        "the accuracy says how well it learnt them, not how well it does on new photos"
    )
