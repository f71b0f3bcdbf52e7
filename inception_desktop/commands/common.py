"""Small helpers the commands share: help text, messages and progress on stderr (stdout holds
results)."""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
import time
from typing import Any

#: Sphinx roles (``:class:`~a.b.C```) and RST literals (````x````): docstrings double as help
#: texts, and a terminal shows markup literally.
_ROLE = re.compile(r":[a-z]+:`~?(?:[\w.]+\.)?([^`]+)`")
_LITERAL = re.compile(r"``([^`]+)``")


def plain(text: str) -> str:
    """``text`` with RST markup removed: roles become their last name, literals lose their
    backticks (``a`` → a), so a module docstring reads well in ``--help``."""
    return _LITERAL.sub(r"\1", _ROLE.sub(r"\1", text))


class HelpFormatter(argparse.HelpFormatter):
    """Help that a person reads in a terminal: plain text (no RST), paragraphs kept, and every
    option's default shown.

    A default is added as "(default: X)" unless the help already names it (says "default" or
    ends with "(X)"), or there is nothing to say (None, False, a flag).
    """

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32, width=min(100, _terminal_width()))

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        """Re-flow each paragraph; an indented line (a list item) or a line ending with ":"
        keeps its own line, wrapped under its own indentation."""
        out: list[str] = []
        for paragraph in re.split(r"\n\s*\n", plain(text).strip("\n")):
            blocks: list[list[str]] = []
            for line in paragraph.splitlines():
                if not blocks or line[:1].isspace() or blocks[-1][-1].endswith(":"):
                    blocks.append([line])
                else:
                    blocks[-1].append(line.strip())
            lines = []
            for block in blocks:
                lead = indent + block[0][: len(block[0]) - len(block[0].lstrip())]
                lines.append(
                    textwrap.fill(
                        " ".join(" ".join(block).split()),
                        width,
                        initial_indent=lead,
                        subsequent_indent=lead + ("    " if lead != indent else ""),
                    )
                )
            out.append("\n".join(lines))
        return "\n\n".join(out)

    def _get_help_string(self, action: argparse.Action) -> str:
        text = plain(action.help or "")
        default = action.default
        if (
            not action.option_strings
            or default is None
            or default is False
            or default is argparse.SUPPRESS
            or isinstance(action, argparse._StoreConstAction)
            or "default" in text.lower()
            or "%(default)" in text
        ):
            return text
        shown = (
            default.name if hasattr(default, "name") and not isinstance(default, str) else default
        )
        if text.rstrip().endswith(f"({shown})"):
            return text
        return f"{text} (default: %(default)s)" if text else "default: %(default)s"


def _terminal_width() -> int:
    import shutil

    return max(60, shutil.get_terminal_size((100, 24)).columns - 2)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that formats its help with :class:`HelpFormatter` (the commands'
    parsers are made through it: ``add_subparsers(parser_class=Parser)``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)


def err(message: str) -> None:
    """One line for a person on stderr."""
    print(message, file=sys.stderr, flush=True)


class ProgressLine:
    """Progress of long work on stderr: one rewritten line on a terminal, sparse lines otherwise.

    Counts (``unit=""``) read ``classifying: 3/5 (60%), 1 failed`` and, at the end, ``5/5 done,
    4 failed``: a run where most inputs failed never reads as a clean 100%. Bytes (``unit="B"``)
    read ``38.4 MB of 96.1 MB (40%), 5.2 MB/s, 11 s left`` (SI units, as everywhere in the app).
    """

    def __init__(
        self, label: str, total: int | None = None, unit: str = "", min_interval: float = 2.0
    ) -> None:
        """``min_interval``: seconds between lines when stderr is not a terminal (a log file)."""
        from inception_desktop.core.store.download import TransferMeter  # light: no network

        self.label = label
        self.min_interval = min_interval
        self.total = total
        self.unit = unit
        self.tty = sys.stderr.isatty()
        self.meter = TransferMeter()
        self._last = 0.0

    def update(
        self, done: float, total: float | None = None, detail: str = "", failed: int = 0
    ) -> None:
        """``failed``: how many of the ``done`` items failed (counts only)."""
        total = total if total is not None else self.total
        if self.unit == "B":
            self.meter.update(int(done), int(total) if total else None)
        now = time.monotonic()
        finished = total is not None and done >= total
        if not finished and now - self._last < (0.1 if self.tty else self.min_interval):
            return
        self._last = now
        text = f"{self.label}: {self._amount(done, total, failed, finished)}"
        if detail:
            text += f" {detail}"
        if self.tty:
            sys.stderr.write("\r\033[K" + text)
            if finished:
                sys.stderr.write("\n")
            sys.stderr.flush()
        else:
            err(text)

    def _amount(self, done: float, total: float | None, failed: int, finished: bool) -> str:
        if self.unit == "B":
            return self.meter.describe()
        if not total:
            amount = f"{int(done)}"
        elif finished:
            amount = f"{int(done)}/{int(total)} done"
        else:
            amount = f"{int(done)}/{int(total)} ({done / total:.0%})"
        return amount + (f", {failed} failed" if failed else "")

    def close(self) -> None:
        if self.tty:
            sys.stderr.write("\n")
            sys.stderr.flush()


