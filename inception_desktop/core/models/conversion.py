"""Converting a model for LiteRT: here, or in a child process that keeps TensorFlow out of this one.

Converting Inception v3's weights (once per weights file) or a user's MNIST ``.keras`` file (once
per file) needs TensorFlow: ~2 GB that a process keeps once it has imported it. The window asks
for conversions in child processes (:func:`convert_in_child_processes`): the very command a
person would type, ``inception-desktop convert MODEL --events``, writes the cached ``.tflite``
(atomically) and the window's process only reads it. The command line converts in its own
process, which ends anyway.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from inception_desktop.core.errors import InceptionDesktopError

#: Receives a line per slow step.
Stage = Callable[[str], None]

_in_children = False


class ConversionError(InceptionDesktopError):
    """A conversion in a child process failed; the message is the child's."""


def convert_in_child_processes(on: bool = True) -> None:
    """From now on, this process converts models in child processes (the window calls it)."""
    global _in_children
    _in_children = on


def in_child_processes() -> bool:
    return _in_children


def convert_in_child(
    model: str | Path, stage: Stage | None = None, precision: str = "fp32"
) -> Path:
    """``classifiers.convert`` in a child process: ``inception-desktop convert MODEL --precision
    P --events``; the child's ``stage`` lines are passed on; its failure is a
    :class:`ConversionError`. Returns the ``.tflite`` in ``precision`` (both are made)."""
    command = [sys.executable, "-m", "inception_desktop", "convert", str(model)]
    command += ["--precision", precision, "--events"]
    # stderr to a file: TensorFlow can write more than a pipe holds while stdout is being read.
    with (
        tempfile.TemporaryFile("w+", errors="replace") as log,
        subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=log, text=True, errors="replace"
        ) as child,
    ):
        assert child.stdout is not None
        result, error = None, None
        for line in child.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            kind = event.get("event") if isinstance(event, dict) else None
            if kind == "stage" and stage is not None:
                stage(str(event.get("text", "")))
            elif kind == "done":
                result = event.get("result", {}).get("tflite")
            elif kind == "error":
                error = str(event.get("message", ""))
        code = child.wait()
        log.seek(0)
        errors = log.read()
    if code == 0 and result:
        return Path(result)
    last = error or next((ln for ln in reversed(errors.splitlines()) if ln.strip()), "")
    raise ConversionError(
        f"{model}: converting for LiteRT failed in its process (exit {code}): {last}",
        f"converting for LiteRT failed ({last})",
    )
