"""A converted ``.tflite`` model on LiteRT's CPU interpreter, with the calls the app makes.

It answers like :class:`~.compiled.CompiledModel` (``predict`` for one input, ``predict_batch``
for a stack), so a :class:`~.classifier.Classifier` does
not care which runtime computes it. Preprocessing is part of the converted graph: inputs are the
uint8 pixels the framing produced. Importing this module does not import TensorFlow.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from inception_desktop.core.errors import InceptionDesktopError
from inception_desktop.core.models.precision import FP32, INT8, NAMES
from inception_desktop.core.models.runtime import cpu_threads
from inception_desktop.core.quiet import native_stderr_filtered
from inception_desktop.core.store.regular_files import UnreadableFileError, check_regular_file

SCORES, FEATURES = "scores", "features"
#: Largest ``.tflite`` accepted: Inception v3 with a head is about 95 MB, its int8 twin a quarter.
MAX_TFLITE_BYTES = 400_000_000


class LiteRTFileError(InceptionDesktopError, ValueError):
    """A ``.tflite`` path that is not a regular file of a model's size (``ValueError`` too, as
    the interpreter's own refusals are)."""


class LiteRTModel:
    """One interpreter (not thread-safe: one worker thread owns it), XNNPACK on ``threads`` cores.

    Args:
        path: a ``.tflite`` file whose default signature takes one uint8 input with a free batch
            dimension and returns named outputs (``scores``, and ``features`` for Inception v3).
        threads: CPU threads for the kernels; default: the cores this process may use.
    """

    def __init__(self, path: str | Path, threads: int | None = None) -> None:
        from ai_edge_litert.interpreter import Interpreter

        self.path = Path(path)
        try:  # the interpreter reads the whole file: a FIFO would hang it, a giant take seconds
            check_regular_file(self.path, MAX_TFLITE_BYTES)
        except UnreadableFileError as exc:
            raise LiteRTFileError(f"{self.path}: {exc.reason}") from None
        self.threads = threads or cpu_threads()
        with native_stderr_filtered():
            self._interpreter = Interpreter(model_path=str(self.path), num_threads=self.threads)
        # The default signature names the tensors; it is then called through the interpreter
        # itself, which (unlike a held signature runner) may be resized without running it.
        runner = self._interpreter.get_signature_runner()
        inputs, outputs = runner.get_input_details(), runner.get_output_details()
        del runner
        if len(inputs) != 1:
            raise ValueError(f"{self.path}: expected one input, found {sorted(inputs)}")
        ((_, detail),) = inputs.items()
        self._input_index = int(detail["index"])
        self.input_shape = tuple(int(d) for d in detail["shape_signature"][1:])
        self.dtype = np.dtype(detail["dtype"])
        self._output_index = {name: int(outputs[name]["index"]) for name in sorted(outputs)}
        self.outputs = tuple(self._output_index)
        if SCORES not in self.outputs:
            raise ValueError(f"{self.path}: no '{SCORES}' output (has {', '.join(self.outputs)})")
        # Tensor indices are the signature's subgraph's; calls go to the main one (subgraph 0).
        main_inputs = {d["index"] for d in self._interpreter.get_input_details()}
        main_outputs = {d["index"] for d in self._interpreter.get_output_details()}
        if self._input_index not in main_inputs or not main_outputs >= set(
            self._output_index.values()
        ):
            raise ValueError(f"{self.path}: its default signature is not on the main graph")
        #: ``fp32`` or ``int8``, read from the file itself (int8 weights: a quantized twin), so
        #: what a person is told is what computed.
        self.precision = precision_of(self._interpreter)
        self.runtime = (
            f"CPU · LiteRT · {NAMES[self.precision]} · "
            f"{self.threads} thread{'s' if self.threads > 1 else ''}"
        )
        # Nothing allocated yet: the first call (or prepare) allocates and packs the weights
        # once, so a window's first photo is not kept waiting behind a dummy one.
        self._batch: int | None = None
        self._operators: list[Any] | None = None

    def operators(self) -> list[Any]:
        """The main graph's operators with their options (:mod:`.litert_graph`), read once."""
        if self._operators is None:
            from inception_desktop.core.models.litert_graph import read_operators

            self._operators = read_operators(self.path)
        return self._operators

    def constant(self, index: int) -> np.ndarray:
        """Constant tensor ``index`` (a weight, a bias) in float32, int8 ones dequantized."""
        from inception_desktop.core.models.litert_graph import dequantized

        self.prepare(self._batch or 1)  # constants are readable once the tensors are allocated
        return dequantized(self._interpreter, index)

    def tensor_shape(self, index: int) -> tuple[int, ...]:
        """Tensor ``index``'s shape at the batch size last prepared (1 before any call)."""
        self.prepare(self._batch or 1)
        return tuple(int(d) for d in self._interpreter.get_tensor_details()[index]["shape"])

    def output_tensor(self, name: str) -> int:
        """The main graph's tensor index of output ``name``."""
        return self._output_index[name]

    def warm_up(self) -> float:
        """Allocate and run once, for callers that time later calls; returns the milliseconds."""
        started = time.perf_counter()
        self.run(np.zeros((1, *self.input_shape), self.dtype))
        return (time.perf_counter() - started) * 1000

    def prepare(self, batch: int) -> None:
        """Size the interpreter for ``batch`` inputs without running it.

        XNNPACK packs the weights when tensors are first allocated (~0.3 s for Inception v3 on
        two cores); done here, a caller that is about to classify a folder pays it as part of
        loading the model instead of inside its first batch of photos.
        """
        if batch != self._batch:
            shape = np.array((batch, *self.input_shape), np.int32)
            first = self._batch is None  # the delegate announces itself on first allocation
            with native_stderr_filtered() if first else contextlib.nullcontext():
                self._interpreter.resize_tensor_input(self._input_index, shape)
                self._interpreter.allocate_tensors()
            self._batch = batch

    def _check(self, arrays: np.ndarray) -> np.ndarray:
        arrays = np.asarray(arrays)
        if arrays.ndim == 0 or tuple(arrays.shape[1:]) != self.input_shape:
            raise ValueError(f"input shape {arrays.shape[1:]}, expected {self.input_shape}")
        return np.ascontiguousarray(arrays, dtype=self.dtype)

    def run(
        self, arrays: np.ndarray, names: Sequence[str] | None = None
    ) -> dict[str, np.ndarray]:
        """Every output for a batch (N, *input_shape), or the outputs ``names``, as fresh arrays
        (Inception's ``mixed10`` is 0.5 MB a photo: a caller that wants scores need not copy
        it)."""
        arrays = self._check(arrays)
        self.prepare(len(arrays))
        self._interpreter.set_tensor(self._input_index, arrays)
        self._interpreter.invoke()
        wanted = self.outputs if names is None else names
        return {name: self._interpreter.get_tensor(self._output_index[name]) for name in wanted}

    def predict(self, array: np.ndarray) -> np.ndarray:
        """Scores for one input of ``input_shape``."""
        return np.asarray(self.run(np.asarray(array)[None])[SCORES][0])

    def predict_batch(self, arrays: np.ndarray, batch_size: int = 16) -> np.ndarray:
        """Scores for a stack of inputs, ``batch_size`` at a time."""
        return self.outputs_batch(arrays, batch_size, (SCORES,))[SCORES]

    def dense_layer(self) -> tuple[np.ndarray, np.ndarray]:
        """The last fully connected layer's kernel (inputs, outputs) and bias, in float32 (an
        int8 kernel dequantized with its per-channel scales; a bias the converter dropped
        because it was zero comes back as zeros): what a closed-form gradient needs."""
        self.prepare(self._batch or 1)  # constants are readable once the tensors are allocated
        ops = [o for o in self._interpreter._get_ops_details() if o["op_name"] == "FULLY_CONNECTED"]
        if not ops:
            raise ValueError(f"{self.path}: no fully connected layer")
        details = self._interpreter.get_tensor_details()
        _, weights, bias = [*ops[-1]["inputs"], -1][:3]
        kernel = self._interpreter.get_tensor(weights).astype(np.float32)
        scales = details[weights]["quantization_parameters"]["scales"]
        if scales.size:  # int8 rows, one scale per output (quantized dimension 0)
            kernel *= (scales if scales.size > 1 else scales[:1]).astype(np.float32)[:, None]
        if bias >= 0:
            offset = self._interpreter.get_tensor(bias).astype(np.float32)
        else:
            offset = np.zeros(len(kernel), np.float32)
        return np.ascontiguousarray(kernel.T), offset

    def outputs_batch(
        self, arrays: np.ndarray, batch_size: int = 16, names: Sequence[str] | None = None
    ) -> dict[str, np.ndarray]:
        """Every output (or the outputs ``names``) for a stack of inputs, ``batch_size`` at a
        time."""
        arrays = self._check(arrays)
        wanted = tuple(self.outputs if names is None else names)
        if len(arrays) == 0:
            return {name: np.zeros((0,), np.float32) for name in wanted}
        parts = [
            self.run(arrays[i : i + batch_size], wanted)
            for i in range(0, len(arrays), batch_size)
        ]
        if len(parts) == 1:
            return parts[0]
        return {name: np.concatenate([p[name] for p in parts]) for name in wanted}


def precision_of(interpreter: Any) -> str:
    """``int8`` when the model holds 8-bit integer tensors (its weights, quantized), else
    ``fp32``."""
    int8 = (np.int8, np.uint8)
    for detail in interpreter.get_tensor_details():
        if detail["dtype"] in int8 and detail["quantization_parameters"]["scales"].size:
            return INT8
    return FP32
