"""Backbone and head as one self-contained ``.tflite``, with its labels in a JSON file beside it.

The file takes what every model of the app takes: uint8 RGB pixels (N, 299, 299, 3), framed as
the model card says; Inception's scaling is inside the graph. Its one output, ``scores``, holds
the retrained classes' softmax, in the order of ``labels`` in ``<name>.labels.json`` (a sidecar
rather than TFLite metadata: any program reads JSON, and no extra package is needed to write it).
Converting Inception v3 takes about a minute.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inception_desktop.core.models import inception
from inception_desktop.core.store import atomic


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
) -> tuple[Path, Path]:
    """Write the Keras ``head`` on Inception v3 (``weights``) as one ``.tflite`` and its labels.

    ``card``: the model's metadata (``classes``, ``framing``, ``weights_md5``...). Both files are
    written atomically; the labels file after the model, so a labels file names a whole model.
    """
    from inception_desktop.core.models.tflite_export import export_tflite, uint8_wrapper

    path = Path(path)
    atomic.check_output_file(path)
    atomic.check_output_file(labels_path(path))
    if stage:
        stage("building Inception v3 with the new head")
    backbone = inception.build_model(weights)
    pooled = backbone.get_layer(inception.FEATURES_LAYER).output
    wrapped = uint8_wrapper(backbone, {"scores": head(pooled)}, inception.SCALE, inception.OFFSET)
    export_tflite(wrapped, inception.INPUT_SHAPE, path, stage)
    sidecar = {
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
    return export(load_keras_head(model_path), weights_path, path, model.metadata, stage)
