"""The inputs of a batch, listed lazily: files as given, folders' images (optionally the whole
tree), and only those of one shard.

Listing is a generator over sorted directory entries, so a million-photo tree is never held in
memory and always comes in the same order: within a folder by name, sub-folders after its files
and in name order, hidden files and folders skipped (as :func:`list_images` does for one folder).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from inception_desktop.core.batch.shard import in_shard


@dataclass(frozen=True)
class Input:
    """A path to classify, or one that already failed (``error``: an empty or unreadable
    folder)."""

    path: str
    error: str | None = None


def _suffixes() -> frozenset[str]:
    from inception_desktop.core.photo.images import IMAGE_SUFFIXES

    return frozenset(IMAGE_SUFFIXES)


def iter_inputs(
    paths: Iterable[str | Path], recursive: bool = False, shard: tuple[int, int] = (0, 1)
) -> Iterator[Input]:
    """Every input under ``paths``, in order, restricted to ``shard`` (index, count): a file
    given is an input whatever its suffix (it may fail later); a folder gives its images, or an
    error entry when it holds none (only the shard that the folder's own path falls in reports
    it, so merged shards say it once)."""
    index, count = shard
    suffixes = _suffixes()
    for given in paths:
        text = os.fspath(given)
        if os.path.isdir(text):
            found = False
            try:
                for path in _images(text, recursive, suffixes):
                    found = True
                    if in_shard(path, index, count):
                        yield Input(path)
            except OSError as exc:
                if in_shard(text, index, count):
                    yield Input(text, f"cannot list this folder: {exc.strerror or exc}")
                continue
            if not found and in_shard(text, index, count):
                yield Input(text, "no images in this folder")
        elif in_shard(text, index, count):
            yield Input(text)


def _images(folder: str, recursive: bool, suffixes: frozenset[str]) -> Iterator[str]:
    """The images in ``folder`` (and, ``recursive``, below it), as paths joined to ``folder``.
    An unreadable sub-folder is skipped (the top folder's error propagates)."""
    with os.scandir(folder) as listing:
        entries = sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)
    folders: list[str] = []
    for entry in entries:
        try:
            if entry.is_file():
                if os.path.splitext(entry.name)[1].lower() in suffixes:
                    yield os.path.join(folder, entry.name)
            elif recursive and entry.is_dir(follow_symlinks=False):
                folders.append(entry.path)
        except OSError:
            continue
    for sub in folders:
        try:
            yield from _images(sub, recursive, suffixes)
        except OSError:
            continue
