"""core.batch: shards, lazy listing, the writers and copying into class folders (real files)."""

from __future__ import annotations

import csv
import errno
import io
import json
from pathlib import Path

import pytest

from inception_desktop.core.batch import class_folders
from inception_desktop.core.batch.inputs import iter_inputs
from inception_desktop.core.batch.records import Record
from inception_desktop.core.batch.shard import ShardError, parse_shard, shard_of
from inception_desktop.core.batch.writers import FORMATS, export, make_writer
from inception_desktop.core.store.atomic import WriteError

GOOD = Record(
    "/p/cat.jpg", (("tabby", 0.75), ("tiger cat", 0.2)), (281, 282), "Inception v3", "CPU", "pad"
)
BAD = Record("/p/broken.jpg", error="the file is truncated")


def test_shards_split_any_names_evenly_and_the_same_way_everywhere():
    paths = [f"photos/{n:05d}.jpg" for n in range(4000)]
    counts = [0, 0, 0, 0]
    for path in paths:
        counts[shard_of(path, 4)] += 1
    assert all(900 < c < 1100 for c in counts)
    # A fixed value: the split never depends on the machine or on Python's hash seed.
    assert [shard_of(p, 7) for p in paths[:6]] == [shard_of(p, 7) for p in list(paths[:6])]
    assert (
        shard_of("photos/00000.jpg", 1000)
        == int.from_bytes(__import__("hashlib").sha256(b"photos/00000.jpg").digest()[:8], "big")
        % 1000
    )
    assert parse_shard(" 2/5 ") == (2, 5)
    for bad in ("5/5", "x", "1/0", "-1/3", "1/2/3"):
        with pytest.raises(ShardError, match="I/N"):
            parse_shard(bad)


def test_listing_is_sorted_lazy_and_reports_empty_folders(tmp_path: Path):
    (tmp_path / "b" / "deep").mkdir(parents=True)
    (tmp_path / "empty").mkdir()
    for name in ("2.jpg", "1.PNG", "notes.txt", ".hidden.jpg"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "b" / "3.webp").write_bytes(b"x")
    (tmp_path / "b" / "deep" / "4.jpg").write_bytes(b"x")
    flat = [i.path for i in iter_inputs([tmp_path])]
    assert [Path(p).name for p in flat] == ["1.PNG", "2.jpg"]
    tree = [Path(i.path).relative_to(tmp_path).as_posix() for i in iter_inputs([tmp_path], True)]
    assert tree == ["1.PNG", "2.jpg", "b/3.webp", "b/deep/4.jpg"]
    (empty,) = list(iter_inputs([tmp_path / "empty"]))
    assert empty.error == "no images in this folder"
    shards = [{i.path for i in iter_inputs([tmp_path], True, (k, 3))} for k in range(3)]
    assert set().union(*shards) == {i.path for i in iter_inputs([tmp_path], True)}
    assert sum(len(s) for s in shards) == 4


def _written(fmt: str, records: list[Record]) -> str:
    out = io.StringIO()
    writer = make_writer(fmt, out, top=2)
    writer.write_all(records)
    writer.close()
    return out.getvalue()


def test_json_is_streamed_with_the_layout_of_json_dump():
    records = [GOOD, BAD]
    assert _written("json", records) == json.dumps([r.as_json() for r in records], indent=2) + "\n"
    assert json.loads(_written("json", [])) == []
    lines = _written("jsonl", records).splitlines()
    assert [json.loads(line) for line in lines] == [r.as_json() for r in records]
    assert json.loads(lines[0])["top"][0] == {"index": 281, "label": "tabby", "score": 0.75}


def test_csv_and_table_hold_every_record():
    rows = list(csv.reader(io.StringIO(_written("csv", [GOOD, BAD]))))
    assert rows[0][-5:] == ["label_1", "score_1", "label_2", "score_2", "path_base64"]
    assert rows[1][0] == "/p/cat.jpg" and rows[1][-5:-1] == [
        "tabby",
        "0.750000",
        "tiger cat",
        "0.200000",
    ]
    assert rows[2][1] == "the file is truncated"
    table = _written("table", [GOOD, BAD])
    assert "75.00%  tabby" in table and "/p/broken.jpg: error: the file is truncated" in table
    with pytest.raises(ValueError, match="format must be"):
        make_writer("xml", io.StringIO())
    assert set(FORMATS) == {"table", "json", "csv", "jsonl"}


def test_export_is_atomic_and_a_failure_keeps_the_old_file(tmp_path: Path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    assert export([GOOD, BAD], str(target), "csv") == 2
    assert target.read_text().count("\n") == 3

    def full_disk():
        yield GOOD
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(WriteError, match="cannot write"):
        export(full_disk(), str(target), "jsonl")
    assert target.read_text().count("\n") == 3  # the old export, whole
    in_the_way = tmp_path / "a file"
    in_the_way.write_text("x")
    with pytest.raises(WriteError, match="cannot write"):
        export([GOOD], str(in_the_way / "out.json"), "json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a file", "out.csv"]  # no temporaries


def test_class_folders_plan_first_copy_never_overwrite_and_never_move(tmp_path: Path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        (src / name).write_bytes(name.encode())
    dest = tmp_path / "sorted"
    (dest / "tabby").mkdir(parents=True)
    (dest / "tabby" / "a.jpg").write_bytes(b"already there")
    records = [
        Record(str(src / "a.jpg"), (("tabby", 0.9),)),
        Record(str(src / "b.jpg"), (("tabby", 0.8),)),
        Record(str(src / "c.jpg"), (("a/b: <odd>", 0.8),)),
        Record(str(src / "gone.jpg"), (("tabby", 0.8),)),
        BAD,
    ]
    plan = class_folders.plan(records, dest)
    assert len(plan.copies) == 3 and len(plan.skipped) == 2
    assert "3 photos will be copied into 2 folders" in plan.summary()
    assert not (dest / "tabby" / "b.jpg").exists()  # a plan writes nothing
    assert class_folders.execute(plan) == 3
    assert (dest / "tabby" / "a.jpg").read_bytes() == b"already there"
    assert (dest / "tabby" / "a (2).jpg").read_bytes() == b"a.jpg"
    assert (dest / "a_b_ _odd_" / "c.jpg").read_bytes() == b"c.jpg"
    assert sorted(p.name for p in src.iterdir()) == ["a.jpg", "b.jpg", "c.jpg"]


def test_copying_into_a_read_only_place_says_so_once(tmp_path: Path):
    (tmp_path / "a.jpg").write_bytes(b"a")
    dest = tmp_path / "dest"
    dest.write_text("a file where the folder should be")
    plan = class_folders.plan([Record(str(tmp_path / "a.jpg"), (("cat", 1.0),))], dest)
    with pytest.raises(WriteError, match=r"0 of 1 copied"):
        class_folders.execute(plan)
