"""core.mnist.data: the IDX reader on good and broken files, locating, downloading, splits."""

from __future__ import annotations

import gzip
import hashlib
import struct
from pathlib import Path

import numpy as np
import pytest

from inception_desktop.core.training.mnist import data


def _idx(array: np.ndarray) -> bytes:
    magic = 0x0800 | array.ndim
    return (
        struct.pack(">I", magic)
        + b"".join(struct.pack(">I", n) for n in array.shape)
        + array.astype(np.uint8).tobytes()
    )


@pytest.mark.parametrize("compress", [False, True])
def test_reads_images_and_labels(tmp_path: Path, compress: bool):
    images = np.arange(3 * 28 * 28, dtype=np.uint32).reshape(3, 28, 28) % 256
    raw = _idx(images)
    path = tmp_path / "img.idx"
    path.write_bytes(gzip.compress(raw) if compress else raw)
    np.testing.assert_array_equal(data.read_idx(path, 2051), images)
    labels = np.array([5, 0, 4], np.uint8)
    (tmp_path / "lab.idx").write_bytes(_idx(labels))
    np.testing.assert_array_equal(data.read_idx(tmp_path / "lab.idx", 2049), labels)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda b: b[:-10], "truncated"),
        (lambda b: b + b"xx", "trailing data"),
        (lambda b: b[:3], "too short"),
        (lambda b: b"\x00\x00\x0d\x03" + b[4:], "not an unsigned-byte IDX"),
        (lambda b: b[:6], "truncated header"),
    ],
)
def test_broken_files_fail_with_a_clear_reason(tmp_path: Path, mutate, message):
    good = _idx(np.zeros((2, 28, 28), np.uint8))
    path = tmp_path / "bad.idx"
    path.write_bytes(mutate(good))
    with pytest.raises(data.MnistDataError, match=message) as info:
        data.read_idx(path)
    assert str(path) in str(info.value)


def test_wrong_magic_and_bad_gzip(tmp_path: Path):
    (tmp_path / "labels.idx").write_bytes(_idx(np.zeros(4, np.uint8)))
    with pytest.raises(data.MnistDataError, match="magic number 2049, expected 2051"):
        data.read_idx(tmp_path / "labels.idx", 2051)
    (tmp_path / "bad.gz").write_bytes(gzip.compress(b"x" * 100)[:20])
    with pytest.raises(data.MnistDataError, match="gzip"):
        data.read_idx(tmp_path / "bad.gz")


def test_the_shared_copy_splits_like_the_seeds(mnist_splits):
    s = mnist_splits
    assert (len(s.x_train), len(s.x_val), len(s.x_test)) == (55000, 5000, 10000)
    assert s.x_train.shape[1:] == (28, 28) and s.x_train.dtype == np.uint8
    assert list(s.y_train[:5]) == [5, 0, 4, 1, 9] and list(s.y_test[:5]) == [7, 2, 1, 0, 4]
    assert abs(s.x_test.mean() / 255 - 0.1325) < 0.001


def test_locate_order_and_missing_data(tmp_path: Path, monkeypatch, isolated_cache: Path):
    assert data.locate(tmp_path) == tmp_path
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "env"))
    assert data.locate() == tmp_path / "env"
    monkeypatch.delenv(data.DATA_ENV)
    assert data.locate() is None
    with pytest.raises(data.MnistDataError, match="no MNIST data found"):
        data.load(allow_download=False)
    with pytest.raises(data.MnistDataError, match="missing"):
        data.load(tmp_path)


def test_download_from_a_local_server_is_hash_checked(http_server, tmp_path: Path):
    files, md5 = {}, {}
    for file_name, _, shape in data.FILES.values():
        small = np.ones((4, *shape[1:]), np.uint8)
        body = gzip.compress(_idx(small))
        files[file_name] = body
        md5[file_name] = hashlib.md5(body).hexdigest()
    http_server.files.update({f"mnist/{k}": v for k, v in files.items()})
    seen: list[int] = []
    target = data.download(
        tmp_path / "mnist",
        http_server.url("mnist/"),
        md5=md5,
        progress=lambda done, total: seen.append(done),
    )
    assert sorted(p.name for p in target.iterdir()) == sorted(files)
    assert seen and seen[-1] > 0
    requests_before = len(http_server.requests)
    data.download(tmp_path / "mnist", http_server.url("mnist/"), md5=md5)  # all present: no fetch
    assert len(http_server.requests) == requests_before
    with pytest.raises(data.MnistDataError, match="shape"):
        data.load(target)  # 4 images is not MNIST
    bad = dict(md5, **{"t10k-labels-idx1-ubyte.gz": "0" * 32})
    (target / "t10k-labels-idx1-ubyte.gz").unlink()
    from inception_desktop.core.store.download import DownloadError

    with pytest.raises(DownloadError, match="expected 0000"):
        data.download(target, http_server.url("mnist/"), md5=bad)
    assert not (target / "t10k-labels-idx1-ubyte.gz").exists()
