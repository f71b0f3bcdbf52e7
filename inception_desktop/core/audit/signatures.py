"""A photo's pixels in brief: a 16x16 colour thumbnail, cached by content.

Inception's features say what a photo shows, not whether two files are one photo: two different
photos of one subject can be closer in feature space than a photo and its re-encoded copy (and
with the random test weights, features say little at all). The thumbnail says it: a JPEG
re-encode, a resize or a crop of a few percent leave 16x16 colour averages nearly the same,
while two different photos differ. It also tells a blank frame (no variation at all).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from PIL import Image

from inception_desktop.core.photo.images import ImageLoadError
from inception_desktop.core.store import paths
from inception_desktop.core.store.atomic import write_cache_entry

SIDE = 16
_BYTES = SIDE * SIDE * 3


class SignatureCache:
    """Thumbnails by content hash in ``cache_dir()/audit-signatures`` (a missing or damaged
    entry is made again; one that cannot be written only costs time)."""

    def __init__(self, root: Path | None = None) -> None:
        self.folder = root if root is not None else paths.cache_dir() / "audit-signatures"

    def _path(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / f"{sha256}.rgb"

    def get(self, sha256: str) -> np.ndarray | None:
        try:
            data = self._path(sha256).read_bytes()
        except OSError:
            return None
        if len(data) != _BYTES:
            return None
        return np.frombuffer(data, np.uint8).reshape(SIDE, SIDE, 3)

    def put(self, sha256: str, thumb: np.ndarray) -> None:
        write_cache_entry(self._path(sha256), np.ascontiguousarray(thumb, np.uint8).tobytes())


def thumbnail16(path: str | Path) -> np.ndarray | None:
    """The 16x16 RGB box-averaged thumbnail of the photo at ``path``; None when unreadable."""
    from inception_desktop.core.photo.prepare import load_photo

    try:
        image = load_photo(path).image.convert("RGB")
    except (ImageLoadError, OSError):
        return None
    return np.asarray(image.resize((SIDE, SIDE), Image.Resampling.BOX), np.uint8)


def signatures(
    items: Sequence[tuple[str, str]],
    cache: SignatureCache | None = None,
    progress: Callable[[int, int], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> np.ndarray:
    """Thumbnails of ``items`` ((path, sha256) pairs), (N, 16, 16, 3) uint8; an unreadable
    photo's row is all zeros (a blank: reported as an outlier, never as a duplicate)."""
    from inception_desktop.core.training.retrain import CancelledError

    cache = cache if cache is not None else SignatureCache()
    out = np.zeros((len(items), SIDE, SIDE, 3), np.uint8)
    todo = []
    for i, (_, sha) in enumerate(items):
        found = cache.get(sha)
        if found is None:
            todo.append(i)
        else:
            out[i] = found
    done = len(items) - len(todo)
    if progress:
        progress(done, len(items))
    with ThreadPoolExecutor(2, thread_name_prefix="audit-signature") as pool:
        for start in range(0, len(todo), 64):
            if stop is not None and stop():
                raise CancelledError(f"stopped after {done} of {len(items)} photos")
            chunk = todo[start : start + 64]
            for i, thumb in zip(chunk, pool.map(lambda j: thumbnail16(items[j][0]), chunk),
                                strict=True):  # fmt: skip
                if thumb is not None:
                    out[i] = thumb
                    cache.put(items[i][1], thumb)
            done += len(chunk)
            if progress:
                progress(done, len(items))
    return out


def unit_vectors(thumbs: np.ndarray) -> np.ndarray:
    """Each thumbnail as a unit vector of its deviations from its own mean (so brightness and
    contrast changes do not count); a flat thumbnail is the zero vector."""
    flat = thumbs.reshape(len(thumbs), -1).astype(np.float32)
    flat -= flat.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(flat, axis=1, keepdims=True)
    return np.where(norms > 1e-3, flat / np.maximum(norms, 1e-6), 0.0).astype(np.float32)


def spread(thumbs: np.ndarray) -> np.ndarray:
    """How much each thumbnail varies (standard deviation of its grey levels, 0-255)."""
    grey = thumbs.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    spreads: np.ndarray = grey.reshape(len(thumbs), -1).std(axis=1)
    return spreads
