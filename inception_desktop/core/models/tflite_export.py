"""Converting a Keras model to a ``.tflite`` file for LiteRT (needs TensorFlow; done once).

Keras 3 keeps its variables where a plain ``tf.Module`` does not see them: converting a traced
function directly produced a 300 KB file without weights and NaN scores. Keras' own
``ExportArchive`` tracks them, so the route is ExportArchive → SavedModel → ``TFLiteConverter``
(as ``keras.Model.export(format="litert")`` does), with our input signature: uint8 pixels with a
free batch dimension, preprocessing inside the graph.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from inception_desktop.core.quiet import import_tensorflow, native_stderr_filtered
from inception_desktop.core.store import atomic

#: Receives one line saying which stage a conversion is in.
StageCallback = Callable[[str], None]


def export_tflite(
    model: Any,
    input_shape: tuple[int, ...],
    path: str | Path,
    stage: StageCallback | None = None,
) -> Path:
    """Write ``model`` (uint8 input of ``input_shape``, dict of named outputs) to ``path``.

    The file appears atomically: a reader never sees a half-written model.
    """
    tf = import_tensorflow()
    import keras

    path = Path(path)
    atomic.check_output_file(path)  # before a minute of work, not after
    signature = [tf.TensorSpec((None, *input_shape), tf.uint8, name="pixels")]
    with native_stderr_filtered(), tempfile.TemporaryDirectory() as saved:
        if stage:
            stage("tracing the network")
        archive = keras.export.ExportArchive()
        archive.track(model)
        archive.add_endpoint(
            "serve", lambda pixels: model(pixels, training=False), input_signature=signature
        )
        archive.write_out(saved, verbose=False)
        if stage:
            stage("converting for LiteRT")
        converter = tf.lite.TFLiteConverter.from_saved_model(saved)
        data = converter.convert()
    return atomic.write_bytes(path, data)


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