#: ``--framing``'s help: what each choice does to a photo that is not square.
FRAMING_HELP = (
    "how a photo becomes the network's square input: pad = the whole photo, letterboxed with "
    "--pad-color (nothing lost, nothing distorted); crop = the centre square (the edges are "
    "lost); squash = the whole photo stretched to a square (shapes distorted)"
)


def add_framing_arguments(parser: argparse.ArgumentParser, verb: str) -> None:
    """``--framing``, ``--box`` and ``--pad-color``: how a photo becomes the network input
    (``verb`` says what the box limits: "classify", "explain")."""
    from inception_desktop.core.photo.framing_modes import DEFAULT_MODE, MODES

    parser.add_argument("--framing", choices=MODES, default=DEFAULT_MODE, help=FRAMING_HELP)
    parser.add_argument(
        "--box",
        metavar="X,Y,W,H",
        help=f"{verb} only this rectangle, in the original image's pixels (before framing)",
    )
    parser.add_argument(
        "--pad-color", default="128,128,128", help="padding colour (name, #rrggbb, R,G,B)"
    )


def add_runtime_argument(parser: argparse.ArgumentParser) -> None:
    """``--runtime auto|litert|tensorflow`` (``core.models.runtime`` is light)."""
    from inception_desktop.core.models.runtime import CHOICES

    parser.add_argument(
        "--runtime",
        choices=CHOICES,
        default=None,
        help="where models run: auto = TensorFlow when a CUDA GPU is present, else LiteRT (or "
        "$INCEPTION_DESKTOP_RUNTIME); litert = LiteRT on the CPU (fast start, small memory); "
        "tensorflow = TensorFlow, on a GPU when there is one (default: auto)",
    )


def add_precision_argument(parser: argparse.ArgumentParser) -> None:
    """``--precision fp32|int8`` (``core.models.precision`` is light)."""
    from inception_desktop.core.models.precision import CHOICES

    parser.add_argument(
        "--precision",
        choices=CHOICES,
        default=None,
        help="fp32 = the float32 model (default, or $INCEPTION_DESKTOP_PRECISION); int8 = its "
        "int8 twin on LiteRT: several times faster on a CPU with 8-bit instructions, a quarter "
        "of the size, some answers differ ('inception-desktop precision PHOTOS' measures it)",
    )


def print_result(out: Any) -> None:
    """A command's result as indented JSON on stdout (ASCII only: any terminal carries it)."""
    import json

    print(json.dumps(out, indent=2, ensure_ascii=True), flush=True)


class EventStream:
    """Machine-readable progress, one JSON object a line on stdout, when ``enabled`` (``--events``).

    Each line has ``"event"``: ``stage`` (a slow step's text), ``progress`` (stage, done, total),
    ``epoch`` (epoch, logs), ``stopping``, ``error`` (message) and, last, ``done`` (result). The
    window reads it to show a child process's work (see ``gui.runtime.child_job``); a person's
    lines stay on stderr either way."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def emit(self, event: str, **fields: Any) -> None:
        if not self.enabled:
            return
        import json

        line = json.dumps({"event": event, **fields}, ensure_ascii=True, default=_plain)
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def stage(self, text: str) -> None:
        """A slow step for a person (stderr) and, with events on, for the program reading."""
        err(f"{text}…")
        self.emit("stage", text=text)


def _plain(value: Any) -> Any:
    """numpy scalars and arrays, paths: as JSON has them."""
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


class StageProgress:
    """``progress(stage, done, total)`` of a core pipeline as a :class:`ProgressLine` per stage
    with the time left (and as ``progress`` events)."""

    def __init__(self, events: EventStream | None = None) -> None:
        self.events = events
        self._stage = ""
        self._bar: ProgressLine | None = None
        self._left: Any = None

    def update(self, stage: str, done: int, total: int) -> None:
        from inception_desktop.core.progress import TimeLeft

        if stage != self._stage or self._bar is None:
            self._stage, self._bar, self._left = stage, ProgressLine(stage, total), TimeLeft()
        self._bar.update(done, total, self._left.text(done, total))
        if self.events is not None:
            self.events.emit("progress", stage=stage, done=done, total=total)


def line(text: str) -> None:
    """Print one line that stdout's encoding can always carry (unknown characters escaped)."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    print(text.encode(encoding, "backslashreplace").decode(encoding))


def safe_stem(stem: str, max_bytes: int) -> str:
    """``stem`` as a portable file name part of at most ``max_bytes`` UTF-8 bytes: control
    characters, separators and bytes that are not UTF-8 become ``_``."""
    clean = "".join(
        "_" if 0xDC80 <= ord(ch) <= 0xDCFF or not ch.isprintable() or ch in "/\\" else ch
        for ch in stem
    )
    encoded = clean.encode("utf-8", "replace")[: max(1, max_bytes)]
    return encoded.decode("utf-8", "ignore") or "_"


class UniqueNames:
    """Hands out names never given before in this run: ``a``, then ``a-2``, ``a-3``…"""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def new(self, stem: str) -> str:
        name, n = stem, 1
        while name in self._used:
            n += 1
            name = f"{stem}-{n}"
        self._used.add(name)
        return name
