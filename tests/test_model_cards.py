"""Malformed model cards of retrained models (issue 23, defect 3).

Each card is built from scratch in a ``.keras``-shaped zip (the card and the head's arrays; Keras'
own members are not needed to serve a head), so these tests need no TensorFlow. Every malformed
card must be one clear error naming its field: exit 1, never an internal error (70) and never the
MNIST path.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from inception_desktop.cli import main
from inception_desktop.core.models.mnist_file import METADATA_MEMBER
from inception_desktop.core.training.retrain import FEATURE_SIZE, RetrainError
from inception_desktop.core.training.retrain.model_file import HEAD_MEMBER, KIND, load

CLASSES = ["cat", "dog"]


def head_arrays(classes: int = len(CLASSES)) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {
        "mean": np.zeros(FEATURE_SIZE, np.float32),
        "variance": np.ones(FEATURE_SIZE, np.float32),
        "kernel_0": rng.normal(size=(FEATURE_SIZE, classes)).astype(np.float32),
        "bias_0": np.zeros(classes, np.float32),
    }


def good_card(**changes: Any) -> dict[str, Any]:
    card: dict[str, Any] = {
        "kind": KIND,
        "format": 1,
        "classes": list(CLASSES),
        "framing": {"mode": "pad", "pad_color": [128, 128, 128]},
        "weights_md5": "0" * 32,
        "train": 10,
        "val_accuracy": 0.5,
        "per_class": {"cat": 0.5, "dog": None},
    }
    card.update(changes)
    return card


def model_file(path: Path, card: bytes | dict | list, head: bytes | None = None) -> Path:
    if head is None:
        buffer = io.BytesIO()
        np.savez(buffer, **head_arrays())  # type: ignore[arg-type]
        head = buffer.getvalue()
    raw = card if isinstance(card, bytes) else json.dumps(card).encode()
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", "{}")
        archive.writestr(METADATA_MEMBER, raw)
        archive.writestr(HEAD_MEMBER, head)
    return path


def test_a_good_card_loads(tmp_path: Path):
    model = load(model_file(tmp_path / "m.keras", good_card()))
    assert model.classes == ("cat", "dog")
    assert model.framing.pad_color == (128, 128, 128)


BAD_CARDS = [
    ({"framing": "pad"}, "'framing' is 'pad'; expected an object"),
    ({"framing": {"mode": "pad", "pad_color": [999, -1, "x"]}}, "'framing.pad_color'"),
    ({"framing": {"mode": "pad", "pad_color": [1, 2]}}, "'framing.pad_color' is [1, 2]"),
    ({"framing": {"mode": "pad", "pad_color": [999, -1, 0]}}, "three whole numbers from 0 to 255"),
    ({"framing": {"mode": "zoom"}}, "'framing.mode' is 'zoom'; expected one of"),
    ({"framing": {"mode": "pad", "pad_color": [True, 0, 0]}}, "'framing.pad_color'"),
    ({"classes": "cat,dog"}, "'classes' is 'cat,dog'"),
    ({"classes": [1, 2]}, "'classes' is [1, 2]"),
    ({"classes": ["cat", "cat"]}, "each class name once"),
    ({"weights_md5": 5}, "'weights_md5' is 5; expected text"),
    ({"train": -3}, "'train' is -3"),
    ({"val_accuracy": 7}, "'val_accuracy' is 7; expected a number from 0 to 1"),
    ({"per_class": ["cat"]}, "'per_class'"),
    ({"format": 99}, "format 99, made by a newer version"),
]


@pytest.mark.parametrize(("change", "message"), BAD_CARDS)
def test_each_bad_field_is_named(tmp_path: Path, change: dict, message: str):
    path = model_file(tmp_path / "m.keras", good_card(**change))
    with pytest.raises(RetrainError) as info:
        load(path)
    assert message in str(info.value)
    assert str(info.value).startswith(f"{path}: ")


def test_a_card_that_is_not_json_or_not_an_object(tmp_path: Path):
    for name, card, message in (
        ("text.keras", b"not json {", "unreadable metadata"),
        ("list.keras", [1, 2, 3], "unreadable metadata (not a JSON object)"),
    ):
        with pytest.raises(RetrainError, match=message.replace("(", r"\(").replace(")", r"\)")):
            load(model_file(tmp_path / name, card))


def test_a_head_of_python_objects_is_refused_without_suggesting_pickles(tmp_path: Path):
    buffer = io.BytesIO()
    arrays: dict[str, Any] = dict(head_arrays())
    arrays["mean"] = np.array([object()] * 3, dtype=object)
    np.savez(buffer, **arrays)
    path = model_file(tmp_path / "m.keras", good_card(), buffer.getvalue())
    with pytest.raises(RetrainError) as info:
        load(path)
    assert "allow_pickle" not in str(info.value)
    assert "Python objects, which are never loaded" in str(info.value)


@pytest.mark.parametrize("head", [b"garbage", b"PK\x03\x04" + b"\x00" * 40, b""])
def test_a_garbage_head_is_a_clear_error(tmp_path: Path, head: bytes):
    path = model_file(tmp_path / "m.keras", good_card(), head)
    with pytest.raises(RetrainError, match="the retrained head's weights are unreadable") as info:
        load(path)
    assert "allow_pickle" not in str(info.value)


@pytest.mark.parametrize(
    ("card", "message"),
    [
        (good_card(framing="pad"), "'framing' is 'pad'"),
        (good_card(framing={"mode": "pad", "pad_color": [999, -1, 0]}), "'framing.pad_color'"),
        (b"{broken", "unreadable metadata"),
        ([1, 2], "not a JSON object"),
    ],
)
@pytest.mark.parametrize("command", ["classify", "evaluate", "explain"])
def test_commands_say_which_field_is_wrong(tmp_path, capsys, card, message, command):
    photo = tmp_path / "photo.png"
    Image.new("RGB", (32, 32), (200, 10, 10)).save(photo)
    path = model_file(tmp_path / "m.keras", card)
    argv = {
        "classify": ["classify", str(photo), "--model", str(path)],
        "evaluate": ["evaluate", str(path), "--data", str(tmp_path)],
        "explain": ["explain", str(photo), "--model", str(path), "--out", str(tmp_path / "x")],
    }[command]
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 1, err
    assert message in err
    assert "MNIST" not in err
