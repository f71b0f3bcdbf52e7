"""Inception v3 on ImageNet: Keras' own architecture, its preprocessing, and our classifier.

Inputs are 299x299 RGB uint8 arrays (what :mod:`inception_desktop.core.photo.framing` produces);
Inception's preprocessing (scale to [-1, 1]) runs inside the compiled graph, on either runtime.
For LiteRT the installed weights are converted once to a ``.tflite`` named after their md5 (so a
different weights file can never be served by a stale conversion), with three outputs: the 1000
``scores``, the 2048 pooled ``features`` (``avg_pool``) that retraining builds on, and
``mixed10`` (8x8x2048) that Grad-CAM explains; its int8
twin (:mod:`.precision`) is made in the same conversion, named ``<md5>.int8.tflite``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from inception_desktop.core.errors import first_line
from inception_desktop.core.models.precision import CHOICES as PRECISIONS
from inception_desktop.core.models.precision import FP32, suffix
from inception_desktop.core.store import weights as weights_module
from inception_desktop.core.store.weights import WeightsError

if TYPE_CHECKING:
    from inception_desktop.core.models.classifier import Classifier, Predictor
    from inception_desktop.core.models.tflite_export import StageCallback

log = logging.getLogger(__name__)
#: A runtime's model class (LiteRTModel): callers keep its own type, with its extra methods.
_P = TypeVar("_P", bound="Predictor")

INPUT_SIZE = 299
INPUT_SHAPE = (INPUT_SIZE, INPUT_SIZE, 3)
NAME = "Inception v3"
#: The layer whose output is the 2048-d "transfer values" (global average pooling of mixed10).
FEATURES_LAYER = "avg_pool"
#: keras.applications.inception_v3.preprocess_input: x / 127.5 - 1.
SCALE, OFFSET = 1 / 127.5, -1.0
#: The conversions' names start with this; the "2" is their format: since format 2 they have
#: ``mixed10`` as a third output, and a format 1 conversion (without it) must not be taken for
#: one (it is removed as any stale conversion is, and made again).
TFLITE_PREFIX = "inception_v3-2-"
#: Every conversion this app ever named, whatever its format (the clean-up's pattern).
ANY_CONVERSION = "inception_v3-*.tflite"
#: The last mixed block (8x8x2048), a third output of the conversion: Grad-CAM on LiteRT takes
#: the logit's gradient with respect to it in closed form (``core.explain.litert_gradcam``).
EXPLAINED_LAYER = "mixed10"


def preprocess(x: Any) -> Any:
    """uint8 RGB → float32 in [-1, 1], as ``keras.applications.inception_v3.preprocess_input``."""
    import tensorflow as tf

    return tf.cast(x, tf.float32) / 127.5 - 1.0


def check_weights_file(weights: str | Path) -> Path:
    """``weights`` as a path, or :class:`WeightsError` when it is not an existing ``.h5`` file
    (cheap: before a conversion hashes it or Keras opens it)."""
    path = Path(weights)
    if path.suffix.lower() not in (".h5", ".hdf5"):
        raise WeightsError(f"{path}: weights must be an HDF5 file (.h5)")
    if not path.is_file():
        raise WeightsError(f"{path}: no such weights file")
    return path


def build_model(weights: str | Path | None = None) -> Any:
    """Keras' InceptionV3 with 1000-class softmax top, loaded from a legacy-H5 weights file."""
    from inception_desktop.core.quiet import import_tensorflow

    import_tensorflow()
    import keras

    model = keras.applications.InceptionV3(weights=None, include_top=True, classes=1000)
    if weights is not None:
        path = check_weights_file(weights)
        try:
            model.load_weights(path)
        except Exception as exc:  # h5py/Keras raise many types; all mean "this file won't do"
            raise WeightsError(
                f"{path}: not usable as Inception v3 weights ({first_line(exc)})"
            ) from exc
    return model


def check_weights(path: Path) -> None:
    """Raise :class:`WeightsError` unless ``path`` loads into Inception v3 (for a trusted import:
    pass it as ``check`` to :func:`inception_desktop.core.store.weights.import_file`)."""
    build_model(path)


def import_weights(source: str | Path, trust: bool = False) -> Path:
    """:func:`inception_desktop.core.store.weights.import_file` with the architecture check: a file
    that is not the official one is installed only when trusted and loadable into Inception v3."""
    return weights_module.import_file(source, trust=trust, check=check_weights)


def tflite_path(md5: str, precision: str = FP32) -> Path:
    """Where the LiteRT conversion of the weights with this md5 lives (beside the weights):
    ``inception_v3-<md5>.tflite``, and its int8 twin ``inception_v3-<md5>.int8.tflite``."""
    return weights_module.weights_path().parent / f"{TFLITE_PREFIX}{md5}{suffix(precision)}.tflite"


