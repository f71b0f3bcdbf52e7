"""benchmarks/mnist_table.py: one resumable row at a time in the user cache, and a table (Markdown
and JSON) that reports only what finished models recorded."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from benchmarks import mnist_table
from inception_desktop.core.models.mnist_file import METADATA_MEMBER


def _finished(path: Path, **meta) -> Path:
    """A stand-in model file: only the metadata member the table reads (no Keras needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(METADATA_MEMBER, json.dumps(meta))
    return path


def test_row_names_follow_the_recipe_and_a_flip_override():
    assert mnist_table.row_key("nielsen", "ours") == "nielsen-ours"  # the lead's running row
    assert mnist_table.row_key("inception_v3", "source") == "inception_v3-source"
    assert mnist_table.row_key("inception_v3", "source", True) == "inception_v3-source"
    assert mnist_table.row_key("inception_v3", "source", False) == "inception_v3-source-noflip"
    assert mnist_table.row_key("nielsen", "source", True) == "nielsen-source-flip"
    assert mnist_table.table_dir().parent == Path(
        __import__("os").environ["INCEPTION_DESKTOP_CACHE"]
    )


def test_the_table_reports_finished_rows_and_says_which_are_not(isolated_cache, tmp_path):
    rows_dir = mnist_table.table_dir()
    _finished(
        rows_dir / "inception_v3-source.keras",
        architecture="inception_v3",
        recipe="source",
        recipe_detail="rmsprop lr 0.1 (step), batch 32, 3 epochs, momentum 0.9, horizontal flips",
        epochs=3,
        best_epoch=2,
        parameters=21_823_274,
        training_seconds=600.0,
        test_accuracy=0.9876,
        val_accuracy=0.99,
        test_errors=124,
        flip_lookalikes={"2 as 6": 20, "5 as 2": 11, "total": 31},
        command=f"inception-desktop train --out {rows_dir}/inception_v3-source.keras",
    )
    (rows_dir / "vgg32-source.checkpoint.keras").write_bytes(b"PK")
    (rows_dir / "vgg32-source.checkpoint.json").write_text('{"epoch": 4}')
    shipped = _finished(
        tmp_path / "mnist.keras", architecture="default", epochs=30, test_accuracy=0.997
    )
    rows = mnist_table.collect_rows(shipped=shipped, recorded=None)
    by_key = {row.key: row for row in rows}
    assert by_key["inception_v3-source"].status == "finished"
    assert by_key["vgg32-source"].status == "training"
    assert by_key["vgg32-source"].epochs_done == 4
    assert by_key["nielsen-source"].status == "not trained"
    assert by_key["default-ours"].model == shipped

    markdown, json_path = tmp_path / "t.md", tmp_path / "t.json"
    mnist_table.write_table(rows, markdown, json_path)
    text = markdown.read_text()
    assert (
        "| `inception_v3` | source + flips | 98.76% | 99.05% | 3 (2) | 10.0 | 21,823,274 | 124 |"
        in text
    )
    assert "| `vgg32` | source | training: 4 epochs done | 97.86% |" in text
    assert "| `nielsen` | source | not trained yet | 99.51% |" in text
    assert "| `inception_v3-source` | yes | 124 | 20 | 11 | 25% |" in text
    assert "| `inception_v3-source-noflip` | no | not trained yet |" in text
    assert "CACHE/mnist-table/inception_v3-source.keras" in text  # no home folder in the repo
    objects = json.loads(json_path.read_text())
    assert [o["arch"] for o in objects].count("inception_v3") == 3
    v3 = next(o for o in objects if o["arch"] == "inception_v3" and o["flip"])
    assert {k: v3[k] for k in ("recipe", "params", "epochs", "minutes", "test_accuracy")} == {
        "recipe": "source",
        "params": 21_823_274,
        "epochs": 3,
        "minutes": 10.0,
        "test_accuracy": 0.9876,
    }
    assert v3["source_accuracy"] == 0.9905 and v3["flip_lookalikes"]["total"] == 31
    untrained = next(o for o in objects if o["arch"] == "nielsen" and o["recipe"] == "source")
    assert untrained["status"] == "not trained"
    assert untrained["test_accuracy"] is None and untrained["params"] is None  # never invented
    default = next(o for o in objects if o["arch"] == "default")
    assert default["test_errors"] == 30 and default["flip_lookalikes"] is None


def test_a_row_finished_on_another_machine_keeps_what_the_table_recorded(isolated_cache, tmp_path):
    """The cache that held a row's model is per machine: a table written where it is gone must
    keep the row as measured, not report it as never trained."""
    rows_dir = mnist_table.table_dir()
    model = _finished(
        rows_dir / "nielsen-ours.keras",
        architecture="nielsen",
        recipe="ours",
        recipe_detail="adam lr 0.001 (cosine), batch 128, 20 epochs, no augmentation",
        epochs=20,
        best_epoch=12,
        parameters=2_032_570,
        training_seconds=2220.0,
        test_accuracy=0.9946,
        val_accuracy=0.9948,
        test_errors=54,
        flip_lookalikes={"2 as 6": 0, "5 as 2": 0, "total": 0},
        command=f"inception-desktop train --arch nielsen --out {rows_dir}/nielsen-ours.keras",
    )
    _finished(  # a row of its own, not one the table expects: kept as well
        rows_dir / "nielsen-ours-flip.keras", architecture="nielsen", epochs=20, test_errors=61
    )
    (rows_dir / "vgg32-source.checkpoint.keras").write_bytes(b"PK")
    (rows_dir / "vgg32-source.checkpoint.json").write_text('{"epoch": 4}')
    shipped = _finished(
        tmp_path / "mnist.keras",
        architecture="default",
        epochs=30,
        test_accuracy=0.997,
        command="inception-desktop train --arch default",
    )
    report = rows_dir / "default-ours-report" / "summary.json"  # written by evaluate, here only
    report.parent.mkdir()
    lookalikes = {"2 as 6": 1, "5 as 2": 0, "total": 1}
    report.write_text(
        json.dumps({"model": str(shipped), "errors": 30, "flip_lookalikes": lookalikes})
    )
    first_md, first_json = tmp_path / "first.md", tmp_path / "first.json"
    rows = mnist_table.collect_rows(shipped=shipped, recorded=None)
    mnist_table.write_table(rows, first_md, first_json)

    shutil.rmtree(rows_dir)  # another machine: none of the first one's cache
    rows = mnist_table.collect_rows(shipped=shipped, recorded=first_json)
    by_key = {row.key: row for row in rows}
    assert by_key["nielsen-ours"].status == "finished" and by_key["nielsen-ours"].model is None
    assert by_key["nielsen-ours-flip"].as_json()["test_errors"] == 61
    keys = [row.key for row in rows]
    assert keys[keys.index("nielsen-ours") + 1] == "nielsen-ours-flip"  # read beside its twin
    assert by_key["vgg32-source"].status == "not trained"  # its checkpoint went with the cache
    assert by_key["default-ours"].lookalikes == lookalikes  # counted by a report now gone
    again_md, again_json = tmp_path / "again.md", tmp_path / "again.json"
    mnist_table.write_table(rows, again_md, again_json)
    nielsen = "| `nielsen` | ours | 99.46% | 99.51% | 20 (12) | 37.0 | 2,032,570 | 54 |"
    assert nielsen in again_md.read_text()
    assert "| `nielsen-ours` | no | 54 | 0 | 0 | 0% |" in again_md.read_text()
    assert "- `nielsen-ours`: `inception-desktop train --arch nielsen" in again_md.read_text()
    first = {(o["arch"], o["recipe"], o["flip"]): o for o in json.loads(first_json.read_text())}
    again = {(o["arch"], o["recipe"], o["flip"]): o for o in json.loads(again_json.read_text())}
    assert again[("nielsen", "ours", False)] == first[("nielsen", "ours", False)]
    assert again[("vgg32", "source", False)]["status"] == "not trained"

    _finished(model, architecture="nielsen", epochs=25, test_accuracy=0.9951, test_errors=49)
    newer = {r.key: r for r in mnist_table.collect_rows(recorded=again_json)}["nielsen-ours"]
    assert newer.model == model and newer.as_json()["test_errors"] == 49  # the model wins


def test_a_row_trains_then_resumes_then_reuses_its_model(isolated_cache, tmp_path):
    commands: list[list[str]] = []
    out = mnist_table.table_dir() / "nielsen-source.keras"
    checkpoint = out.with_name("nielsen-source.checkpoint.keras")
    galleries = tmp_path / "galleries"

    def runner(command):
        commands.append(list(command))
        if command[3] == "evaluate":  # what evaluate --report writes, as far as the table reads
            report = Path(command[6])
            report.mkdir(parents=True)
            (report / "summary.json").write_text(json.dumps({"model": command[4]}))
            (report / "misclassified.png").write_bytes(b"\x89PNG gallery")
        return 130 if len(commands) == 1 else 0  # the first run is stopped (Ctrl-C)

    assert mnist_table.run_row("nielsen", "source", None, 2, Path("data"), runner) == 130
    assert commands[0][3:] == [
        "train", "--arch", "nielsen", "--recipe", "source", "--out", str(out),
        "--epochs", "2", "--data", "data",
    ]  # fmt: skip
    checkpoint.write_bytes(b"PK")  # what the stopped run left
    resumed = mnist_table.run_row(
        "nielsen", "source", None, 2, Path("data"), runner, galleries=galleries
    )
    assert resumed == 0
    assert commands[1][-2:] == ["--resume", str(checkpoint)]
    assert commands[2][3:5] == ["evaluate", str(out)]  # the report: the gallery and the counts
    assert commands[2][5:7] == ["--report", str(out.with_name("nielsen-source-report"))]
    kept = galleries / "nielsen-source.png"  # beside the table: the cache is per machine
    assert kept.read_bytes() == b"\x89PNG gallery"
    markdown = mnist_table.render_markdown(mnist_table.collect_rows(recorded=None), galleries)
    assert "[`nielsen-source`](galleries/nielsen-source.png)" in markdown
    checkpoint.unlink()  # the finished run cleans its checkpoints up
    _finished(out, epochs=2)
    commands.clear()
    assert mnist_table.run_row("nielsen", "source", None, 2, None, runner, report=False) == 0
    assert commands == []  # finished: reused, not trained again


def test_main_refuses_a_recipe_that_does_not_exist(capsys):
    with pytest.raises(SystemExit):
        mnist_table.main(["--arch", "default", "--recipe", "source"], runner=lambda c: 0)
    assert "no source recipe" in capsys.readouterr().err
