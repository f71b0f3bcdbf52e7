"""Class folders holding what is not a photo (issue 23, defects 8 and 9): named pipes, links
that loop, links to devices and a 2 GB sparse ``.jpg`` are each in the "skipped" list with the
reason, and the giant is refused by its size before any byte is hashed."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PIL import Image

from inception_desktop.core.batch import class_folders
from inception_desktop.core.batch.records import Record
from inception_desktop.core.training.retrain import dataset

posix = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes and symlinks")


def photo(path: Path, colour: tuple[int, int, int]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (8, 8), colour).save(path)
    return path


@pytest.fixture
def odd_classes(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    for n, name in enumerate(("cats", "dogs")):
        for k in range(2):
            photo(root / name / f"{k}.png", (n * 100 + k, 10, 10))
    cats = root / "cats"
    os.mkfifo(cats / "pipe.jpg")
    os.symlink("loop.jpg", cats / "loop.jpg")  # a link to itself
    os.symlink("/dev/zero", cats / "zero.jpg")
    os.symlink(cats / "missing.png", cats / "gone.png")
    with (cats / "huge.jpg").open("wb") as out:
        out.truncate(2 * 10**9)
    return root


@posix
def test_every_entry_left_out_is_in_the_skipped_list_with_its_reason(odd_classes: Path):
    started = time.perf_counter()
    data = dataset.scan(odd_classes)
    assert time.perf_counter() - started < 1.0  # the 2 GB file is not hashed
    skipped = {Path(s["path"]).name: s["error"] for s in data.skipped}
    assert skipped == {
        "pipe.jpg": "a named pipe, not a regular file; not read",
        "loop.jpg": "a symbolic link that loops; not read",
        "zero.jpg": "a link to a character device, not a regular file; not read",
        "gone.png": "a symbolic link to nothing; not read",
        "huge.jpg": "too large: the file is 2.0 GB, the limit is 256.0 MB",
    }
    assert len(data.samples) == 4


@posix
def test_copying_into_class_folders_skips_what_cannot_be_copied_with_its_reason(
    odd_classes: Path, tmp_path: Path
):
    cats = odd_classes / "cats"
    records = [Record(str(cats / n), (("cat", 1.0),)) for n in ("pipe.jpg", "zero.jpg", "0.png")]
    plan = class_folders.plan(records, tmp_path / "dest")
    assert [c.source.name for c in plan.copies] == ["0.png"]
    assert dict(plan.skipped) == {
        str(cats / "pipe.jpg"): "a named pipe, not a regular file; not read",
        str(cats / "zero.jpg"): "a link to a character device, not a regular file; not read",
    }
