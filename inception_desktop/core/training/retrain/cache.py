"""Inception features on disk, so that a second run over the same photos skips the network.

An entry is keyed by what decides the features: the photo's content (sha256, not its name or
date), the framing (mode and padding colour) and the md5 of the weights that computed it. Each is
a small file: 2048 float32 then a 16-byte BLAKE2b checksum of them. A truncated, overwritten or
otherwise corrupt entry fails the checksum and is computed again. Entries are written to a
temporary name and renamed (never half-visible); no fsync: losing one to a crash costs a recompute.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np

from inception_desktop.core.photo.framing import Framing
from inception_desktop.core.store import paths
from inception_desktop.core.store.atomic import write_cache_entry
from inception_desktop.core.training.retrain import FEATURE_SIZE

_CHECKSUM = 16
_ENTRY_BYTES = FEATURE_SIZE * 4 + _CHECKSUM


#: Pad's key carries the version of its decode: ``pad2`` since a padded JPEG is decoded at the
#: size its longer side needs (``core.photo.prepare``), whose pixels differ a little from the
#: full decode's; a training set never mixes features of the two.
PAD_KEY = "pad2"
#: Keys of decodes no longer made, whose folders are removed when their successor is used.
_RETIRED = {PAD_KEY: "pad"}


def framing_key(framing: Framing) -> str:
    """The part of a framing that changes the pixels of a whole photo: mode (and pad colour)."""
    if framing.mode == "pad":
        return "{}-{:02x}{:02x}{:02x}".format(PAD_KEY, *framing.pad_color)
    return framing.mode


def default_root() -> Path:
    """Where features are kept unless told otherwise (Help › Where Files Live shows it)."""
    return paths.cache_dir() / "features"


class FeatureCache:
    """Features of one weights file under one framing, in :func:`default_root`."""

    def __init__(self, weights_md5: str, framing: Framing, root: Path | None = None) -> None:
        base = root if root is not None else default_root()
        key = framing_key(framing)
        self.folder = base / f"{weights_md5}-{key}"
        mode, _, colour = key.partition("-")
        if mode in _RETIRED:  # the same features from a decode no longer made: only disk used
            retired = base / f"{weights_md5}-{_RETIRED[mode]}-{colour}"
            shutil.rmtree(retired, ignore_errors=True)
        self.hits = 0
        self.misses = 0

    def _path(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / f"{sha256}.f32"

    def get(self, sha256: str) -> np.ndarray | None:
        """The cached features, or None (missing or corrupt: the caller computes them)."""
        try:
            data = self._path(sha256).read_bytes()
        except OSError:
            data = b""
        body = data[: FEATURE_SIZE * 4]
        if len(data) != _ENTRY_BYTES or data[-_CHECKSUM:] != _checksum(body):
            self.misses += 1
            return None
        self.hits += 1
        return np.frombuffer(body, "<f4").astype(np.float32)

    def put(self, sha256: str, features: np.ndarray) -> None:
        """Store ``features`` (2048 values); a cache that cannot be written is only slower."""
        body = np.ascontiguousarray(features, "<f4").reshape(FEATURE_SIZE).tobytes()
        write_cache_entry(self._path(sha256), body + _checksum(body))


def _checksum(body: bytes) -> bytes:
    return hashlib.blake2b(body, digest_size=_CHECKSUM).digest()
