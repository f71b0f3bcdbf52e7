"""MNIST in its canonical IDX form: reading, locating and downloading it.

The reader checks every header field against the file's real length, so a wrong or truncated file
fails with a message that names it instead of yielding garbage pixels to a training run.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import math
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from inception_desktop.core.digit import contract
from inception_desktop.core.errors import InceptionDesktopError
from inception_desktop.core.store import paths
from inception_desktop.core.store.download import (
    CancelToken,
    ProgressCallback,
    download_file,
    file_digest,
)
from inception_desktop.core.store.regular_files import (
    UnreadableFileError,
    open_regular_file,
    size_text,
)

log = logging.getLogger(__name__)

#: The four standard files, keyed by role: (file name, magic number, shape after the header).
FILES: dict[str, tuple[str, int, tuple[int, ...]]] = {
    "train_images": ("train-images-idx3-ubyte.gz", 2051, (60000, *contract.IMAGE_SHAPE)),
    "train_labels": ("train-labels-idx1-ubyte.gz", 2049, (60000,)),
    "test_images": ("t10k-images-idx3-ubyte.gz", 2051, (10000, *contract.IMAGE_SHAPE)),
    "test_labels": ("t10k-labels-idx1-ubyte.gz", 2049, (10000,)),
}

#: md5 of the files published by LeCun et al. (the values torchvision checks too).
ORIGINAL_MD5 = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}

#: A public mirror of the original files (the original site often refuses downloads).
DEFAULT_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"
URL_ENV = "INCEPTION_DESKTOP_MNIST_URL"
DATA_ENV = "INCEPTION_DESKTOP_MNIST"

#: Largest IDX content accepted once decompressed (MNIST's largest file holds 47 MB).
MAX_IDX_BYTES = 256_000_000
#: A gzip file may be slightly larger than what it holds (incompressible data).
_GZIP_SLACK = 64 * 1024
_CHUNK = 1 << 20

#: The seeds hold out the last 5,000 training images for validation.
VALIDATION_SIZE = 5000


class _Readable(Protocol):
    """What the IDX reader needs of a stream: a plain file or a gzip stream over one."""

    def read(self, size: int = -1, /) -> bytes: ...


class MnistDataError(InceptionDesktopError):
    """A data file is missing, wrong or truncated; the message names the file and the reason."""


@dataclass(frozen=True)
class MnistSplits:
    """Train/validation/test arrays: images uint8 (N, 28, 28), labels uint8 (N,)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    directory: Path
    digest: str

    @property
    def summary(self) -> str:
        return f"{len(self.x_train)} train, {len(self.x_val)} validation, {len(self.x_test)} test"


def read_idx(
    path: str | Path, expected_magic: int | None = None, *, max_bytes: int = MAX_IDX_BYTES
) -> np.ndarray:
    """Read one IDX file (gzipped or not) into a uint8 array, checking its header and length.

    Every failure is a :class:`MnistDataError` naming the file: not a regular file (a named pipe
    or device is never opened for reading), a damaged gzip stream of any kind, a header whose
    dimensions multiply past ``max_bytes``, a body shorter or longer than the header says.
    Decompression is streamed and stops one byte past what the header declares, so a gzip bomb
    costs no more than the limit.
    """
    path = Path(path)
    try:
        stream = open_regular_file(path, max_bytes + _GZIP_SLACK)
    except UnreadableFileError as exc:
        raise MnistDataError(f"{path}: {exc.reason}") from None
    with stream:
        gzipped = stream.read(2) == b"\x1f\x8b"
        stream.seek(0)
        try:
            if gzipped:
                with gzip.GzipFile(fileobj=stream, mode="rb") as unzipped:
                    return _parse_idx(unzipped, path, expected_magic, max_bytes)
            return _parse_idx(stream, path, expected_magic, max_bytes)
        except MemoryError:
            raise MnistDataError(f"{path}: not enough memory to read it") from None
        except (OSError, EOFError, zlib.error) as exc:  # BadGzipFile is an OSError
            if gzipped:
                raise MnistDataError(f"{path}: corrupt or truncated gzip data ({exc})") from None
            cause = getattr(exc, "strerror", None) or exc
            raise MnistDataError(f"{path}: cannot read ({cause})") from None


def _parse_idx(
    stream: _Readable, path: Path, expected_magic: int | None, max_bytes: int
) -> np.ndarray:
    head = _read_up_to(stream, 4)
    if len(head) < 4:
        raise MnistDataError(f"{path}: too short to be an IDX file ({len(head)} bytes)")
    magic = int.from_bytes(head, "big")
    if head[0] != 0 or head[1] != 0 or head[2] != 0x08:
        raise MnistDataError(f"{path}: not an unsigned-byte IDX file (magic number {magic})")
    if expected_magic is not None and magic != expected_magic:
        raise MnistDataError(f"{path}: magic number {magic}, expected {expected_magic}")
    ndim = head[3]
    dims = _read_up_to(stream, 4 * ndim)
    if ndim == 0 or len(dims) < 4 * ndim:
        raise MnistDataError(f"{path}: truncated header")
    shape = struct.unpack(f">{ndim}I", dims)
    dims_text = "x".join(map(str, shape))
    if 0 in shape:  # numpy refuses such a shape when the other dimensions overflow its index
        raise MnistDataError(f"{path}: header says {dims_text}: an empty dimension, no data")
    expected = math.prod(shape)  # exact: Python integers do not overflow
    described = f"{dims_text} = {expected} bytes of data"
    if 4 + 4 * ndim + expected > max_bytes:
        raise MnistDataError(
            f"{path}: header says {described}, more than the limit of {size_text(max_bytes)}"
        )
    body = _read_up_to(stream, expected + 1)  # one byte more reveals trailing data
    if len(body) < expected:
        raise MnistDataError(f"{path}: header says {described}, file holds {len(body)} (truncated)")
    if len(body) > expected:
        raise MnistDataError(f"{path}: header says {described}, file holds more (trailing data)")
    return np.frombuffer(body, dtype=np.uint8).reshape(shape)


