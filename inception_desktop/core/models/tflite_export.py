"""Converting a Keras model to a ``.tflite`` file for LiteRT (needs TensorFlow; done once).

Keras 3 keeps its variables where a plain ``tf.Module`` does not see them: converting a traced
function directly produced a 300 KB file without weights and NaN scores. Keras' own
``ExportArchive`` tracks them, so the route is ExportArchive → SavedModel → ``TFLiteConverter``
(as ``keras.Model.export(format="litert")`` does), with our input signature: uint8 pixels with a
free batch dimension, preprocessing inside the graph. ``precision`` ``int8`` converts the same
graph with dynamic-range quantization (see :mod:`.precision` for why that one).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from inception_desktop.core.models.precision import FP32, INT8, NAMES
from inception_desktop.core.models.precision import resolve as resolve_precision
from inception_desktop.core.quiet import import_tensorflow, native_stderr_filtered
from inception_desktop.core.store import atomic

#: Receives one line saying which stage a conversion is in.
StageCallback = Callable[[str], None]


def export_tflite(
    model: Any,
    input_shape: tuple[int, ...],
    path: str | Path,
    stage: StageCallback | None = None,
    precision: str = FP32,
) -> Path:
    """Write ``model`` (uint8 input of ``input_shape``, dict of named outputs) to ``path``, in
    ``precision`` (``fp32``, or ``int8``: int8 weights, dynamic-range quantization).

    The file appears atomically: a reader never sees a half-written model.
    """
    precision = resolve_precision(precision)
    return export_tflites(model, input_shape, {precision: path}, stage)[precision]


def export_tflites(
    model: Any,
    input_shape: tuple[int, ...],
    paths: Mapping[str, str | Path],
    stage: StageCallback | None = None,
) -> dict[str, Path]:
    """:func:`export_tflite` in several precisions (``{precision: path}``) from one trace: the
    trace is most of a conversion's time, each precision's converter a few seconds more."""
    targets = {resolve_precision(p): Path(path) for p, path in paths.items()}
    tf = import_tensorflow()
    import keras

    for path in targets.values():
        atomic.check_output_file(path)  # before a minute of work, not after
    signature = [tf.TensorSpec((None, *input_shape), tf.uint8, name="pixels")]
    written: dict[str, Path] = {}
    with native_stderr_filtered(), tempfile.TemporaryDirectory() as saved:
        if stage:
            stage("tracing the network")
        archive = keras.export.ExportArchive()
        archive.track(model)
        archive.add_endpoint(
            "serve", lambda pixels: model(pixels, training=False), input_signature=signature
        )
        archive.write_out(saved, verbose=False)
        for precision, path in targets.items():
            if stage:
                stage(f"converting for LiteRT in {NAMES[precision]}")
            converter = tf.lite.TFLiteConverter.from_saved_model(saved)
            if precision == INT8:  # no representative data: dynamic-range quantization
                converter.optimizations = [tf.lite.Optimize.DEFAULT]
            written[precision] = atomic.write_bytes(path, converter.convert())
    return written


def uint8_wrapper(
    model: Any,
    outputs: dict[str, Any] | None,
    scale: float,
    offset: float,
    input_shape: tuple[int, ...] | None = None,
) -> Any:
    """A model taking uint8 pixels: ``pixels * scale + offset`` in float32, then ``outputs``.

    ``outputs`` maps output names to tensors of ``model``'s graph (e.g. a pooling layer's output
    beside the scores); None means the model's own output, named ``scores``. ``input_shape``
    (default: the model's) lets (28, 28) pixels feed a (28, 28, 1) model: they are reshaped
    inside the graph.
    """
    import keras

    model_shape = tuple(model.inputs[0].shape[1:])
    pixels = keras.Input(input_shape or model_shape, dtype="uint8", name="pixels")
    x = keras.layers.Rescaling(scale, offset=offset)(keras.ops.cast(pixels, "float32"))
    if tuple(x.shape[1:]) != model_shape:
        x = keras.layers.Reshape(model_shape)(x)
    if outputs is None:
        return keras.Model(pixels, {"scores": model(x)})
    return keras.Model(pixels, keras.Model(model.inputs, outputs)(x))
