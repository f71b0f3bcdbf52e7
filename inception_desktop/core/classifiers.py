"""Which classifier a name stands for, and loading it: one answer for the window and every command.

A model is named the same way everywhere (``--model``, Photo › Model, Digit › Open Model):

* ``inception`` — Inception v3 on ImageNet's classes (on ``weights``, default the installed file);
* a model file made by ``retrain`` — its head over Inception v3's features (its own classes);
* ``mnist`` — the shipped digit model; any other ``.keras`` file — a user's MNIST model.

Photo models take framed photos, digit models MNIST's 28x28 digits (:func:`is_photo_model`).
Every failure a person can act on — a missing file, a folder, a model of another kind — is an
:class:`~inception_desktop.core.errors.InceptionDesktopError` naming the file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from inception_desktop.core.errors import InceptionDesktopError

if TYPE_CHECKING:
    from inception_desktop.core.models.classifier import Classifier

INCEPTION = "inception"
MNIST = "mnist"
#: The names that are not files.
BUILT_IN = (INCEPTION, MNIST)


class ModelChoiceError(InceptionDesktopError):
    """A model name that names no usable model file."""


def is_retrained_model(name: str | Path) -> bool:
    """Whether ``name`` is a model file made by ``retrain`` (read from its card; no errors)."""
    if str(name) in BUILT_IN:
        return False
    from inception_desktop.core.training.retrain.model_file import is_retrained

    return is_retrained(name)


def is_photo_model(name: str | Path) -> bool:
    """Whether ``name`` classifies photos (Inception v3 or a retrained model), not digits."""
    return str(name) == INCEPTION or is_retrained_model(name)


def check_model_name(name: str | Path) -> None:
    """Refuse a model file that is not there (or not a file) before anything loads."""
    if str(name) in BUILT_IN:
        return
    path = Path(name)
    if not path.exists():
        raise ModelChoiceError(
            f"{name}: no such model file (use 'inception', 'mnist', a .keras file, or a model "
            "made by 'retrain')",
            "no such model file",
        )
    if path.is_dir():
        raise ModelChoiceError(f"{name}: is a folder, not a model file", "is a folder")


def load_classifier(
    name: str | Path,
    weights: str | Path | None = None,
    runtime: str | None = None,
    *,
    force: bool = False,
    stage: Callable[[str], None] | None = None,
    warn: Callable[[str], None] | None = None,
    precision: str | None = None,
) -> Classifier:
    """The ready classifier ``name`` stands for (see the module docstring).

    ``weights``: Inception v3's weights for photo models (None: the installed ones); ``force``
    lets a retrained model run on weights other than its own (``warn`` then gets a line);
    ``stage`` receives a line per slow step (a first conversion); ``precision``: ``fp32`` or
    ``int8`` (None: ``$INCEPTION_DESKTOP_PRECISION``, else fp32; see ``models.precision``)."""
    check_model_name(name)
    if str(name) == INCEPTION:
        from inception_desktop.core.models import inception

        return inception.load_classifier(weights, runtime, stage=stage, precision=precision)
    if is_retrained_model(name):
        from inception_desktop.core.training.retrain.classifier import (
            load_classifier as load_retrained,
        )

        classifier: Classifier = load_retrained(
            name, weights, runtime, force=force, stage=stage, warn=warn, precision=precision
        )
        return classifier
    from inception_desktop.core.models.mnist import load_classifier as load_mnist

    return load_mnist(None if str(name) == MNIST else name, runtime, precision)


def photo_classifier(
    path: str | Path | None,
    runtime: str | None = None,
    stage: Callable[[str], None] | None = None,
    precision: str | None = None,
) -> Classifier:
    """The window's photo model from one file: a retrained model (on the installed weights), or
    Inception v3 on a weights file (None: the installed weights)."""
    if path is not None and is_retrained_model(path):
        return load_classifier(path, None, runtime, stage=stage, precision=precision)
    return load_classifier(INCEPTION, path, runtime, stage=stage, precision=precision)


def convert(
    name: str | Path, stage: Callable[[str], None] | None = None, precision: str = "fp32"
) -> Path:
    """The LiteRT conversion of ``name`` (``inception``: the installed weights; an Inception v3
    weights ``.h5``; an MNIST ``.keras``) in ``precision``, converted in this process when not
    cached yet (both precisions are made together)."""
    from inception_desktop.core.models import inception, mnist

    if str(name) == INCEPTION:
        from inception_desktop.core.store import weights
        from inception_desktop.core.store.download import file_digest

        path = weights.require()
        md5 = weights.status().md5 or file_digest(path)
        return inception.ensure_tflite(path, md5, stage, precision)
    check_model_name(name)
    if str(name).endswith((".h5", ".hdf5")):
        return inception.ensure_tflite(inception.check_weights_file(name), None, stage, precision)
    return mnist.convert_keras(name, stage, precision)


def trained_framing(classifier: Classifier) -> str | None:
    """The framing mode a retrained classifier was trained with; None for other models."""
    model = getattr(getattr(classifier, "predictor", None), "model", None)
    framing = getattr(model, "framing", None)
    mode = getattr(framing, "mode", None)
    return mode if isinstance(mode, str) else None
