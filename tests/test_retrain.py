"""Issue 12, "Teach it your own classes": the retraining pipeline and its command line.

The network is the real Inception v3 with fixed random weights, on LiteRT. Its features still
tell colours and textures apart, so three synthetic classes (red stripes, green dots, blue
checks) are learnt. Features are computed once for the module (a session-scoped run of the
command) into one cache; the other tests read them from there, so the network costs a few dozen
photos in all.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from inception_desktop.cli import main

CLASSES = ("blue checks", "green dots", "red stripes")  # sorted: the model's order
PER_CLASS = 15


def make_photo(kind: str, rng: np.random.Generator) -> np.ndarray:
    """A small photo of one class: its colour and its texture, with random size (near square:
    padding differs little), tint, period and noise."""
    h, w = int(rng.integers(56, 80)), int(rng.integers(56, 80))
    yy, xx = np.mgrid[0:h, 0:w]
    period = int(rng.integers(4, 9))
    if kind == "red stripes":
        pattern, colour = (yy // period) % 2, (200, 40, 40)
    elif kind == "green dots":
        pattern, colour = ((xx % period) < 2) & ((yy % period) < 2), (40, 220, 40)
    else:
        pattern, colour = ((xx // period) + (yy // period)) % 2, (40, 40, 220)
    image = pattern[..., None] * np.array(colour) + 25 + rng.integers(-30, 30, 3)
    return np.clip(image + rng.normal(0, 8, image.shape), 0, 255).astype(np.uint8)


def make_classes(root: Path, per_class: int = PER_CLASS, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    for kind in CLASSES:
        (root / kind).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            Image.fromarray(make_photo(kind, rng)).save(root / kind / f"{i:02d}.png")
    return root


def run_cli(capsys: pytest.CaptureFixture, *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="session")
def retrain_cache(tmp_path_factory, inception_tflite: Path) -> Path:
    """A cache shared by this module's tests: the test weights' conversion, then the features."""
    from inception_desktop.core.models import inception

    cache = tmp_path_factory.mktemp("retrain-cache")
    previous = os.environ.get("INCEPTION_DESKTOP_CACHE")
    os.environ["INCEPTION_DESKTOP_CACHE"] = str(cache)
    try:
        md5 = inception_tflite.stem.removeprefix(inception.TFLITE_PREFIX)
        target = inception.tflite_path(md5)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(inception_tflite, target)
    finally:
        if previous is None:
            os.environ.pop("INCEPTION_DESKTOP_CACHE", None)
        else:
            os.environ["INCEPTION_DESKTOP_CACHE"] = previous
    return cache


@pytest.fixture
def shared_cache(retrain_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INCEPTION_DESKTOP_CACHE", str(retrain_cache))
    return retrain_cache


@pytest.fixture(scope="session")
def trained(tmp_path_factory, retrain_cache: Path, inception_weights: Path) -> dict:
    """One whole ``retrain`` run (features computed, head trained, report written), its
    stdout (JSON) and stderr."""
    import contextlib
    import io

    base = tmp_path_factory.mktemp("retrain")
    data = make_classes(base / "data")
    model, report = base / "model.keras", base / "report"
    previous = os.environ.get("INCEPTION_DESKTOP_CACHE")
    os.environ["INCEPTION_DESKTOP_CACHE"] = str(retrain_cache)
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(
                ["retrain", str(data), "--out", str(model), "--weights", str(inception_weights),
                 "--report", str(report), "--runtime", "litert", "--json", "--seed", "3"]
            )  # fmt: skip
    finally:
        if previous is None:
            os.environ.pop("INCEPTION_DESKTOP_CACHE", None)
        else:
            os.environ["INCEPTION_DESKTOP_CACHE"] = previous
    assert code == 0, err.getvalue()
    return {
        "out": json.loads(out.getvalue()),
        "err": err.getvalue(),
        "data": data,
        "model": model,
        "report": report,
    }


# ----------------------------------------------------------------------------- the pipeline


def test_retrain_learns_colour_and_texture_classes(trained):
    out = trained["out"]
    assert out["classes"] == list(CLASSES)
    assert out["train"] + out["validation"] == 3 * PER_CLASS
    assert out["validation"] == 3 * round(PER_CLASS * 0.2)  # stratified: the same per class
    assert out["val_accuracy"] >= 0.9
    assert set(out["per_class"]) == set(CLASSES)
    assert out["skipped"] == [] and out["model"] == str(trained["model"])
    assert out["computed"] == 3 * PER_CLASS and out["cache_hits"] == 0
    err = trained["err"]
    assert "epoch 1/" in err and "validation loss" in err
    assert "warning" not in err and out["warnings"] == []  # 15 a class, balanced: no warning


def test_model_card_and_report(trained, inception_weights):
    from inception_desktop.core.store.download import file_digest
    from inception_desktop.core.training.retrain.model_file import load

    model = load(trained["model"])
    card = model.metadata
    assert model.classes == CLASSES
    assert card["weights_md5"] == file_digest(inception_weights, "md5")
    assert card["framing"] == {"mode": "pad", "pad_color": [128, 128, 128]}
    assert card["val_accuracy"] == trained["out"]["val_accuracy"]
    assert len(card["data_digest"]) == 64 and card["date"] and card["versions"]["keras"]
    report = trained["report"]
    summary = json.loads((report / "summary.json").read_text())
    assert summary["accuracy"] == card["val_accuracy"]
    assert len(summary["confusion_matrix"]) == 3
    for name in ("confusion_matrix.png", "misclassified.png"):
        with Image.open(report / name) as picture:
            assert picture.width > 100 and picture.height > 50


def _near_training(head, rng: np.random.Generator, n: int = 6) -> np.ndarray:
    """Features spread like the training features (random ones would saturate the softmax)."""
    spread = np.sqrt(head.variance) * rng.normal(0, 1.5, (n, head.mean.size))
    return (head.mean + spread).astype(np.float32)


def _assert_same_scores(path: Path, rng: np.random.Generator) -> None:
    import keras

    from inception_desktop.core.training.retrain.model_file import load

    served = load(path)
    keras_head = keras.saving.load_model(path, compile=False, safe_mode=True)
    features = _near_training(served.head, rng)
    expected = np.asarray(keras_head(features, training=False))
    assert 0.01 < expected.max(axis=1).min() < 0.999  # not all saturated: a real comparison
    np.testing.assert_allclose(served.head.scores(features), expected, rtol=1e-4, atol=1e-6)


def test_numpy_head_computes_what_the_keras_head_computes(trained, tmp_path):
    from inception_desktop.core.training.retrain import head, model_file

    rng = np.random.default_rng(0)
    _assert_same_scores(trained["model"], rng)
    labels = np.arange(60) % 3
    features = (rng.normal(0, 0.002, (3, 2048))[labels] + rng.normal(0, 0.002, (60, 2048))).astype(
        np.float32
    )
    hidden = head.train(features, labels, features[:9], labels[:9], 3, epochs=3, hidden=16)
    model_file.save(hidden.model, tmp_path / "hidden.keras", {"classes": ["a", "b", "c"]})
    assert len(model_file.load(tmp_path / "hidden.keras").head.kernels) == 2
    _assert_same_scores(tmp_path / "hidden.keras", rng)


def test_second_run_reads_the_cache_and_recomputes_a_corrupt_entry(
    trained, shared_cache, inception_weights, tmp_path, capsys
):
    entries = sorted((shared_cache / "features").rglob("*.f32"))
    assert len(entries) == 3 * PER_CLASS
    entries[0].write_bytes(entries[0].read_bytes()[:-100] + b"\0" * 100)  # damaged in place
    code, out, err = run_cli(
        capsys, "retrain", trained["data"], "--out", tmp_path / "again.keras",
        "--weights", inception_weights, "--json", "--seed", "3",
    )  # fmt: skip
    assert code == 0, err
    again = json.loads(out)
    assert again["computed"] == 1 and again["cache_hits"] == 3 * PER_CLASS - 1
    assert again["val_accuracy"] == trained["out"]["val_accuracy"]
    assert f"{3 * PER_CLASS - 1} from the cache, 1 computed" in err


def test_classify_answers_with_the_new_class_names(
    trained, shared_cache, inception_weights, tmp_path, capsys
):
    rng = np.random.default_rng(99)  # photos the model has never seen
    photos = []
    for kind in CLASSES:
        path = tmp_path / f"new {kind}.png"
        Image.fromarray(make_photo(kind, rng)).save(path)
        photos.append(path)
    code, out, err = run_cli(
        capsys, "classify", *photos, "--model", trained["model"],
        "--weights", inception_weights, "--json", "--top", "3",
    )  # fmt: skip
    assert code == 0, err
    results = json.loads(out)
    assert [r["top"][0]["label"] for r in results] == list(CLASSES)
    assert {e["label"] for e in results[0]["top"]} == set(CLASSES)
    assert "retrained" in results[0]["model"]


def test_evaluate_on_labelled_folders(trained, shared_cache, inception_weights, tmp_path, capsys):
    report = tmp_path / "report"
    code, out, err = run_cli(
        capsys, "evaluate", trained["model"], "--data", trained["data"],
        "--weights", inception_weights, "--json", "--report", report,
    )  # fmt: skip
    assert code == 0, err
    summary = json.loads(out)
    assert summary["size"] == 3 * PER_CLASS and summary["accuracy"] >= 0.9
    assert set(summary["per_class"]) == set(CLASSES)
    assert f"{3 * PER_CLASS} from the cache, 0 computed" in err
    assert (report / "confusion_matrix.png").is_file()
    # the very photos it learnt: the model's data digest says so
    assert summary["same_data_as_training"] is True
    assert "these are the very photos" in err and "not how well it does on new photos" in err


def test_evaluate_on_other_photos_says_nothing_of_the_kind(
    trained, shared_cache, inception_weights, tmp_path, capsys
):
    other = make_classes(tmp_path / "other", per_class=3, seed=7)
    code, out, err = run_cli(
        capsys, "evaluate", trained["model"], "--data", other,
        "--weights", inception_weights, "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["same_data_as_training"] is False and "very photos" not in err


def test_unreadable_photos_are_listed_and_skipped(
    trained, shared_cache, inception_weights, tmp_path, capsys
):
    data = tmp_path / "data"
    shutil.copytree(trained["data"], data)
    (data / "green dots" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    code, out, err = run_cli(
        capsys, "retrain", data, "--out", tmp_path / "m.keras", "--weights", inception_weights,
        "--json",
    )  # fmt: skip
    assert code == 0, err
    result = json.loads(out)
    assert [Path(s["path"]).name for s in result["skipped"]] == ["broken.png"]
    assert result["skipped"][0]["error"]
    assert result["computed"] == 0 and result["train"] + result["validation"] == 3 * PER_CLASS
    assert "skipped" in err and "broken.png" in err


def test_a_separate_validation_tree_replaces_the_split(
    trained, shared_cache, inception_weights, tmp_path, capsys
):
    held = tmp_path / "held"
    for kind in CLASSES:  # a subset of the same photos: their features are in the cache
        (held / kind).mkdir(parents=True)
        shutil.copyfile(trained["data"] / kind / "00.png", held / kind / "00.png")
    code, out, err = run_cli(
        capsys, "retrain", trained["data"], "--out", tmp_path / "m.keras",
        "--weights", inception_weights, "--validation-dir", held, "--json",
    )  # fmt: skip
    assert code == 0, err
    result = json.loads(out)
    assert result["train"] == 3 * PER_CLASS and result["validation"] == 3
    assert result["computed"] == 0 and result["val_accuracy"] == 1.0


def test_a_model_trained_on_other_weights_is_refused(trained, tmp_path, capsys):
    other = tmp_path / "other.h5"
    other.write_bytes(b"other weights")
    code, out, err = run_cli(
        capsys, "classify", trained["model"], "--model", trained["model"],
        "--weights", other,
    )  # fmt: skip
    assert code == 1 and out == ""
    assert "trained on Inception v3 weights with md5" in err and "--force" in err
    assert len(err.strip().splitlines()) == 1


# ----------------------------------------------------------------------------- bad input


def _retrain_error(capsys, data: Path, tmp_path: Path, weights: Path) -> str:
    code, out, err = run_cli(
        capsys, "retrain", data, "--out", tmp_path / "m.keras", "--weights", weights
    )
    assert code == 1 and out == ""
    assert "Traceback" not in err
    assert not (tmp_path / "m.keras").exists()
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def _tiny(root: Path, names: tuple[str, ...], per_class: int = 2) -> Path:
    rng = np.random.default_rng(5)
    for n, name in enumerate(names):
        (root / name).mkdir(parents=True)
        for i in range(per_class):
            pixels = np.full((8, 8, 3), (n * 60 + i) % 256, np.uint8)
            Image.fromarray(pixels + rng.integers(0, 3, (8, 8, 3), dtype=np.uint8)).save(
                root / name / f"{i}.png"
            )
    return root


def test_fewer_than_two_classes(tmp_path, capsys, inception_weights):
    line = _retrain_error(capsys, _tiny(tmp_path / "d", ("cats",)), tmp_path, inception_weights)
    assert "at least two class folders, found 1 (cats)" in line


def test_an_empty_class(tmp_path, capsys, inception_weights):
    data = _tiny(tmp_path / "d", ("cats", "dogs"))
    (data / "birds").mkdir()
    line = _retrain_error(capsys, data, tmp_path, inception_weights)
    assert "the class 'birds' has no images" in line


def test_a_folder_name_that_is_not_a_label(tmp_path, capsys, inception_weights):
    line = _retrain_error(
        capsys, _tiny(tmp_path / "d", ("cats", "dogs\tand wolves")), tmp_path, inception_weights
    )
    assert "not usable as a class label" in line and "control characters" in line


def test_the_same_photo_in_two_classes(tmp_path, capsys, inception_weights):
    data = _tiny(tmp_path / "d", ("cats", "dogs"))
    shutil.copyfile(data / "cats" / "0.png", data / "dogs" / "copy.png")
    line = _retrain_error(capsys, data, tmp_path, inception_weights)
    assert "the same photo is in two classes" in line
    assert "0.png ('cats')" in line and "copy.png ('dogs')" in line


def test_a_class_with_no_readable_photo(tmp_path, capsys, inception_weights):
    data = _tiny(tmp_path / "d", ("cats", "dogs"))
    for photo in (data / "dogs").iterdir():
        photo.write_bytes(b"not an image " + photo.name.encode())
    code, _, err = run_cli(
        capsys, "retrain", data, "--out", tmp_path / "m.keras", "--weights", inception_weights
    )
    assert code == 1 and not (tmp_path / "m.keras").exists()
    assert err.strip().splitlines()[-1] == (
        "error: the class 'dogs' has 0 readable photos; at least 2 are needed "
        "(one to train on, one to validate)"
    )


def test_an_output_that_cannot_be_written_is_known_before_any_work(
    tmp_path, capsys, inception_weights
):
    data = _tiny(tmp_path / "d", ("cats", "dogs"))
    (tmp_path / "blocked").write_text("a file where a folder is needed")
    line = _retrain_error(capsys, data, tmp_path / "blocked", inception_weights)
    assert "cannot write" in line
    assert not (tmp_path / "cache" / "features").exists()


def test_a_bad_validation_fraction_is_a_usage_error(tmp_path, capsys, inception_weights):
    data = _tiny(tmp_path / "d", ("cats", "dogs"))
    code, _, err = run_cli(
        capsys, "retrain", data, "--out", tmp_path / "m.keras", "--validation", "1.5"
    )
    assert code == 2 and "--validation must be between 0 and 1" in err


@pytest.mark.parametrize("kind", ["mnist", "text"])
def test_a_model_that_is_not_a_retrained_one(kind, tmp_path, capsys):
    from inception_desktop.core.store.resources import MNIST_MODEL, resource_path

    data = _tiny(tmp_path / "d", ("cats", "dogs"))
    model = tmp_path / "model.keras"
    if kind == "mnist":
        with resource_path(MNIST_MODEL) as shipped:
            shutil.copyfile(shipped, model)
    else:
        model.write_text("not a model")
    code, out, err = run_cli(capsys, "evaluate", model, "--data", data)
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    expected = "not a retrained model (an MNIST model" if kind == "mnist" else "not a .keras"
    assert expected in lines[0]


# ----------------------------------------------------------------------------- the parts


def test_split_is_stratified_and_repeatable():
    from inception_desktop.core.training.retrain.dataset import split

    labels = np.array([0] * 10 + [1] * 30 + [2] * 2)
    train, val = split(labels, 0.2, seed=1)
    assert np.bincount(labels[val]).tolist() == [2, 6, 1]
    assert sorted([*train, *val]) == list(range(len(labels)))
    again = split(labels, 0.2, seed=1)
    assert train.tolist() == again[0].tolist() and val.tolist() == again[1].tolist()
    assert val.tolist() != split(labels, 0.2, seed=2)[1].tolist()


def test_feature_cache_refuses_damaged_entries(tmp_path):
    from inception_desktop.core.photo.framing import Framing
    from inception_desktop.core.training.retrain.cache import FeatureCache

    cache = FeatureCache("md5", Framing("crop"), root=tmp_path)
    values = np.arange(2048, dtype=np.float32)
    cache.put("ab" * 32, values)
    np.testing.assert_array_equal(cache.get("ab" * 32), values)
    (entry,) = tmp_path.rglob("*.f32")
    damaged = bytearray(entry.read_bytes())
    damaged[10] ^= 1
    entry.write_bytes(bytes(damaged))
    assert cache.get("ab" * 32) is None
    entry.write_bytes(entry.read_bytes()[:100])
    assert cache.get("ab" * 32) is None and cache.hits == 1 and cache.misses == 2
    other = FeatureCache("md5", Framing("pad", pad_color=(0, 0, 0)), root=tmp_path)
    assert other.folder != cache.folder


def test_warnings_for_few_photos_and_imbalance(tmp_path):
    from inception_desktop.core.training.retrain.dataset import scan

    data = _tiny(tmp_path / "d", ("cats", "dogs"), per_class=2)
    for i in range(20):
        Image.new("RGB", (4, 4), (i, 0, 200)).save(data / "dogs" / f"more{i}.png")
    warnings = scan(data).warnings()
    assert warnings[0].startswith("class 'cats' has only 2 photos")
    assert "imbalanced (22 vs 2 photos)" in warnings[-1]


@pytest.mark.slow
def test_a_saved_model_exports_with_from_and_scores_as_classify_does(
    trained, shared_cache, inception_weights, tmp_path, capsys
):
    """``retrain --from MODEL.keras --export-tflite``: one self-contained file (Inception v3 and
    the head) with its labels beside it, whose scores are the ones the app serves. One export
    for both checks: converting Inception v3 costs ~30 s of the suite each time."""
    from inception_desktop.core.models.litert import LiteRTModel
    from inception_desktop.core.training.retrain.classifier import load_classifier

    target = tmp_path / "shapes.tflite"
    code, out, err = run_cli(
        capsys, "retrain", "--from", trained["model"], "--export-tflite", target,
        "--weights", inception_weights, "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["tflite"] == str(target) and target.stat().st_size > 1_000_000
    labels = json.loads((tmp_path / "shapes.labels.json").read_text())
    assert labels["labels"] == list(CLASSES) and labels["framing"]["mode"] == "pad"
    pixels = np.random.default_rng(0).integers(0, 255, (2, 299, 299, 3), dtype=np.uint8)
    exported = LiteRTModel(target).run(pixels)["scores"]
    served = load_classifier(trained["model"], inception_weights, "litert")
    np.testing.assert_allclose(exported, served.predictor.predict_batch(pixels), atol=2e-3)
    # its answers name their weights: the head's file, then the backbone's
    from inception_desktop.core.store.download import file_digest

    both = f"{file_digest(trained['model'])}+{file_digest(inception_weights)}"
    assert served.classify(pixels[0]).weights == both


def test_from_refuses_a_data_dir_and_a_model_that_is_not_retrained(tmp_path, capsys):
    code, _, err = run_cli(
        capsys,
        "retrain",
        tmp_path,
        "--from",
        tmp_path / "m.keras",
        "--export-tflite",
        tmp_path / "x.tflite",
    )
    assert code == 2 and "--from MODEL.keras takes --export-tflite FILE" in err
    code, _, err = run_cli(capsys, "retrain", "--out", tmp_path / "m.keras")
    assert code == 2 and "DATA_DIR and --out MODEL.keras are required" in err
    junk = tmp_path / "junk.keras"
    junk.write_bytes(b"not a zip")
    code, _, err = run_cli(
        capsys, "retrain", "--from", junk, "--export-tflite", tmp_path / "x.tflite"
    )
    assert code == 1 and err.count("error:") == 1 and str(junk) in err


def test_augment_adds_the_mirrored_training_photos(
    shared_cache, inception_weights, tmp_path, capsys
):
    from inception_desktop.core.training.retrain.model_file import load

    data = make_classes(tmp_path / "data", per_class=5, seed=11)
    model = tmp_path / "m.keras"
    code, out, err = run_cli(
        capsys, "retrain", data, "--out", model, "--weights", inception_weights,
        "--runtime", "litert", "--augment", "--json", "--epochs", "3",
    )  # fmt: skip
    assert code == 0, err
    out = json.loads(out)
    assert out["train"] == 12 and out["validation"] == 3  # photos: 4 + 1 per class
    assert out["computed"] == 15 + 12  # every photo, then the 12 training ones mirrored
    assert "mirrored: 12 photos" in err
    assert load(model).metadata["augmented"] == ["flip"]
    # both augmentations: the mirrors come from the cache, the crops are computed
    code, out, err = run_cli(
        capsys, "retrain", data, "--out", model, "--weights", inception_weights,
        "--runtime", "litert", "--augment", "crop,flip", "--json", "--epochs", "3",
    )  # fmt: skip
    assert code == 0, err
    out = json.loads(out)
    assert out["computed"] == 12 and out["cache_hits"] == 15 + 12
    assert "mirrored: 12 photos" in err and "cropped: 12 photos" in err
    assert load(model).metadata["augmented"] == ["flip", "crop"]
    with pytest.raises(SystemExit) as usage:
        main(["retrain", str(data), "--out", str(model), "--augment", "rotate"])
    err = capsys.readouterr().err
    assert usage.value.code == 2 and "unknown augmentation 'rotate': choose from flip, crop" in err


def test_a_crop_variant_is_the_photo_cropped_then_framed(tmp_path):
    """The crop is drawn from the photo's content hash (the same every run, so cacheable), keeps
    70-90% of each side inside the photo, and is framed as every photo is."""
    from inception_desktop.core.photo.framing import Framing
    from inception_desktop.core.photo.prepare import load_photo, network_input
    from inception_desktop.core.training.retrain.dataset import (
        CROP,
        FLIP,
        Sample,
        augmented,
        crop_box,
        scan,
    )
    from inception_desktop.core.training.retrain.features import _prepare

    boxes = {crop_box(hashlib.sha256(bytes([n])).hexdigest(), 400, 300) for n in range(50)}
    assert len(boxes) > 40  # drawn per photo
    for box in boxes:
        assert 0.7 * 400 - 1 <= box.w <= 0.9 * 400 + 1 and 0.7 * 300 - 1 <= box.h <= 0.9 * 300 + 1
        assert box.x >= 0 and box.y >= 0 and box.x + box.w <= 400 and box.y + box.h <= 300
    assert crop_box("ab" * 32, 400, 300) == crop_box("ab" * 32, 400, 300)
    data = scan(make_classes(tmp_path / "data", per_class=3, seed=5))
    paths = [str(s.path) for s in data.samples[:2]]
    more = augmented(data, paths, (FLIP, CROP))
    assert [s.variant for s in more.samples] == [FLIP, FLIP, CROP, CROP]
    assert {s.key for s in more.samples[2:]} == {f"{s.sha256}-crop" for s in data.samples[:2]}
    sample = more.samples[2]
    framing = Framing("pad")
    array, error = _prepare(sample, framing)
    loaded = load_photo(sample.path)
    box = crop_box(sample.sha256, *loaded.original_size)
    expected = network_input(loaded, Framing("pad", box), 299).array
    assert error is None and np.array_equal(array, expected)
    plain, _ = _prepare(Sample(sample.path, sample.label, sample.sha256), framing)
    assert not np.array_equal(array, plain)
    with pytest.raises(ValueError, match="unknown augmentation 'blur'"):
        augmented(data, paths, ("blur",))


# ----------------------------------------------------------------------------- "none of these"


def test_temperature_scaling_makes_an_overconfident_model_honest():
    from inception_desktop.core.training.retrain import calibration

    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 400)
    right = rng.random(400) < 0.7  # 70% right, but always 99% sure: over-confident
    answer = np.where(right, labels, (labels + 1) % 3)
    scores = np.full((400, 3), 0.005)
    scores[np.arange(400), answer] = 0.99
    temperature = calibration.fit_temperature(scores, labels)
    assert temperature > 2.0
    calibrated = calibration.calibrate(scores, temperature)
    assert abs(calibrated.max(axis=1).mean() - 0.7) < 0.05  # as sure as it is right
    assert (np.argmax(calibrated, axis=1) == answer).all()  # the ranking is unchanged
    threshold = calibration.unknown_threshold(calibrated, labels)
    assert 0.0 < threshold <= calibrated.max() + 1e-6  # (kept to 6 decimals)


def test_a_retrained_model_is_calibrated_and_answers_unknown_below_its_threshold(
    trained, shared_cache, inception_weights, tmp_path, capsys
):
    from inception_desktop.core.training.retrain.model_file import load

    card = load(trained["model"]).metadata
    assert card["temperature"] > 0 and 0.0 <= card["unknown_threshold"] <= 1.0
    with Image.open(trained["report"] / "calibration.png") as picture:
        assert picture.width > 600
    rng = np.random.default_rng(7)
    photos = []
    for n, kind in enumerate([*CLASSES, *CLASSES]):
        path = tmp_path / f"{n}.png"
        Image.fromarray(make_photo(kind, rng)).save(path)
        photos.append(path)
    noise = tmp_path / "noise.png"  # a photo of none of its classes
    Image.fromarray(rng.integers(0, 255, (70, 70, 3), dtype=np.uint8)).save(noise)
    photos.append(noise)

    def classify(unknown: str) -> list[dict]:
        code, out, err = run_cli(
            capsys, "classify", *photos, "--model", trained["model"], "--weights",
            inception_weights, "--json", "--top", "2", "--unknown", unknown,
        )  # fmt: skip
        assert code == 0, err
        return json.loads(out)

    results = classify("auto")
    for r in results:
        assert len(r["top"]) == 2 and 0.0 < r["confidence"] <= 1.0
        assert r["unknown"] == (r["confidence"] < card["unknown_threshold"])
    confidences = sorted({r["confidence"] for r in results})
    assert len(confidences) >= 2
    middle = (confidences[0] + confidences[1]) / 2  # between the two least sure answers
    results = classify(repr(middle))
    assert [r["unknown"] for r in results] == [r["confidence"] < middle for r in results]
    assert any(r["unknown"] for r in results) and not all(r["unknown"] for r in results)
    code, _, err = run_cli(capsys, "classify", photos[0], "--model", "mnist", "--unknown", "auto")
    assert code == 2 and "--unknown is for models made by 'retrain'" in err


def test_pad_features_from_the_full_decode_are_not_mixed_with_todays(tmp_path):
    """Padded JPEGs are now decoded at the size their longer side needs, which changes their
    pixels a little: features cached from the full decode are kept under another key, never
    read for today's, and their folder is removed once today's cache for them is used."""
    from inception_desktop.core.photo.framing import Framing
    from inception_desktop.core.training.retrain.cache import FeatureCache

    old = tmp_path / "md5-pad-808080" / "ab"
    old.mkdir(parents=True)
    (old / f"{'ab' * 32}.f32").write_bytes(b"features of the full decode")
    keep = tmp_path / "other-pad-808080"  # another weights file's: left alone
    keep.mkdir()
    cache = FeatureCache("md5", Framing("pad"), root=tmp_path)
    assert cache.folder.name == "md5-pad2-808080"
    assert not (tmp_path / "md5-pad-808080").exists() and keep.is_dir()
    assert cache.get("ab" * 32) is None
