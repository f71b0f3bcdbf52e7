"""Keeping TensorFlow's, absl's and LiteRT's native log lines off a person's terminal.

``TF_CPP_MIN_LOG_LEVEL`` does not reach the lines absl writes before its logging is initialised
(``WARNING: All log messages before absl::InitializeLog()…``, ``cuInit … UNKNOWN ERROR (303)``
on machines without a GPU), nor LiteRT's ``INFO: Created TensorFlow Lite XNNPACK delegate``. They
are written by C++ straight to file descriptor 2, so the few calls that print them run with fd 2
pointed at a temporary file; afterwards every line that is not such noise is written back, in
order. ``--verbose`` (``INCEPTION_DESKTOP_VERBOSE=1``) turns the filter off.

The redirection is process-wide for its short duration (an import, a model load): a line another
thread writes meanwhile is delayed, never lost. A long call (training for hours, whose progress
lines must show as they come) runs under :func:`native_stderr_filtered_live` instead: fd 2 goes
to a pipe that a thread reads line by line, passing on at once every line that is not noise.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import sys
import tempfile
import threading
from collections.abc import Iterator
from types import ModuleType
from typing import cast

VERBOSE_ENV = "INCEPTION_DESKTOP_VERBOSE"

#: Lines that native libraries print for their developers, not for our users.
NOISE = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog"
    r"|[IWEF]\d{4} [\d:.]+ +\d+ [\w.]+:\d+\]"
    r"|INFO: Created TensorFlow Lite"
    r"|INFO: Initialized TensorFlow Lite runtime"
    r"|oneDNN custom operations are on"
    r"|To enable the following instructions"
    r"|This TensorFlow binary is optimized"
    r"|WARNING:absl:)"
)

_lock = threading.RLock()


def verbose() -> bool:
    return os.environ.get(VERBOSE_ENV, "") not in ("", "0")


@contextlib.contextmanager
def native_stderr_filtered() -> Iterator[None]:
    """Run the body with native noise on fd 2 removed (see the module docstring)."""
    if verbose():
        yield
        return
    with _lock:  # nested or concurrent uses share one redirection
        sys.stderr.flush()
        saved = os.dup(2)
        try:
            with tempfile.TemporaryFile() as capture:
                os.dup2(capture.fileno(), 2)
                try:
                    yield
                finally:
                    with contextlib.suppress(Exception):
                        sys.stderr.flush()
                    os.dup2(saved, 2)
                    capture.seek(0)
                    text = capture.read().decode("utf-8", errors="replace")
                    kept = "".join(line for line in text.splitlines(True) if not NOISE.match(line))
                    if kept:
                        sys.stderr.write(kept)
                        sys.stderr.flush()
        finally:
            os.close(saved)


@contextlib.contextmanager
def native_stderr_filtered_live() -> Iterator[None]:
    """Run the body with native noise on fd 2 removed and every other line passed on as soon as
    it is complete: for calls that last minutes or hours, where a line that printed late would
    be a progress report that did not show (TensorFlow's tf.data writes an ``E0000 …
    node_def_util.cc`` line into a training run at its first validation)."""
    if verbose():
        yield
        return
    with _lock:
        sys.stderr.flush()
        saved = os.dup(2)
        read_end, write_end = os.pipe()

        def forward() -> None:
            with os.fdopen(read_end, "rb") as pipe:
                for line in pipe:  # ends when every copy of the write end is closed
                    if not NOISE.match(line.decode("utf-8", errors="replace")):
                        os.write(saved, line)

        reader = threading.Thread(target=forward, name="stderr-filter", daemon=True)
        reader.start()
        try:
            os.dup2(write_end, 2)
            os.close(write_end)
            yield
        finally:
            with contextlib.suppress(Exception):
                sys.stderr.flush()
            os.dup2(saved, 2)  # closes the pipe's last write end: the reader sees its end
            reader.join(timeout=10)
            if not reader.is_alive():  # (a child that inherited the pipe keeps it open: the
                os.close(saved)  # reader then lives on, writing to ``saved`` until it ends)


def import_tensorflow() -> ModuleType:
    """``import tensorflow`` (and Keras), quietly; a no-op once imported.

    Call it before the first ``import tensorflow``/``import keras`` of a code path: the noise is
    printed by the first import and by the first look for a GPU, both done here.
    """
    if "tensorflow" in sys.modules and "keras" in sys.modules:
        return sys.modules["tensorflow"]
    if not verbose():
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with native_stderr_filtered():
        import keras  # noqa: F401  (imports TensorFlow as its backend)
        import tensorflow as tf

        tf.config.list_physical_devices("GPU")
        with contextlib.suppress(ImportError):
            from absl import logging as absl_logging

            absl_logging.set_verbosity(absl_logging.ERROR)
    # TensorFlow's ~420,000 objects live as long as the process: frozen, no full collection
    # scans them again (175 ms each with them, on the window's GUI thread; its garbage_collector).
    gc.freeze()
    return cast(ModuleType, tf)
