""" "Copy into class folders": each photo copied into ``DEST/<its top-1 label>/``.

Planning and copying are apart so that a person sees what will happen (a dry run: how many
photos into how many folders, what is skipped and why) before anything is written. Originals are
only ever read: nothing is moved, and an existing file is never overwritten (a name already taken
gets `` (2)``, `` (3)``... before its suffix). Each copy is atomic, so a full disk leaves no half
file; the copying stops at the first failure, saying how many were copied.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from inception_desktop.core.batch.records import Record

#: Characters no folder name may hold on Windows, macOS or Linux, and control characters.
_UNSAFE = set('<>:"/\\|?*')


def folder_name(label: str) -> str:
    """A label as a portable folder name (``n02123045 tabby`` stays; ``a/b`` becomes ``a_b``)."""
    clean = "".join("_" if ch in _UNSAFE or not ch.isprintable() else ch for ch in label)
    clean = clean.strip().rstrip(".")
    return clean[:120] if clean not in ("", ".", "..") else "_"


@dataclass(frozen=True)
class Copy:
    source: Path
    target: Path
    label: str


@dataclass
class Plan:
    """What :func:`execute` will do: ``copies``, and ``skipped`` (path, why) left out."""

    destination: Path
    copies: list[Copy] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def folders(self) -> Counter[str]:
        return Counter(c.target.parent.name for c in self.copies)

    def summary(self) -> str:
        """One paragraph for the dry-run dialog."""
        folders = self.folders()
        lines = [
            f"{len(self.copies)} photo{'s' * (len(self.copies) != 1)} will be copied into "
            f"{len(folders)} folder{'s' * (len(folders) != 1)} under {self.destination}:"
        ]
        lines += [f"  {name}: {n}" for name, n in folders.most_common(12)]
        if len(folders) > 12:
            lines.append(f"  … and {len(folders) - 12} more folders")
        if self.skipped:
            lines.append(f"{len(self.skipped)} skipped (errors or missing files).")
        lines.append("Originals are not moved; no existing file is overwritten.")
        return "\n".join(lines)


def plan(records: Iterable[Record], destination: str | Path) -> Plan:
    """The copies for ``records`` into ``destination``: names are made unique among the plan
    and against files already there, so executing it overwrites nothing."""
    destination = Path(destination)
    result = Plan(destination)
    taken: set[Path] = set()
    for record in records:
        if not record.ok:
            result.skipped.append((record.path, record.error or "not classified"))
            continue
        source = Path(record.path)
        problem = _not_copyable(source)
        if problem is not None:
            result.skipped.append((record.path, problem))
            continue
        folder = destination / folder_name(record.label)
        target = _free_name(folder, source.name, taken)
        taken.add(target)
        result.copies.append(Copy(source, target, record.label))
    return result


def _not_copyable(source: Path) -> str | None:
    """Why ``source`` cannot be copied (gone, a named pipe, a device, a looping link), or None:
    copying a FIFO would block and a device never end, so each is skipped with its reason."""
    from inception_desktop.core.store.regular_files import not_a_file_reason

    if not os.path.lexists(source):
        return "the file is no longer there"
    reason = not_a_file_reason(source)
    if reason is None and source.is_dir():
        return "a folder, not a photo"
    return reason


def _free_name(folder: Path, name: str, taken: set[Path]) -> Path:
    target = folder / name
    stem, suffix = os.path.splitext(name)
    n = 1
    while target in taken or os.path.lexists(target):
        n += 1
        target = folder / f"{stem} ({n}){suffix}"
    return target


def execute(
    the_plan: Plan,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> int:
    """Copy as planned; returns how many were copied. A source that vanished since planning is
    added to ``the_plan.skipped``; a target that appeared meanwhile is given another free name
    (never overwritten). Raises :class:`~inception_desktop.core.store.atomic.WriteError` at the
    first write failure (a read-only folder, a full disk), its message saying how many were
    copied; the copies made before it stay."""
    from inception_desktop.core.store.atomic import WriteError, check_output_dir, copy_file

    done = 0
    total = len(the_plan.copies)
    made: set[Path] = set()
    for copy in the_plan.copies:
        if cancelled is not None and cancelled():
            break
        problem = _not_copyable(copy.source)
        if problem is not None:
            the_plan.skipped.append((str(copy.source), problem))
            continue
        try:
            if copy.target.parent not in made:
                check_output_dir(copy.target.parent)
                made.add(copy.target.parent)
            target = copy.target
            if os.path.lexists(target):
                target = _free_name(target.parent, copy.source.name, set())
            copy_file(copy.source, target)
        except WriteError as exc:
            raise WriteError(
                exc.path, f"{exc.reason} ({done} of {total} copied)", exc.errno
            ) from exc
        done += 1
        if progress is not None:
            progress(done, total)
    return done
