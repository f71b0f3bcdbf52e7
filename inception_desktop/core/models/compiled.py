"""A Keras model behind compiled TensorFlow functions with fixed input signatures.

``Model.predict`` builds a dataset, a progress bar and a callback list on every call: tens of
milliseconds of overhead per image, which an interactive app pays at every stroke. Here one
``tf.function`` with a fixed single-image signature is traced once, at load, so a call costs what
the network costs; a second one with a free batch dimension serves batches.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np


class CompiledModel:
    """Calls ``model(preprocess(x), training=False)`` through traced functions.

    Args:
        model: a Keras model.
        input_shape: the shape of one input, without the batch dimension.
        dtype: the dtype inputs arrive in (uint8 pixels: preprocessing runs inside the graph).
        preprocess: a TensorFlow function applied to the batch inside the graph.
    """

    def __init__(
        self,
        model: Any,
        input_shape: tuple[int, ...],
        dtype: Any,
        preprocess: Callable[[Any], Any],
    ) -> None:
        import tensorflow as tf

        from inception_desktop.core.models.device import describe_device

        self.model = model
        #: Where it computes, for people: "CPU · TensorFlow" or "GPU · TensorFlow · <name>".
        self.runtime = describe_device()
        self.input_shape = tuple(input_shape)
        self.dtype = np.dtype(dtype)
        tf_dtype = tf.as_dtype(self.dtype)

        def forward(x: Any) -> Any:
            return model(preprocess(x), training=False)

        self._single = tf.function(
            forward,
            input_signature=[tf.TensorSpec((1, *self.input_shape), tf_dtype)],
            reduce_retracing=True,
        )
        self._batch = tf.function(
            forward, input_signature=[tf.TensorSpec((None, *self.input_shape), tf_dtype)]
        )
        self.warm_up()

    def warm_up(self) -> float:
        """Trace and run once so the first real call is not slow; returns the milliseconds."""
        started = time.perf_counter()
        self.predict(np.zeros(self.input_shape, self.dtype))
        return (time.perf_counter() - started) * 1000

    def prepare(self, batch: int) -> None:
        """Trace the batch function now (without running it), so a folder's first batch does
        not pay for the tracing; any batch size shares the one trace."""
        self._batch.get_concrete_function()

    def _check(self, array: np.ndarray, batched: bool) -> np.ndarray:
        array = np.asarray(array)
        shape = array.shape[1:] if batched else array.shape
        if tuple(shape) != self.input_shape:
            raise ValueError(f"input shape {array.shape}, expected {self.input_shape}")
        return np.ascontiguousarray(array, dtype=self.dtype)

    def predict(self, array: np.ndarray) -> np.ndarray:
        """Scores for one input of ``input_shape``."""
        x = self._check(array, batched=False)[None]
        return np.asarray(self._single(x).numpy()[0])

    def predict_batch(self, arrays: np.ndarray, batch_size: int = 32) -> np.ndarray:
        """Scores for a stack of inputs, ``batch_size`` at a time."""
        arrays = self._check(arrays, batched=True)
        if len(arrays) == 0:
            return np.zeros((0, *self.model.outputs[0].shape[1:]), np.float32)
        return np.concatenate(
            [
                self._batch(arrays[i : i + batch_size]).numpy()
                for i in range(0, len(arrays), batch_size)
            ]
        )
