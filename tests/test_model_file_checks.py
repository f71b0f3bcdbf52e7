"""Model and weights files that are not files (issue 23, defects 1 and 8).

Every path to a model or weights file is checked to name a regular file of a sane size before
anything reads or hashes it: a named pipe would block forever, ``/dev/zero`` never ends, and a
2 GB sparse file took 8-14 s to hash before its size was looked at.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from inception_desktop.cli import main
from inception_desktop.core.models.mnist import load_classifier
from inception_desktop.core.models.mnist_file import ModelFileError
from inception_desktop.core.store.regular_files import (
    UnreadableFileError,
    check_regular_file,
    regular_file_digest,
)
from tests.test_untrusted_inputs import finishes_without_blocking

fifos = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
dev_zero = pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")


def sparse(path: Path, size: int = 2 * 10**9) -> Path:
    with path.open("wb") as out:
        out.truncate(size)
    return path


@fifos
def test_an_mnist_model_that_is_a_fifo_is_refused_without_blocking(tmp_path: Path):
    fifo = tmp_path / "model.keras"
    os.mkfifo(fifo)
    error = finishes_without_blocking(lambda: load_classifier(fifo, "litert"), fifo)
    assert isinstance(error, ModelFileError)
    assert str(error) == f"{fifo}: a named pipe, not a regular file; not read"


@dev_zero
def test_dev_zero_as_a_model_is_refused():
    with pytest.raises(ModelFileError, match="a character device, not a regular file"):
        load_classifier("/dev/zero", "litert")


def test_a_sparse_2_gb_model_is_refused_by_size_before_hashing(tmp_path: Path):
    path = sparse(tmp_path / "big.keras")
    started = time.perf_counter()
    with pytest.raises(ModelFileError, match=r"too large: the file is 2\.0 GB"):
        load_classifier(path, "litert")
    assert time.perf_counter() - started < 1.0


def test_a_sparse_2_gb_tflite_is_refused_by_size(tmp_path: Path):
    from inception_desktop.core.models.litert import LiteRTFileError, LiteRTModel

    path = sparse(tmp_path / "big.tflite")
    started = time.perf_counter()
    with pytest.raises(LiteRTFileError, match=r"too large: the file is 2\.0 GB"):
        LiteRTModel(path)
    assert time.perf_counter() - started < 1.0


@fifos
def test_a_tflite_that_is_a_fifo_is_refused_without_blocking(tmp_path: Path):
    from inception_desktop.core.models.litert import LiteRTFileError, LiteRTModel

    fifo = tmp_path / "model.tflite"
    os.mkfifo(fifo)
    error = finishes_without_blocking(lambda: LiteRTModel(fifo), fifo)
    assert isinstance(error, LiteRTFileError)


@fifos
def test_weights_that_are_a_fifo_are_refused_without_blocking(tmp_path: Path):
    from inception_desktop.core.store.weights import WeightsError
    from inception_desktop.core.training.retrain.features import resolve_weights

    fifo = tmp_path / "weights.h5"
    os.mkfifo(fifo)
    error = finishes_without_blocking(lambda: resolve_weights(fifo), fifo)
    assert isinstance(error, WeightsError)
    assert "a named pipe, not a regular file" in str(error)


def test_sparse_weights_are_refused_by_size(tmp_path: Path):
    from inception_desktop.core.store.weights import WeightsError, import_file

    path = sparse(tmp_path / "weights.h5")
    started = time.perf_counter()
    with pytest.raises(WeightsError, match="too large"):
        import_file(path)
    assert time.perf_counter() - started < 1.0


@fifos
def test_classify_with_a_fifo_model_returns_one_clear_line(tmp_path: Path, capsys):
    from PIL import Image

    photo = tmp_path / "digit.png"
    Image.new("L", (28, 28), 0).save(photo)
    fifo = tmp_path / "model.keras"
    os.mkfifo(fifo)
    codes: list[int] = []
    error = finishes_without_blocking(
        lambda: codes.append(main(["classify", str(photo), "--model", str(fifo)])), fifo
    )
    assert error is None
    assert codes == [1]
    assert "a named pipe, not a regular file" in capsys.readouterr().err


def test_the_digest_checks_before_reading(tmp_path: Path):
    small = tmp_path / "small.bin"
    small.write_bytes(b"abc")
    assert regular_file_digest(small, 3, "md5") == "900150983cd24fb0d6963f7d28e17f72"
    assert check_regular_file(small, 3) == 3
    with pytest.raises(UnreadableFileError, match="too large"):
        regular_file_digest(small, 2)
    with pytest.raises(UnreadableFileError, match="is a folder"):
        check_regular_file(tmp_path, 10)
