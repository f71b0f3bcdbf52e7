"""Which precision a model computes in: float32 (the default) or its int8 twin on LiteRT.

Every model the app runs has an int8 twin: the same graph converted for LiteRT with
dynamic-range quantization (``TFLiteConverter`` with ``Optimize.DEFAULT`` and no calibration
data): weights stored as int8, activations quantized on the fly per batch, so the convolutions run
as 8-bit integer products (XNNPACK's QS8 kernels, VNNI/AMX where the CPU has them). Measured on
our 2-core AVX-512 machine for Inception v3 (batches of 8, ``benchmarks/precision.py``) it was the
fastest of the quantizations tried and needs no calibration photos, which the app does not have
for a user's model; full-integer quantization was slower there (its quantize/dequantize around
the float ops) and float16 weights no faster than float32.

The choice is made in one place, like the runtime's (:mod:`.runtime`): ``--precision``, else
``$INCEPTION_DESKTOP_PRECISION``, else float32. int8 runs on LiteRT only.
"""

from __future__ import annotations

import os

from inception_desktop.core.errors import InceptionDesktopError

FP32, INT8 = "fp32", "int8"
CHOICES = (FP32, INT8)
ENV = "INCEPTION_DESKTOP_PRECISION"
#: Shown to people.
NAMES = {FP32: "float32", INT8: "int8"}


class PrecisionChoiceError(InceptionDesktopError, ValueError):
    """An unknown precision name, or int8 asked of TensorFlow."""


def resolve(choice: str | None = None) -> str:
    """``fp32`` or ``int8`` for ``choice``; None means ``$INCEPTION_DESKTOP_PRECISION``, else
    ``fp32``."""
    choice = (choice or os.environ.get(ENV) or FP32).lower()
    if choice not in CHOICES:
        raise PrecisionChoiceError(f"precision must be one of {', '.join(CHOICES)}, got {choice!r}")
    return choice


def suffix(precision: str) -> str:
    """What a converted file's name carries for ``precision``: nothing for float32 (the files
    converted before int8 existed keep their names), ``.int8`` for int8."""
    return "" if resolve(precision) == FP32 else f".{INT8}"


def runtime_for(runtime: str | None, precision: str | None) -> str:
    """The runtime (``litert`` or ``tensorflow``, :func:`.runtime.resolve`) that serves
    ``precision``: int8 is a LiteRT model, so ``auto`` becomes LiteRT for it even where a GPU
    would pick TensorFlow, and an explicit ``tensorflow`` is refused."""
    from inception_desktop.core.models import runtime as runtimes

    if resolve(precision) == FP32:
        return runtimes.resolve(runtime)
    asked = (runtime or os.environ.get(runtimes.ENV) or runtimes.AUTO).lower()
    if asked == runtimes.TENSORFLOW:
        raise PrecisionChoiceError(
            "int8 models run on LiteRT: use --runtime litert (or auto) with --precision int8",
            "int8 runs on LiteRT only",
        )
    runtimes.resolve(asked)  # an unknown name is refused as such
    return runtimes.LITERT
