"""core.quiet's live filter: native noise removed from fd 2, other lines passed on as they come."""

from __future__ import annotations

import os
import selectors
import subprocess
import sys

from inception_desktop.core.quiet import VERBOSE_ENV

CHILD = r"""
import os, sys
from inception_desktop.core.quiet import native_stderr_filtered_live
with native_stderr_filtered_live():
    os.write(2, b"E0000 00:00:1795554674.212139   24839 node_def_util.cc:682] NodeDef mentions\n")
    os.write(2, b"epoch 1/5: loss 0.68\n")  # native writes, as TensorFlow's C++ makes them
    print("batches: 3/430", file=sys.stderr, flush=True)  # and Python's own
    sys.stdin.readline()  # held open until the parent has read both lines
    os.write(2, b"W0000 00:00:1795554674.212139   24839 cuda_platform.cc:52] cuInit\n")
print("after", file=sys.stderr, flush=True)
"""


def _line(stream, timeout: float = 20.0) -> str:
    """One line of ``stream`` within ``timeout`` s, or "" (the test then fails, not hangs)."""
    selector = selectors.DefaultSelector()
    selector.register(stream, selectors.EVENT_READ)
    line = b""
    while not line.endswith(b"\n") and selector.select(timeout):
        byte = os.read(stream.fileno(), 1)
        if not byte:
            break
        line += byte
    return line.decode()


def test_lines_pass_while_the_body_runs_and_noise_never_does():
    env = {k: v for k, v in os.environ.items() if k != VERBOSE_ENV}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert child.stdin is not None and child.stderr is not None
    try:
        # Read before the body ends: a filter that held lines back until then would time out.
        assert _line(child.stderr) == "epoch 1/5: loss 0.68\n"
        assert _line(child.stderr) == "batches: 3/430\n"
        child.stdin.write(b"go\n")
        child.stdin.close()
        rest = child.stderr.read().decode()
        assert child.wait(timeout=20) == 0
    finally:
        child.kill()
    assert rest == "after\n"  # the noise after the read is gone too, and fd 2 is restored


def test_verbose_passes_the_noise_through():
    env = {**os.environ, VERBOSE_ENV: "1"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD], input=b"go\n", capture_output=True, env=env, timeout=30
    )
    assert done.returncode == 0
    assert b"node_def_util.cc" in done.stderr and b"cuInit" in done.stderr
