"""One classified input as the window, the command line and the history all see it.

A :class:`Record` is small and plain (no pixels): a path, the top classes, the model and where it
ran, the framing, the time, or the error that stopped it. Writers, the class-folder planner and
the history store all take records, so a batch costs its rows, never its images.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Record:
    """A classified input (``error`` set and ``top`` empty when it could not be classified).

    ``top`` holds ``(label, score)`` pairs, best first, with the class index in ``indices``
    (kept apart so a record built from a history row without indices still works).
    """

    path: str
    top: tuple[tuple[str, float], ...] = ()
    indices: tuple[int, ...] = ()
    model: str = ""
    device: str = ""
    framing: str = ""
    box: tuple[float, float, float, float] | None = None
    ms: float | None = None
    error: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.top)

    @property
    def label(self) -> str:
        """The top-1 label ('' for an error)."""
        return self.top[0][0] if self.top else ""

    @property
    def score(self) -> float | None:
        return self.top[0][1] if self.top else None

    @classmethod
    def from_prediction(
        cls,
        path: str,
        result: Mapping[str, Any],
        framing: str,
        device: str = "",
        box: tuple[float, float, float, float] | None = None,
    ) -> Record:
        """From :meth:`Prediction.as_dict` (``model``, ``top`` of index/label/score, ``ms``)."""
        top = tuple((str(t["label"]), float(t["score"])) for t in result["top"])
        indices = tuple(int(t["index"]) for t in result["top"] if "index" in t)
        return cls(
            path,
            top,
            indices,
            str(result.get("model", "")),
            device,
            framing,
            box,
            float(result["ms"]) if result.get("ms") is not None else None,
        )

    def as_json(self) -> dict[str, Any]:
        """The command line's JSON object: ``path`` (and ``path_base64``), then ``error``, or
        ``model``, ``framing``, ``top`` (index, label, score) and ``ms``."""
        if not self.ok:
            return {**json_path(self.path), "error": unicode_text(self.error or "not classified")}
        top: list[dict[str, Any]] = []
        for n, (label, score) in enumerate(self.top):
            entry: dict[str, Any] = {"label": label, "score": score}
            if n < len(self.indices):
                entry = {"index": self.indices[n], **entry}
            top.append(entry)
        return {
            **json_path(self.path),
            "model": self.model,
            "framing": self.framing,
            "top": top,
            "ms": self.ms,
            **self.extra,  # what an option added: --unknown's "unknown" and "confidence"
        }


def csv_header(k: int) -> list[str]:
    """The CSV columns for records with up to ``k`` classes each.

    ``path`` is valid Unicode (bytes that are not UTF-8 become U+FFFD), so the last column,
    ``path_base64``, holds the name's exact bytes when it is not UTF-8 (empty otherwise), as
    JSON's ``path_base64`` does: without it such a file could not be found again. It comes last
    so that the columns before it keep their places.
    """
    columns = ["path", "error", "model", "device", "framing", "box", "ms"]
    for n in range(1, k + 1):
        columns += [f"label_{n}", f"score_{n}"]
    return [*columns, "path_base64"]


def csv_row(record: Record, k: int) -> list[str]:
    """One CSV row (see :func:`csv_header`); scores with 6 decimals, missing cells empty."""
    box = ",".join(f"{v:g}" for v in record.box) if record.box else ""
    row = [
        unicode_text(record.path),
        unicode_text(record.error or ""),
        record.model,
        record.device,
        record.framing,
        box,
        "" if record.ms is None else f"{record.ms:.2f}",
    ]
    for n in range(k):
        if n < len(record.top):
            label, score = record.top[n]
            row += [label, f"{score:.6f}"]
        else:
            row += ["", ""]
    return [*row, json_path(record.path).get("path_base64", "")]


def display_path(text: str) -> str:
    """A path (or message) on one printable line, whatever bytes the name holds.

    Bytes that are not UTF-8 (Python keeps them as surrogates ``\\udc80``-``\\udcff``) show as
    ``\\xNN``, the byte itself; newlines, tabs and other control characters as ``\\n``, ``\\t``,
    ``\\xNN`` (or ``\\uNNNN``). Everything else is shown as it is.
    """
    out: list[str] = []
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch.isprintable():
            out.append(ch)
        else:
            named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch)
            out.append(named or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"))
    return "".join(out)


def json_path(text: str) -> dict[str, str]:
    """The JSON fields naming a path: ``path`` is always valid Unicode (any byte that is not
    UTF-8 replaced by U+FFFD); when the name is not valid UTF-8, ``path_base64`` adds its exact
    bytes, base64-encoded, so a program can still open the file."""
    raw = os.fsencode(text)
    fields = {"path": raw.decode("utf-8", "replace")}
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        fields["path_base64"] = base64.b64encode(raw).decode("ascii")
    return fields


def unicode_text(text: str) -> str:
    """``text`` with stray surrogates (undecodable bytes) replaced, for JSON, CSV and SQLite."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
