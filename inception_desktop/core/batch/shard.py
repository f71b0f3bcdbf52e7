"""``--shard I/N``: a deterministic split of a collection into N parts, one per cluster task.

An input belongs to shard ``int(sha256(path bytes)[:8]) mod N`` (shards are numbered from 0, as
a Kubernetes indexed Job's ``JOB_COMPLETION_INDEX`` and ``sbatch --array=0-N-1`` number them).
The hash is of the path *as listed* (the argument joined with the names found under it), so
every task must be given the same PATH arguments (the same mount point, relative or absolute):
then the N shards are disjoint, together hold every input, and do not depend on listing order,
on the machine, on Python's hash seed or on which other files exist (adding a photo never moves
another one to another shard).
"""

from __future__ import annotations

import hashlib
import os

from inception_desktop.core.errors import InceptionDesktopError


class ShardError(InceptionDesktopError, ValueError):
    """A ``--shard`` value that is not ``I/N`` with ``0 <= I < N``."""


def parse_shard(text: str) -> tuple[int, int]:
    """``"I/N"`` → ``(I, N)``, with an error that repeats what was received."""
    index_text, slash, count_text = text.strip().partition("/")
    try:
        if not slash:
            raise ValueError
        index, count = int(index_text), int(count_text)
    except ValueError:
        raise ShardError(f"a shard is I/N (for example 0/4), got {text!r}") from None
    if count < 1 or not 0 <= index < count:
        raise ShardError(f"a shard I/N needs 0 <= I < N, got {text!r}")
    return index, count


def shard_of(path: str, count: int) -> int:
    """The shard (0..count-1) that ``path`` belongs to (see the module docstring)."""
    digest = hashlib.sha256(os.fsencode(path)).digest()
    return int.from_bytes(digest[:8], "big") % count


def in_shard(path: str, index: int, count: int) -> bool:
    return count == 1 or shard_of(path, count) == index