def _read_up_to(stream: _Readable, n: int) -> bytearray:
    """At most ``n`` bytes, read in chunks (never more than one chunk past what arrived)."""
    buffer = bytearray()
    while len(buffer) < n:
        chunk = stream.read(min(_CHUNK, n - len(buffer)))
        if not chunk:
            break
        buffer += chunk
    return buffer


def to_input(images: np.ndarray) -> np.ndarray:
    """uint8 (N, 28, 28) → float32 (N, 28, 28, 1) in [0, 1]: what every MNIST model here takes."""
    return (images.astype(np.float32) / contract.PIXEL_MAX)[..., None]


def _find_file(directory: Path, name: str) -> Path | None:
    for candidate in (directory / name, directory / name.removesuffix(".gz")):
        if candidate.is_file():
            return candidate
    return None


def locate(data_dir: str | Path | None = None) -> Path | None:
    """The directory holding the four files: ``data_dir``, then ``$INCEPTION_DESKTOP_MNIST``,
    then the user's cache when it holds a complete copy; None otherwise.

    An explicit directory is returned even when incomplete, so that the error names it instead of
    silently downloading somewhere else.
    """
    if data_dir is not None:
        return Path(data_dir)
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV])
    cached = paths.cache_dir() / "mnist"
    if all(_find_file(cached, name) for name, _, _ in FILES.values()):
        return cached
    return None


def download(
    directory: Path | None = None,
    base_url: str | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    md5: dict[str, str] | None = None,
) -> Path:
    """Fetch the four standard files into ``directory`` (the cache by default), hash-checked.

    Files already present with the right hash are kept, so an interrupted run resumes per file.
    """
    directory = directory or paths.cache_dir() / "mnist"
    base_url = base_url or os.environ.get(URL_ENV) or DEFAULT_URL
    hashes = md5 or ORIGINAL_MD5
    for name, _, _ in FILES.values():
        target = directory / name
        if target.is_file() and file_digest(target, "md5") == hashes[name]:
            continue
        log.info("downloading %s", name)
        download_file(
            base_url.rstrip("/") + "/" + name,
            target,
            expected_hash=hashes[name],
            algorithm="md5",
            progress=progress,
            cancel=cancel,
        )
    return directory


def load(
    data_dir: str | Path | None = None,
    allow_download: bool = True,
    progress: ProgressCallback | None = None,
) -> MnistSplits:
    """Load the splits, downloading into the cache when no copy is found and that is allowed."""
    directory = locate(data_dir)
    if directory is None:
        if not allow_download:
            raise MnistDataError(
                "no MNIST data found: pass --data DIR, set INCEPTION_DESKTOP_MNIST, "
                f"or let it download into {paths.cache_dir() / 'mnist'}"
            )
        directory = download(progress=progress)
    arrays: dict[str, np.ndarray] = {}
    digest_parts: list[str] = []
    for role, (name, magic, shape) in FILES.items():
        path = _find_file(directory, name)
        if path is None:
            raise MnistDataError(f"{directory / name}: missing (expected the four MNIST IDX files)")
        array = read_idx(path, magic)
        if array.shape != shape:
            raise MnistDataError(f"{path}: shape {array.shape}, expected {shape}")
        arrays[role] = array
        digest_parts.append(_array_digest(array))
    return MnistSplits(
        x_train=arrays["train_images"][:-VALIDATION_SIZE],
        y_train=arrays["train_labels"][:-VALIDATION_SIZE],
        x_val=arrays["train_images"][-VALIDATION_SIZE:],
        y_val=arrays["train_labels"][-VALIDATION_SIZE:],
        x_test=arrays["test_images"],
        y_test=arrays["test_labels"],
        directory=directory,
        digest=_combine(digest_parts),
    )


def _array_digest(array: np.ndarray) -> str:
    return hashlib.sha256(array.tobytes()).hexdigest()


def _combine(parts: list[str]) -> str:
    """A short fingerprint of the decoded pixels and labels, recorded in each trained model."""
    return hashlib.sha256("".join(parts).encode()).hexdigest()[:16]


__all__ = [
    "FILES",
    "MAX_IDX_BYTES",
    "VALIDATION_SIZE",
    "MnistDataError",
    "MnistSplits",
    "download",
    "load",
    "locate",
    "read_idx",
]
