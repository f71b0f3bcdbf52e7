"""Which class folders the Retrain workspace learns from, and reading them (no Qt).

A person chooses a folder with one subfolder per class, or adds class folders one by one, and
optionally a test tree; :class:`DataSource` keeps that choice and reads it with the core
(:func:`~inception_desktop.core.training.retrain.dataset.scan`), on whatever thread calls
:meth:`DataSource.read`. Its :meth:`~DataSource.dirs` are ``retrain``'s DATA_DIRs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

#: Thumbnails shown per class in the Data step, and their side.
THUMBS_PER_CLASS = 5
THUMB = 48


@dataclass
class DataChoice:
    """What the Data step read: the classes, and the separate test tree if any."""

    data: Any  # core Dataset
    held: Any | None
    thumbs: dict[str, np.ndarray]


class DataSource:
    """The folders chosen: a data root, or class folders one by one; and a test tree."""

    def __init__(self) -> None:
        self.data_root: str | None = None
        self.class_folders: list[str] = []
        self.test_root: str | None = None

    def set_root(self, folder: str | Path) -> None:
        """One folder of class folders (replaces classes added one by one)."""
        self.data_root, self.class_folders = str(folder), []

    def add_class(self, folder: str | Path) -> None:
        """One more class folder (replaces a data root)."""
        self.data_root = None
        if str(folder) not in self.class_folders:
            self.class_folders.append(str(folder))

    def copy(self) -> DataSource:
        """The choice as it is now (to read on another thread while the person goes on)."""
        other = DataSource()
        other.data_root, other.test_root = self.data_root, self.test_root
        other.class_folders = list(self.class_folders)
        return other

    def clear(self) -> None:
        self.data_root, self.class_folders = None, []

    @property
    def ready(self) -> bool:
        """Whether there is something to read: a root, or at least two class folders."""
        return self.data_root is not None or len(self.class_folders) >= 2

    def dirs(self) -> list[str]:
        """``retrain``'s DATA_DIRs: the root, or the class folders."""
        return [self.data_root] if self.data_root is not None else list(self.class_folders)

    def where(self, classes: int) -> str:
        return self.data_root if self.data_root is not None else f"{classes} class folders"

    def read(self) -> DataChoice:
        """Scan the folders (content hashes, checks) and make a few thumbnails per class."""
        from inception_desktop.core.training.retrain import dataset
        from inception_desktop.gui.retrain.thumbs import thumb_strip

        dirs, test = self.dirs(), self.test_root
        data = dataset.scan(dirs[0]) if len(dirs) == 1 else dataset.scan_folders(dirs)
        held = dataset.scan(test, data.classes) if test is not None else None
        thumbs = {}
        for label, name in enumerate(data.classes):
            paths = [s.path for s in data.samples if s.label == label][:THUMBS_PER_CLASS]
            thumbs[name] = thumb_strip(paths, THUMB)
        return DataChoice(data, held, thumbs)


def split_text(choice: DataChoice, fraction: float, seed: int) -> str:
    """How the photos will be split: "32 to train, 7 to validate (seed 0)", or the test tree's."""
    from inception_desktop.core.errors import InceptionDesktopError
    from inception_desktop.core.training.retrain.dataset import split

    data, held = choice.data, choice.held
    if held is not None:
        return (
            f"all {len(data.samples)} to train, {len(held.samples)} in the test folder to validate"
        )
    try:
        train, val = split(data.labels(), fraction, seed)
    except (InceptionDesktopError, ValueError) as exc:  # a fraction out of range: spin boxes
        return str(exc)
    return f"{len(train)} to train, {len(val)} to validate (seed {seed})"
