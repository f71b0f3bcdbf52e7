"""Fixing a training folder: photos moved to another class folder or set aside, and undone.

Nothing is deleted and nothing is copied: a move is a rename on the same disk, so it is instant,
takes no space and cannot leave two copies or none. Where a rename is impossible (the target is
on another disk) the move is refused with a clear message. A set-aside photo goes to a folder
beside the data (``DATA-set-aside/CLASS/``), never into the trash.

Several photos move as one *batch*, all or nothing: if one fails half-way, the ones already moved
are moved back before the error is raised. Every move is logged, as a JSON line in
``DATA-set-aside/moves.jsonl`` (written before the rename, marked done after), and
:meth:`Fixes.undo` takes back the last batch, :meth:`Fixes.undo_all` the whole session.
"""

from __future__ import annotations

import datetime
import errno
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from inception_desktop.core.audit import AuditError

ASIDE_SUFFIX = "-set-aside"
LOG_NAME = "moves.jsonl"


@dataclass(frozen=True)
class Move:
    """One photo's move: from ``source`` to ``target`` (both absolute paths)."""

    source: str
    target: str


class Fixes:
    """The moves of one session over the class folders under ``root``."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()
        self.aside = self.root.parent / f"{self.root.name}{ASIDE_SUFFIX}"
        self.batches: list[list[Move]] = []

    @property
    def log_path(self) -> Path:
        return self.aside / LOG_NAME

    def move(self, paths: list[str], to_class: str | None) -> list[Move]:
        """Move ``paths`` into the class folder ``to_class`` (None: set them aside), as one
        batch; returns the moves. A name already taken there gets a number (never replaced)."""
        if not paths:
            return []
        moves = []
        taken: set[Path] = set()
        for path in paths:
            source = Path(path).resolve()
            if not source.is_file():
                raise AuditError(f"{path}: not there any more: nothing was moved")
            folder = self._target_folder(source, to_class)
            target = _free_name(folder / source.name, taken)
            taken.add(target)
            moves.append(Move(str(source), str(target)))
        self._apply(moves)
        self.batches.append(moves)
        return moves

    def undo(self) -> list[Move]:
        """Take back the last batch (every photo back where it was); [] when there is none."""
        if not self.batches:
            return []
        batch = self.batches[-1]
        self._apply([Move(m.target, m.source) for m in reversed(batch)], undo=True)
        self.batches.pop()
        return batch

    def undo_all(self) -> int:
        """Take back every batch of this session, newest first; how many photos went back."""
        count = 0
        while self.batches:
            count += len(self.undo())
        return count

    # --- the renames --------------------------------------------------------------------------
    def _target_folder(self, source: Path, to_class: str | None) -> Path:
        if to_class is None:
            return self.aside / source.parent.name
        from inception_desktop.core.training.retrain.dataset import check_label

        problem = check_label(to_class)
        if problem:
            raise AuditError(f"'{to_class}' cannot be a class: {problem}")
        return self.root / to_class

    def _apply(self, moves: list[Move], undo: bool = False) -> None:
        done: list[Move] = []
        try:
            for move in moves:
                self._log(move, "undo" if undo else "move")
                target = Path(move.target)
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.exists():  # appeared since: never replaced
                    raise AuditError(f"{target}: a file of that name is there now")
                try:
                    os.rename(move.source, move.target)
                except OSError as exc:
                    if exc.errno == errno.EXDEV:
                        raise AuditError(
                            f"{move.source} cannot be moved to {target.parent}: it is on another "
                            "disk, and a move here is only ever a rename (nothing is copied)"
                        ) from None
                    raise AuditError(
                        f"{move.source}: cannot be moved ({exc.strerror or exc})"
                    ) from None
                done.append(move)
                self._log(move, "done")
        except AuditError as exc:
            for move in reversed(done):  # all or nothing: back where they were
                os.rename(move.target, move.source)
                self._log(Move(move.target, move.source), "rolled back")
            raise AuditError(f"{exc}; nothing was moved ({len(done)} moved back)") from None

    def _log(self, move: Move, what: str) -> None:
        """One line per step; a log that cannot be written stops the move before it happens."""
        record = {"time": datetime.datetime.now().isoformat(timespec="seconds"), "what": what,
                  **asdict(move)}  # fmt: skip
        try:
            self.aside.mkdir(parents=True, exist_ok=True)
            with self.log_path.open("a", encoding="utf-8") as log:
                log.write(json.dumps(record, ensure_ascii=True) + "\n")
        except OSError as exc:
            raise AuditError(
                f"the moves log {self.log_path} cannot be written ({exc.strerror or exc})"
            ) from None


def _free_name(wanted: Path, taken: set[Path]) -> Path:
    """``wanted``, or ``stem (2).ext``, ``stem (3).ext``… whichever is free."""
    candidate, n = wanted, 1
    while candidate.exists() or candidate in taken:
        n += 1
        candidate = wanted.with_name(f"{wanted.stem} ({n}){wanted.suffix}")
    return candidate
