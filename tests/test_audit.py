"""Issue 26: the audit finds what was planted in class folders, and fixes never lose a photo.

The data (tests/audit_data.py) are photos of random shapes, one colour per class, with planted
mislabels, copies (re-encoded across classes, resized within a class, cropped into the
validation tree) and blank frames; the features are Inception v3's with the fixed random test
weights, on LiteRT, through the real command.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from inception_desktop.cli import main
from tests.audit_data import make_audit_data


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    return make_audit_data(tmp_path_factory.mktemp("audit"))


def run_audit(capsys, planted, weights: Path, *more: str) -> dict:
    code = main(
        ["audit", str(planted.root), "--validation-dir", str(planted.validation), "--weights",
         str(weights), "--runtime", "litert", "--json", *more]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_the_audit_finds_the_planted_problems(planted, inception_weights, tmp_path, capsys):
    out = run_audit(capsys, planted, inception_weights, "--report", str(tmp_path / "report"))
    assert out["classes"] == ["blue", "green", "red"]
    assert out["photos"] == 3 * 24 + 2 + 2 + 3 * 4 + 1  # data with 2 copies and 2 blanks, + held
    top = [s["path"] for s in out["suspects"][: len(planted.mislabels) + 2]]
    found = [path for path in planted.mislabels if path in top]
    assert len(found) >= len(planted.mislabels) - 1, (top, planted.mislabels)
    right = [s for s in out["suspects"] if planted.mislabels.get(s["path"]) == s["suggested"]]
    assert len(right) >= len(planted.mislabels) - 1  # and most say the class it really is
    kinds = {frozenset(d["paths"]): d["kind"] for d in out["duplicates"]}
    for pair, kind in planted.duplicates.items():
        assert kinds.get(pair) == kind, (sorted(pair), kinds)
    outliers = {o["path"] for o in out["outliers"]}
    assert set(planted.blanks) <= outliers
    assert not set(planted.blanks) & {s["path"] for s in out["suspects"]}
    assert out["counts"] == {"blue": 25, "green": 26, "red": 25}  # the training data only
    assert Path(out["report"]).name == "audit.html"
    page = Path(out["report"]).read_text()
    assert all(Path(p).name in page or p in page for p in planted.mislabels)
    assert (tmp_path / "report" / "map.png").stat().st_size > 10_000


def test_a_second_audit_computes_nothing_again(planted, inception_weights, tmp_path, capsys):
    """The features retrain caches, the thumbnails, and the audit itself: a second audit of the
    same photos reads it back; one photo moved makes a fresh audit (its features cached)."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(planted.root, data)
    argv = ["audit", str(data), "--weights", str(inception_weights), "--runtime", "litert",
            "--json"]  # fmt: skip
    main(argv)
    first = json.loads(capsys.readouterr().out)
    main(argv)
    out, err = capsys.readouterr()
    assert "audit: 76 photos, 76 from the cache, 0 computed" in err
    assert json.loads(out) == first
    (data / "red" / "red-00.png").rename(data / "blue" / "red-00.png")
    main(argv)
    err = capsys.readouterr().err
    assert "features: 76 photos, 76 from the cache, 0 computed" in err


# ----------------------------------------------------------------------------- fixing


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root.parent)): p.read_bytes() for p in root.parent.rglob("*.png")}


def _folders(tmp_path: Path) -> Path:
    root = tmp_path / "pets"
    for name in ("cats", "dogs"):
        (root / name).mkdir(parents=True)
        for i in range(3):
            (root / name / f"{name}{i}.png").write_bytes(f"{name} {i}".encode())
    return root


def test_moves_set_asides_and_undo_on_a_real_folder(tmp_path):
    from inception_desktop.core.audit.moves import Fixes

    root = _folders(tmp_path)
    (root / "dogs" / "cats0.png").write_bytes(b"another photo of that name")
    before = _tree(root)
    fixes = Fixes(root)
    moved = fixes.move([str(root / "cats" / "cats0.png"), str(root / "cats" / "cats1.png")], "dogs")
    assert [Path(m.target).name for m in moved] == ["cats0 (2).png", "cats1.png"]  # none replaced
    assert not (root / "cats" / "cats0.png").exists()
    aside = fixes.move([str(root / "dogs" / "dogs2.png")], None)
    assert Path(aside[0].target) == tmp_path / "pets-set-aside" / "dogs" / "dogs2.png"
    assert fixes.undo() == aside and (root / "dogs" / "dogs2.png").exists()
    fixes.move([str(root / "dogs" / "dogs1.png")], None)
    assert fixes.undo_all() == 3
    assert _tree(root) == before  # every photo back, byte for byte
    steps = [json.loads(line)["what"] for line in fixes.log_path.read_text().splitlines()]
    assert steps.count("move") == 4 and steps.count("undo") == 4 and "done" in steps


def test_a_failure_in_the_middle_of_a_batch_moves_nothing(tmp_path, monkeypatch):
    from inception_desktop.core.audit import AuditError, moves

    root = _folders(tmp_path)
    before = _tree(root)
    real_rename, calls = os.rename, []

    def flaky(source, target):
        calls.append(source)
        if len(calls) == 2:
            raise OSError(errno.EACCES, "Permission denied")
        real_rename(source, target)

    monkeypatch.setattr(moves.os, "rename", flaky)
    fixes = moves.Fixes(root)
    paths = [str(root / "cats" / f"cats{i}.png") for i in range(3)]
    with pytest.raises(
        AuditError, match=r"\(Permission denied\); nothing was moved \(1 moved back\)"
    ):
        fixes.move(paths, "dogs")
    assert _tree(root) == before and fixes.batches == []

    def other_disk(source, target):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(moves.os, "rename", other_disk)
    with pytest.raises(AuditError, match="on another disk, and a move here is only ever a rename"):
        fixes.move(paths[:1], None)
    assert _tree(root) == before


def test_the_analysis_reports_its_steps_and_can_be_stopped_between_them(planted, inception_weights):
    """At 20,000 photos each step of the analysis takes seconds: each is reported, and a stop
    asked during one ends the audit before the next (the features stay cached)."""
    from inception_desktop.core.audit.run import audit, scan
    from inception_desktop.core.photo.framing import Framing
    from inception_desktop.core.store.download import file_digest
    from inception_desktop.core.training.retrain import CancelledError
    from inception_desktop.core.training.retrain.features import feature_model_for

    model = feature_model_for(inception_weights, file_digest(inception_weights), "litert")
    data, held = scan(planted.root)
    seen: list[tuple[str, int, int]] = []
    with pytest.raises(CancelledError, match="the audit was stopped"):
        audit(data, held, model, Framing("pad"), progress=lambda *s: seen.append(s),
              stop=lambda: ("analysis", 2, 5) in seen)  # fmt: skip
    assert [s for s in seen if s[0] == "analysis"] == [("analysis", 1, 5), ("analysis", 2, 5)]
