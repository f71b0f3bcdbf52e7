"""The MNIST classifier the app and the CLI call: the shipped model, or a user's ``.keras`` file.

On LiteRT the shipped model runs from ``resources/models/mnist.tflite`` (made from the shipped
``.keras`` by ``packaging/export_mnist_tflite.py``; a test holds the two to the same scores), or
its int8 twin ``mnist.int8.tflite``, so recognising a digit never imports TensorFlow. A user's
``.keras`` file is checked and loaded with Keras (``safe_mode``), then converted once into the
cache, keyed by the file's content, in both precisions.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from inception_desktop.core.digit import contract
from inception_desktop.core.models.mnist_file import read_metadata
from inception_desktop.core.models.precision import CHOICES as PRECISIONS
from inception_desktop.core.models.precision import FP32, INT8, suffix
from inception_desktop.core.store.resources import (
    MNIST_MODEL,
    MNIST_TFLITE,
    MNIST_TFLITE_INT8,
    resource_path,
)

if TYPE_CHECKING:
    from inception_desktop.core.models.classifier import Classifier, Predictor

SHIPPED = "mnist"
#: What the classifier is called with: :data:`.contract.IMAGE_SHAPE` uint8 pixels.
INPUT_SHAPE = contract.IMAGE_SHAPE


def _preprocess_for(model: Any) -> Any:
    takes_channel = len(model.inputs[0].shape) == 4

    def preprocess(x: Any) -> Any:
        import tensorflow as tf

        x = tf.cast(x, tf.float32) / contract.PIXEL_MAX
        return x[..., None] if takes_channel else x

    return preprocess


def serving_model(model: Any) -> Any:
    """``model`` behind a uint8 (28, 28) input, scaled to [0, 1] inside: for conversion.

    Its outputs are ``scores`` and each top-level convolution's maps
    (:func:`.layer_maps.layer_outputs`), so the layer view and Grad-CAM read them from LiteRT
    without TensorFlow. The extra outputs are tensors the network computes anyway: the scores
    stay the same numbers (tests hold them to the model's)."""
    from inception_desktop.core.models.layer_maps import layer_outputs
    from inception_desktop.core.models.tflite_export import uint8_wrapper

    outputs = {"scores": _single(model.outputs), **layer_outputs(model)}
    return uint8_wrapper(model, outputs, contract.SCALE, contract.OFFSET, INPUT_SHAPE)


def _single(tensors: Any) -> Any:
    if isinstance(tensors, (list, tuple)) and len(tensors) == 1:
        return tensors[0]
    return tensors


#: Conversions of a user's model are named ``mnist-2-<digest>``: the "2" is their format. Since
#: format 2 they hold the layers' maps as outputs (``mnist-<digest>`` ones, from before, do not,
#: and are not taken for one: the model is converted again once).
CONVERSION_PREFIX = "mnist-2-"


def converted_path(path: str | Path, precision: str = FP32) -> Path:
    """Where the LiteRT conversion of a user's model file lives: the cache, by content hash
    (``.int8.tflite`` for its int8 twin)."""
    from inception_desktop.core.store import paths

    digest = model_digest(path, "sha256")[:20]
    return paths.cache_dir() / "models" / f"{CONVERSION_PREFIX}{digest}{suffix(precision)}.tflite"


def model_digest(path: str | Path, algorithm: str = "md5") -> str:
    """The digest of a model file, after checking it names a regular file of a model's size.

    Hashing comes first in :func:`load_classifier`, so the check must come before it: a FIFO
    would block forever, ``/dev/zero`` never ends, a 2 GB sparse file takes seconds to hash.
    """
    from inception_desktop.core.models.mnist_file import MAX_MODEL_BYTES, ModelFileError
    from inception_desktop.core.store.regular_files import UnreadableFileError, regular_file_digest

    try:
        return regular_file_digest(path, MAX_MODEL_BYTES, algorithm)
    except UnreadableFileError as exc:
        reason = "no such model file" if exc.missing else exc.reason
        raise ModelFileError(f"{path}: {reason}") from None


def load_classifier(
    path: str | Path | None = None, runtime: str | None = None, precision: str | None = None
) -> Classifier:
    """A warmed-up classifier of uint8 (28, 28) inputs (ink bright on black).

    ``path`` None or ``"mnist"`` means the model shipped in ``resources/``; any other file is
    loaded with ``safe_mode=True`` and checked for a 28x28 input and 10 outputs. ``precision``
    ``int8`` serves its int8 twin on LiteRT (see :mod:`.precision`).
    """
    from inception_desktop.core.models import precision as precisions
    from inception_desktop.core.models.classifier import Classifier
    from inception_desktop.core.models.labels import DIGIT_LABELS

    chosen = precisions.runtime_for(runtime, precision)
    shipped = path is None or str(path) == SHIPPED
    if shipped:
        with resource_path(MNIST_MODEL) as keras_file:
            name = f"MNIST {read_metadata(keras_file).get('architecture', 'model')}"
            md5 = model_digest(keras_file)  # the trained weights (~10 ms)
    else:
        name = f"MNIST {Path(str(path)).stem}"
        read_metadata(Path(str(path)))  # a regular file, a sound archive, a readable card (or none)
        md5 = model_digest(Path(str(path)))
    predictor = _predictor(path if not shipped else None, chosen, precisions.resolve(precision))
    return Classifier(name, predictor, DIGIT_LABELS, predictor.runtime, md5)


def convert_keras(path: str | Path, stage: Any = None, precision: str = FP32) -> Path:
    """The LiteRT conversion of a user's MNIST ``.keras`` file in ``precision``, made (checked
    with Keras, ``safe_mode``) when not in the cache yet, with its twin in the other precision."""
    from inception_desktop.core.models.mnist_file import load_model
    from inception_desktop.core.models.tflite_export import export_tflites
    from inception_desktop.core.quiet import import_tensorflow

    target = converted_path(path, precision)
    if not target.is_file():
        if stage is not None:
            stage(f"converting {Path(path).name} for LiteRT, once")
        import_tensorflow()  # a user's .keras file needs Keras to be checked and converted
        missing = {p: converted_path(path, p) for p in PRECISIONS}
        missing = {p: t for p, t in missing.items() if not t.is_file()}
        export_tflites(serving_model(load_model(path)), INPUT_SHAPE, missing)
    return target


def _predictor(path: str | Path | None, chosen: str, precision: str = FP32) -> Predictor:
    from inception_desktop.core.models import runtime as runtimes
    from inception_desktop.core.models.mnist_file import load_model
    from inception_desktop.core.quiet import import_tensorflow

    if chosen == runtimes.LITERT:
        from inception_desktop.core.models.litert import LiteRTModel

        if path is None:
            with resource_path(MNIST_TFLITE_INT8 if precision == INT8 else MNIST_TFLITE) as tflite:
                return LiteRTModel(tflite)
        from inception_desktop.core.models import conversion

        if conversion.in_child_processes() and not converted_path(path, precision).is_file():
            return LiteRTModel(conversion.convert_in_child(path, precision=precision))
        return LiteRTModel(convert_keras(path, precision=precision))
    from inception_desktop.core.models.compiled import CompiledModel

    import_tensorflow()
    if path is None:
        with resource_path(MNIST_MODEL) as keras_file:
            model = load_model(keras_file)
    else:
        model = load_model(path)
    return CompiledModel(model, INPUT_SHAPE, np.uint8, _preprocess_for(model))
