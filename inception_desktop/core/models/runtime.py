"""Which runtime computes a model: LiteRT on the CPU, TensorFlow on a GPU or on request.

LiteRT (``ai-edge-litert``, TensorFlow's own on-device runtime with XNNPACK kernels) starts in a
tenth of a second and runs Inception v3 as fast as our traced TensorFlow call, in a third of the
memory; TensorFlow takes ~3 s to import. So ``auto`` picks LiteRT unless a CUDA GPU is present —
detected from the driver's files, without importing TensorFlow.
"""

from __future__ import annotations

import ctypes.util
import os
from pathlib import Path

from inception_desktop.core.errors import InceptionDesktopError

AUTO, LITERT, TENSORFLOW = "auto", "litert", "tensorflow"
CHOICES = (AUTO, LITERT, TENSORFLOW)
ENV = "INCEPTION_DESKTOP_RUNTIME"
#: Shown to people: the runtime's own names.
NAMES = {LITERT: "LiteRT", TENSORFLOW: "TensorFlow"}


class RuntimeChoiceError(InceptionDesktopError, ValueError):
    """An unknown runtime name."""


def cuda_gpu_present() -> bool:
    """True when an NVIDIA driver with a device is installed (``/dev/nvidiactl`` + ``libcuda``)."""
    return Path("/dev/nvidiactl").exists() and ctypes.util.find_library("cuda") is not None


def resolve(choice: str | None = None) -> str:
    """``litert`` or ``tensorflow`` for ``choice``.

    None means ``$INCEPTION_DESKTOP_RUNTIME``, else ``auto``.
    """
    choice = (choice or os.environ.get(ENV) or AUTO).lower()
    if choice not in CHOICES:
        raise RuntimeChoiceError(f"runtime must be one of {', '.join(CHOICES)}, got {choice!r}")
    if choice == AUTO:
        return TENSORFLOW if cuda_gpu_present() else LITERT
    return choice


def cpu_threads() -> int:
    """Threads for LiteRT's CPU kernels: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


#: Photos a network call on LiteRT: fastest at 4-8 on a CPU (Inception int8 7.4-7.7 ms a photo
#: against 8.4 at 16; float32 24.9 at 8 against 25.2 at 16, on two cores).
LITERT_BATCH = 8
#: Photos a network call on TensorFlow, which ``auto`` picks on a GPU: larger batches fill it.
TENSORFLOW_BATCH = 16


def batch_size(runtime: str) -> int:
    """Photos a network call for a model whose ``runtime`` is described as the status bar does
    (``CPU · LiteRT · int8 · 2 threads``)."""
    return LITERT_BATCH if NAMES[LITERT] in runtime else TENSORFLOW_BATCH
