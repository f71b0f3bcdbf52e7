"""The training data: a folder with one subfolder per class, checked before any network runs.

Every bad-input case that can be found by listing and hashing is found here, before the minutes
of feature extraction: fewer than two classes, an empty class, a folder name that cannot be a
label, the same photo (by content) in two classes. Files that cannot be read are listed and
skipped; an unreadable *image* is only found when it is decoded (:mod:`.features`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from inception_desktop.core.photo.framing import Box
from inception_desktop.core.photo.images import MAX_FILE_BYTES, list_images
from inception_desktop.core.store.regular_files import (
    UnreadableFileError,
    not_a_file_reason,
    regular_file_digest,
)
from inception_desktop.core.training.retrain import AUGMENTATIONS, RetrainError

#: Below this many photos a class is learnt poorly: said, not refused.
FEW_IMAGES = 10
#: Largest class / smallest class above which the imbalance is said (class weights compensate).
IMBALANCE_RATIO = 3.0
MAX_LABEL_CHARS = 100

#: Augmentations, each one more feature vector per training photo (cached under its own key):
#: the photo mirrored left-right (a cat facing the other way is a cat), and a crop of it.
FLIP, CROP = AUGMENTATIONS

#: A crop keeps this fraction of each side of the photo, drawn per photo from its content hash.
CROP_SIDE = (0.7, 0.9)


@dataclass(frozen=True)
class Sample:
    """One photo of a class; ``variant`` "" is the photo as it is, :data:`FLIP` its mirror,
    :data:`CROP` a crop of it (see :func:`crop_box`)."""

    path: Path
    label: int
    sha256: str
    variant: str = ""

    @property
    def key(self) -> str:
        """The feature cache's key: the content hash, and the variant when there is one."""
        return f"{self.sha256}-{self.variant}" if self.variant else self.sha256


