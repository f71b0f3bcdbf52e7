"""Backbone and head as one self-contained ``.tflite``, with its labels in a JSON file beside it.

The file takes what every model of the app takes: uint8 RGB pixels (N, 299, 299, 3), framed as
the model card says; Inception's scaling is inside the graph. Its one output, ``scores``, holds
the retrained classes' softmax, in the order of ``labels`` in ``<name>.labels.json`` (a sidecar
rather than TFLite metadata: any program reads JSON, and no extra package is needed to write it).
Converting Inception v3 takes about a minute.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from inception_desktop.core.errors import InceptionDesktopError
from inception_desktop.core.models import inception
from inception_desktop.core.store import atomic
from inception_desktop.core.training.retrain import RetrainError


class ExportError(RetrainError):
    """The export failed after the ``.keras`` model was written: the message says both, so a
    person who reads "error" does not think the model was lost too (``written``: its path)."""

    def __init__(self, message: str, written: Path) -> None:
        super().__init__(message)
        self.written = written


@contextlib.contextmanager
def after_saving(written: str | Path | None, path: str | Path) -> Iterator[None]:
    """Around an export that follows the saving of ``written`` (None: nothing was saved first):
    a failure becomes :class:`ExportError` saying that the model at ``written`` is whole."""
    try:
        yield
    except InceptionDesktopError as exc:
        if written is None or isinstance(exc, ExportError):
            raise
        raise ExportError(
            f"the model was written to {_show(written)}, but its LiteRT export to "
            f"{_show(path)} failed: {exc}",
            Path(written),
        ) from exc


def _show(path: str | Path) -> str:
    return str(path).encode("utf-8", "backslashreplace").decode("utf-8")


def labels_path(tflite: str | Path) -> Path:
    """``model.tflite`` → ``model.labels.json``."""
    tflite = Path(tflite)
    return tflite.with_name(tflite.stem + ".labels.json")


def export(
    head: Any,
    weights: str | Path,
    path: str | Path,
    card: dict[str, Any],
    stage: Any = None,
    written: str | Path | None = None,
    precision: str = "fp32",
) -> tuple[Path, Path]:
    """Write the Keras ``head`` on Inception v3 (``weights``) as one ``.tflite`` and its labels,
    in ``precision`` (``int8``: dynamic-range quantization, see ``core.models.precision``).

    ``card``: the model's metadata (``classes``, ``framing``, ``weights_md5``...). Both files are
    written atomically; the labels file after the model, so a labels file names a whole model.
    ``written``: the ``.keras`` file just saved with this head, named by the error if the export
    fails (:class:`ExportError`, see :func:`after_saving`).
    """
    with after_saving(written, path):
        return _export(head, weights, Path(path), card, stage, precision)


def _export(
    head: Any,
    weights: str | Path,
    path: Path,
    card: dict[str, Any],
    stage: Any,
    precision: str,
) -> tuple[Path, Path]:
    from inception_desktop.core.models.tflite_export import export_tflite, uint8_wrapper

    atomic.check_output_file(path)
    atomic.check_output_file(labels_path(path))
    if stage:
        stage("building Inception v3 with the new head")
    backbone = inception.build_model(weights)
    pooled = backbone.get_layer(inception.FEATURES_LAYER).output
    wrapped = uint8_wrapper(backbone, {"scores": head(pooled)}, inception.SCALE, inception.OFFSET)
    export_tflite(wrapped, inception.INPUT_SHAPE, path, stage, precision)
    sidecar = {
        "precision": precision,
        "labels": list(card["classes"]),
        "input": {"shape": [None, *inception.INPUT_SHAPE], "dtype": "uint8", "pixels": "RGB"},
        "output": "scores",
        "framing": card.get("framing"),
        "weights_md5": card.get("weights_md5"),
        "val_accuracy": card.get("val_accuracy"),
        "date": card.get("date"),
    }
    atomic.write_json(labels_path(path), sidecar)
    return path, labels_path(path)


def export_file(
    model_path: str | Path,
    weights: str | Path | None,
    path: str | Path,
    force: bool = False,
    stage: Any = None,
    warn: Any = None,
    precision: str = "fp32",
) -> tuple[Path, Path]:
    """:func:`export` for a retrained model already saved (``retrain --from MODEL.keras``).

    The model is checked first (a file that is not a retrained model, or weights other than the
    ones it was trained on, unless ``force``: one clear error before a minute of conversion)."""
    from inception_desktop.core.training.retrain.classifier import check_weights
    from inception_desktop.core.training.retrain.features import resolve_weights
    from inception_desktop.core.training.retrain.model_file import load, load_keras_head

    path = Path(path)
    atomic.check_output_file(path)
    atomic.check_output_file(labels_path(path))
    model = load(model_path)
    weights_path, md5 = resolve_weights(weights)
    note = check_weights(model, md5, force)
    if note and warn:
        warn(note)
    head = load_keras_head(model_path)
    return export(head, weights_path, path, model.metadata, stage, precision=precision)