def ensure_tflite(
    weights: str | Path,
    md5: str | None = None,
    stage: StageCallback | None = None,
    precision: str = FP32,
) -> Path:
    """The ``.tflite`` for ``weights`` in ``precision``, converting first when missing (about
    half a minute).

    A conversion makes both twins, float32 and int8, from one trace (the int8 one costs a few
    seconds more), so installing weights makes both. ``md5`` is the weights file's (hashed here
    when not given). Conversions of other weights are removed, except the installed weights' own,
    so the cache holds one or two pairs of them.
    """
    from inception_desktop.core.models.tflite_export import export_tflites, uint8_wrapper
    from inception_desktop.core.store.download import file_digest

    md5 = md5 or file_digest(weights, "md5")
    target = tflite_path(md5, precision)
    if target.is_file():
        return target
    from inception_desktop.core.models import conversion

    if conversion.in_child_processes():  # TensorFlow stays out of this process (the window)
        return conversion.convert_in_child(weights, stage, precision)
    if stage:
        stage("converting Inception v3 for LiteRT, once (about a minute): building the network")
    model = build_model(weights)
    wrapped = uint8_wrapper(
        model,
        {
            "scores": model.output,
            "features": model.get_layer(FEATURES_LAYER).output,
            EXPLAINED_LAYER: model.get_layer(EXPLAINED_LAYER).output,
        },
        SCALE,
        OFFSET,
    )
    missing = {p: tflite_path(md5, p) for p in PRECISIONS if not tflite_path(md5, p).is_file()}
    export_tflites(wrapped, INPUT_SHAPE, missing, stage)
    installed = weights_module.status().md5
    keep = {tflite_path(m, p).name for m in (md5, installed) if m for p in PRECISIONS}
    for old in target.parent.glob(ANY_CONVERSION):
        if old.name not in keep:
            old.unlink(missing_ok=True)
    log.info("converted %s to %s", weights, ", ".join(str(p) for p in missing.values()))
    return target


def load_classifier(
    weights: str | Path | None = None,
    runtime: str | None = None,
    stage: StageCallback | None = None,
    precision: str | None = None,
) -> Classifier:
    """The ready-to-call Inception v3 classifier (warmed up) on the chosen runtime.

    ``weights`` defaults to the installed file; :class:`WeightsError` says how to get one.
    ``runtime``: ``auto`` (default), ``litert`` or ``tensorflow`` (see :mod:`.runtime`);
    ``precision``: ``fp32`` (default) or ``int8`` (LiteRT only; see :mod:`.precision`).
    ``stage`` receives a line per slow step (a first conversion says so).
    """
    import numpy as np

    from inception_desktop.core.models import precision as precisions
    from inception_desktop.core.models import runtime as runtimes
    from inception_desktop.core.models.classifier import Classifier
    from inception_desktop.core.models.labels import imagenet_labels

    chosen = precisions.runtime_for(runtime, precision)
    if weights is None:
        path, md5 = weights_module.require(), weights_module.status().md5 or None
    else:
        path, md5 = check_weights_file(weights), None
    if md5 is None:  # weights given by path: their md5 keys the conversion and names answers
        from inception_desktop.core.store.download import file_digest

        md5 = file_digest(path, "md5")
    if chosen == runtimes.LITERT:
        from inception_desktop.core.models.litert import LiteRTModel

        predictor: Predictor = litert_model(
            path, md5, stage, LiteRTModel, precisions.resolve(precision)
        )
    else:
        from inception_desktop.core.models.compiled import CompiledModel

        predictor = CompiledModel(build_model(path), INPUT_SHAPE, np.uint8, preprocess)
    return Classifier(NAME, predictor, imagenet_labels(), predictor.runtime, md5)


def litert_model(
    path: Path,
    md5: str | None,
    stage: StageCallback | None,
    factory: Callable[[Path], _P],
    precision: str = FP32,
) -> _P:
    """``factory`` (e.g. :class:`~.litert.LiteRTModel`) on the weights' conversion in
    ``precision``, converting first when missing; a conversion the runtime refuses as damaged is
    made again, once."""
    converted = ensure_tflite(path, md5, stage, precision)
    try:
        return factory(converted)
    except ValueError as exc:  # a damaged conversion: make it again, once
        log.warning("%s is unusable (%s); converting again", converted, exc)
        converted.unlink(missing_ok=True)
        return factory(ensure_tflite(path, md5, stage, precision))


def make_random_weights(path: str | Path, seed: int = 0) -> Path:
    """Write Inception v3 weights with fixed random values, in the official file's legacy-H5 layout.

    The official weights cannot be fetched everywhere (tests, CI, offline demos); this file goes
    through exactly the same loading path, so only the scores are meaningless.
    """
    from inception_desktop.core.quiet import import_tensorflow

    import_tensorflow()
    import h5py
    import keras
    from keras.src.legacy.saving import legacy_h5_format

    keras.utils.set_random_seed(seed)
    model = keras.applications.InceptionV3(weights=None, include_top=True, classes=1000)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)
    return path