@dataclass
class Dataset:
    """Classes (sorted folder names), their samples, and what was skipped with why."""

    root: Path
    classes: tuple[str, ...]
    samples: list[Sample]
    skipped: list[dict[str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        n = np.bincount([s.label for s in self.samples], minlength=len(self.classes))
        return {name: int(c) for name, c in zip(self.classes, n, strict=True)}

    def labels(self) -> np.ndarray:
        return np.array([s.label for s in self.samples], np.int64)

    def digest(self) -> str:
        """A fingerprint of the data: class names and each photo's content hash, order-free."""
        lines = sorted(f"{self.classes[s.label]}\t{s.sha256}" for s in self.samples)
        return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogateescape")).hexdigest()

    def warnings(self) -> list[str]:
        """Lines for a person: classes with few photos, and imbalance."""
        counts = self.counts()
        out = [
            f"class '{name}' has only {n} photo{'s' if n != 1 else ''} "
            f"(at least {FEW_IMAGES} teach it better)"
            for name, n in counts.items()
            if n < FEW_IMAGES
        ]
        low, high = min(counts.values()), max(counts.values())
        if low and high / low > IMBALANCE_RATIO:
            out.append(
                f"the classes are imbalanced ({high} vs {low} photos); "
                "class weights compensate, more photos of the small classes help more"
            )
        return out


def augmented(data: Dataset, paths: Sequence[str], variants: Sequence[str]) -> Dataset:
    """The ``variants`` (of :data:`AUGMENTATIONS`) of the photos of ``data`` at ``paths`` (the
    training photos), as a dataset of their own: augmentation computes their features too (once
    more per variant, once: they are cached); never for validation, which must see the photos as
    they are."""
    unknown = [v for v in variants if v not in AUGMENTATIONS]
    if unknown:
        raise ValueError(f"unknown augmentation {unknown[0]!r} (known: {', '.join(AUGMENTATIONS)})")
    chosen = set(map(str, paths))
    originals = [s for s in data.samples if str(s.path) in chosen and not s.variant]
    samples = [Sample(s.path, s.label, s.sha256, v) for v in variants for s in originals]
    return Dataset(data.root, data.classes, samples)


def crop_box(sha256: str, width: int, height: int) -> Box:
    """The :data:`CROP` variant's box in a ``width`` x ``height`` photo: each side a fraction
    in :data:`CROP_SIDE`, anywhere inside, drawn from the photo's content hash, so the same
    photo is always cropped the same way (its features can be cached)."""
    rng = np.random.default_rng(int(sha256[:16], 16))
    fraction_w, fraction_h = rng.uniform(*CROP_SIDE, size=2)
    w, h = max(1, round(width * fraction_w)), max(1, round(height * fraction_h))
    x, y = int(rng.integers(0, width - w + 1)), int(rng.integers(0, height - h + 1))
    return Box(float(x), float(y), float(w), float(h))


def check_label(name: str) -> str | None:
    """Why a folder name cannot be a class label, or None when it can."""
    if any(0xDC80 <= ord(ch) <= 0xDCFF for ch in name):
        return "its name is not valid UTF-8"
    if name != name.strip():
        return "its name starts or ends with a space"
    if not name.isprintable():
        return "its name holds control characters"
    if len(name) > MAX_LABEL_CHARS:
        return f"its name is longer than {MAX_LABEL_CHARS} characters"
    return None


def scan(
    root: str | Path, classes: tuple[str, ...] | None = None, keep_copies: bool = False
) -> Dataset:
    """List, check and hash the class folders under ``root``.

    ``classes``: the labels a model already has (evaluating it on a labelled folder): every
    folder must be one of them, and none needs to be present. Raises :class:`RetrainError`.
    ``keep_copies``: a photo found twice (by content) is kept both times, in the same class or
    in two (an audit reports them as duplicates or contradictory labels) instead of being
    skipped or refused.
    """
    root = Path(root)
    if not root.is_dir():
        raise RetrainError(f"{_show(root)}: not a folder (expected one subfolder per class)")
    try:
        folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError as exc:
        raise RetrainError(f"{_show(root)}: cannot be read ({exc.strerror or exc})") from None
    if classes is None and len(folders) < 2:
        found = ", ".join(p.name for p in folders) or "none"
        raise RetrainError(
            f"{root}: needs at least two class folders, found {len(folders)} ({found})"
        )
    return _scan_folders(root, folders, classes, keep_copies)


def scan_folders(folders: Sequence[str | Path], keep_copies: bool = False) -> Dataset:
    """The classes as folders chosen one by one (the window's "Add Class Folder"): each folder's
    name is its class. The same checks as :func:`scan` (``keep_copies`` as there); two folders
    may not share a name."""
    chosen = sorted((Path(f) for f in folders), key=lambda p: p.name)
    for folder in chosen:
        if not folder.is_dir():
            raise RetrainError(f"{_show(folder)}: not a folder")
    names = [p.name for p in chosen]
    for name in names:
        if names.count(name) > 1:
            same = " and ".join(_show(p) for p in chosen if p.name == name)
            raise RetrainError(f"two class folders are named '{name}': {same}")
    if len(chosen) < 2:
        found = ", ".join(names) or "none"
        raise RetrainError(f"needs at least two class folders, found {len(chosen)} ({found})")
    root = Path(os.path.commonpath([str(p.resolve()) for p in chosen]))
    return _scan_folders(root, chosen, None, keep_copies)


def _scan_folders(
    root: Path, folders: list[Path], classes: tuple[str, ...] | None, keep_copies: bool = False
) -> Dataset:
    for folder in folders:
        problem = check_label(folder.name)
        if problem:
            raise RetrainError(f"{_show(folder)}: not usable as a class label: {problem}")
        if classes is not None and folder.name not in classes:
            raise RetrainError(
                f"{_show(folder)}: the model has no class '{folder.name}' "
                f"(its classes: {', '.join(classes)})"
            )
    names = classes if classes is not None else tuple(p.name for p in folders)
    data = Dataset(root, names, [])
    owner: dict[str, Sample] = {}
    for folder in folders:
        label = names.index(folder.name)
        try:
            files, odd = _photos_in(folder)
        except OSError as exc:
            raise RetrainError(f"{_show(folder)}: cannot be read ({exc.strerror or exc})") from None
        data.skipped += odd
        if not files and classes is None:
            raise RetrainError(f"{_show(folder)}: the class '{folder.name}' has no images")
        for path in files:
            try:  # checked before hashing: a 2 GB .jpg is refused by its size, at once
                digest = regular_file_digest(path, MAX_FILE_BYTES, "sha256")
            except UnreadableFileError as exc:
                data.skipped.append({"path": str(path), "error": exc.reason})
                continue
            first = owner.get(digest)
            if keep_copies:
                data.samples.append(Sample(path, label, digest))
                continue
            if first is not None and first.label != label:
                raise RetrainError(
                    f"the same photo is in two classes: {_show(first.path)} "
                    f"('{names[first.label]}') and {_show(path)} ('{names[label]}')"
                )
            if first is not None:
                data.skipped.append({"path": str(path), "error": f"same photo as {first.path}"})
                continue
            owner[digest] = Sample(path, label, digest)
            data.samples.append(owner[digest])
    if classes is None:
        check_classes(data)
    elif not data.samples:
        raise RetrainError(f"{root}: no images in its class folders")
    return data


def check_classes(data: Dataset) -> None:
    """Refuse a class left without photos (all unreadable)."""
    for name, n in data.counts().items():
        if n == 0:
            raise RetrainError(f"the class '{name}' has no readable images")


def split(labels: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, validation), stratified: each class gives ``fraction`` of its photos to
    validation (at least one, when it has two or more), always keeping one for training.
    The same labels and seed give the same split."""
    if not 0.0 < fraction < 1.0:
        raise RetrainError(f"the validation fraction must be between 0 and 1, got {fraction}")
    rng = np.random.default_rng(seed)
    train: list[int] = []
    validation: list[int] = []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        n_val = min(len(members) - 1, max(1, round(len(members) * fraction)))
        validation.extend(members[:n_val].tolist())
        train.extend(members[n_val:].tolist())
    return np.array(sorted(train), np.int64), np.array(sorted(validation), np.int64)


def _photos_in(folder: Path) -> tuple[list[Path], list[dict[str, str]]]:
    """The photos of a class folder (:func:`list_images`), and what was left out that a person
    would not expect to be: named pipes, devices, links that loop or lead nowhere (each with
    the reason), so that the "skipped" list names every entry that was not read."""
    odd = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        reason = not_a_file_reason(entry)
        if reason is not None:
            odd.append({"path": str(entry), "error": reason})
    return list_images(folder), odd


def _show(path: Path) -> str:
    return os.fspath(path).encode("utf-8", "backslashreplace").decode("utf-8")
