"""Writing records as they come: a table for people, JSON, CSV, or JSON Lines for programs.

Every writer streams: it writes each record when it gets it and keeps none, so a million-photo
folder is written in constant memory (JSON included: the array is written element by element,
with exactly the layout ``json.dump(records, indent=2)`` gives). JSON Lines is one object per
line, flushed as it is written, so a consumer (or ``tail -f``) sees each result at once, and
shards' outputs merge with ``cat``. Paths are shown with :func:`display_path` in the table and
given as ``path`` (+ ``path_base64`` for names that are not UTF-8) elsewhere; JSON is ASCII.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Protocol

from inception_desktop.core.batch.records import (
    Record,
    csv_header,
    csv_row,
    display_path,
)

FORMATS = ("table", "json", "csv", "jsonl")


class Sink(Protocol):
    """Where a writer's text goes (a text file, stdout, or a wrapper of it)."""

    def write(self, text: str, /) -> object: ...

    def flush(self) -> None: ...


class Writer:
    """Writes records to ``sink`` one by one; :meth:`close` ends the document (JSON's ``]``)."""

    def __init__(self, sink: Sink, top: int = 5) -> None:
        self.sink = sink
        self.top = top
        self.count = 0

    def write(self, record: Record) -> None:
        self._write(record)
        self.count += 1

    def write_all(self, records: Iterable[Record]) -> None:
        for record in records:
            self.write(record)

    def close(self) -> None:
        """End the document (nothing for line formats) and flush."""
        self.sink.flush()

    def _write(self, record: Record) -> None:
        raise NotImplementedError


class TableWriter(Writer):
    """``path  (model, framing, N ms)`` then one ``  NN.NN%  label`` line per class."""

    def _write(self, record: Record) -> None:
        path = display_path(record.path)
        if not record.ok:
            self.sink.write(f"{path}: error: {display_path(record.error or 'not classified')}\n")
            return
        ms = f"{record.ms:.0f} ms" if record.ms is not None else "? ms"
        if "frame" in record.extra:  # a video's frame: which one, and when
            path += f" @ frame {record.extra['frame']} ({record.extra['time']:.2f} s)"
        lines = [f"{path}  ({record.model}, {record.framing}, {ms})"]
        if record.extra.get("unknown"):
            lines.append(
                f"  unknown: none of its classes (calibrated confidence "
                f"{record.extra['confidence']:.0%}, below its threshold); best guesses:"
            )
        lines += [f"  {score * 100:6.2f}%  {label}" for label, score in record.top]
        self.sink.write("\n".join(lines) + "\n")


class JsonWriter(Writer):
    """One JSON array, written element by element (the layout of ``indent=2``)."""

    def _write(self, record: Record) -> None:
        text = json.dumps(record.as_json(), indent=2, ensure_ascii=True)
        indented = "\n".join(f"  {line}" for line in text.splitlines())
        self.sink.write(("[\n" if self.count == 0 else ",\n") + indented)

    def close(self) -> None:
        self.sink.write("[]\n" if self.count == 0 else "\n]\n")
        super().close()


class JsonlWriter(Writer):
    """One compact JSON object per line, flushed at once (a stream a consumer can follow)."""

    def _write(self, record: Record) -> None:
        self.sink.write(json.dumps(record.as_json(), ensure_ascii=True) + "\n")
        self.sink.flush()


class CsvWriter(Writer):
    """A header, then one row per record (:func:`csv_header`): ``top`` label/score pairs."""

    def __init__(self, sink: Sink, top: int = 5) -> None:
        super().__init__(sink, top)
        self._csv = csv.writer(sink, lineterminator="\n")
        self._csv.writerow(csv_header(top))

    def _write(self, record: Record) -> None:
        self._csv.writerow(csv_row(record, self.top))


def make_writer(fmt: str, sink: Sink, top: int = 5) -> Writer:
    """The writer for ``fmt`` (one of :data:`FORMATS`)."""
    kinds: dict[str, type[Writer]] = {
        "table": TableWriter,
        "json": JsonWriter,
        "csv": CsvWriter,
        "jsonl": JsonlWriter,
    }
    if fmt not in kinds:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    return kinds[fmt](sink, top)


def export(records: Iterable[Record], target: str, fmt: str, top: int = 5) -> int:
    """Write ``records`` to the file ``target`` as ``fmt``, atomically: a reader sees the old
    file or the whole new one, never half a table; a read-only folder or a full disk raises
    :class:`~inception_desktop.core.store.atomic.WriteError` and leaves the old file as it was.
    Returns how many records were written."""
    from inception_desktop.core.store.atomic import atomic_open

    with atomic_open(target, "w", encoding="utf-8", newline="") as stream:
        writer = make_writer(fmt, stream, top)
        writer.write_all(records)
        writer.close()
    return writer.count
