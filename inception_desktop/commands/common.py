"""Small helpers the commands share: messages and progress on stderr (stdout holds results)."""

from __future__ import annotations

import argparse
import sys
import time


def err(message: str) -> None:
    """One line for a person on stderr."""
    print(message, file=sys.stderr, flush=True)


class ProgressLine:
    """Progress of long work on stderr: one rewritten line on a terminal, sparse lines otherwise."""

    def __init__(
        self, label: str, total: int | None = None, unit: str = "", min_interval: float = 2.0
    ) -> None:
        """``min_interval``: seconds between lines when stderr is not a terminal (a log file)."""
        self.label = label
        self.min_interval = min_interval
        self.total = total
        self.unit = unit
        self.tty = sys.stderr.isatty()
        self._last = 0.0
        self._started = time.monotonic()

    def update(self, done: float, total: float | None = None, detail: str = "") -> None:
        total = total if total is not None else self.total
        now = time.monotonic()
        finished = total is not None and done >= total
        if not finished and now - self._last < (0.1 if self.tty else self.min_interval):
            return
        self._last = now
        if total:
            amount = f"{_fmt(done, self.unit)}/{_fmt(total, self.unit)}"
            text = f"{self.label}: {amount} ({done / total:.0%})"
        else:
            text = f"{self.label}: {_fmt(done, self.unit)}"
        if detail:
            text += f" {detail}"
        if self.tty:
            sys.stderr.write("\r\033[K" + text)
            if finished:
                sys.stderr.write("\n")
            sys.stderr.flush()
        else:
            err(text)

    def close(self) -> None:
        if self.tty:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _fmt(value: float, unit: str) -> str:
    if unit == "B":
        return f"{value / 1e6:.1f} MB"
    return f"{int(value)}"


def add_runtime_argument(parser: argparse.ArgumentParser) -> None:
    """``--runtime auto|litert|tensorflow`` (``core.models.runtime`` is light)."""
    from inception_desktop.core.models.runtime import CHOICES

    parser.add_argument(
        "--runtime",
        choices=CHOICES,
        default=None,
        help="where models run: LiteRT on the CPU, or TensorFlow (default: auto — TensorFlow "
        "when a CUDA GPU is present, else LiteRT; or $INCEPTION_DESKTOP_RUNTIME)",
    )
