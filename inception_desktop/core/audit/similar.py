"""Duplicates and near-duplicates, and what each pair means for a model's numbers.

The same bytes twice is a duplicate of similarity 1.0. Two files whose thumbnails
(:mod:`.signatures`) are nearly the same — a re-encode, a resize, a crop of a few percent — are
near-duplicates. A pair in one class is wasted data; in two classes, a contradiction a model
cannot learn; across the training and validation sets, a leak that makes every validation
number better than the model is. Pairs are found block by block, so 20,000 photos need a few
megabytes of similarity matrix at a time, not 1.6 GB.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from inception_desktop.core.audit.findings import DIFFERENT_CLASSES, LEAKAGE, SAME_CLASS, Duplicate

#: Thumbnails at least this similar (cosine of their deviations) are near-duplicates: measured
#: on photos of random shapes, re-encodes and resizes score 0.999, 10% crops 0.94-0.96, and the
#: most similar of 4,000 pairs of different photos 0.83 (of 10,000 in tests/audit_data, 0.926).
NEAR = 0.94
#: Rows of the similarity matrix computed at once.
BLOCK = 1024


def find(
    vectors: np.ndarray,
    sha256: Sequence[str],
    labels: np.ndarray,
    splits: Sequence[str],
    paths: Sequence[str],
    near: float = NEAR,
) -> list[Duplicate]:
    """Every pair of photos that are one photo or nearly, most similar first."""
    pairs: dict[tuple[int, int], float] = {}
    first: dict[str, int] = {}
    for i, sha in enumerate(sha256):
        if sha in first:
            pairs[(first[sha], i)] = 1.0
        else:
            first[sha] = i
    live = np.flatnonzero(np.abs(vectors).sum(axis=1) > 0)  # a flat thumbnail matches nothing
    v = vectors[live]
    for start in range(0, len(v), BLOCK):
        block = v[start : start + BLOCK] @ v.T
        rows, cols = np.nonzero(block >= near)
        for r, c in zip(rows, cols, strict=True):
            a, b = int(live[start + r]), int(live[c])
            if a < b:
                pairs.setdefault((a, b), float(min(1.0, block[r, c])))
    out = []
    for (a, b), similarity in pairs.items():
        if splits[a] != splits[b]:
            kind = LEAKAGE
        elif labels[a] != labels[b]:
            kind = DIFFERENT_CLASSES
        else:
            kind = SAME_CLASS
        out.append(Duplicate((paths[a], paths[b]), similarity, kind))
    order = {DIFFERENT_CLASSES: 0, LEAKAGE: 1, SAME_CLASS: 2}
    return sorted(out, key=lambda d: (order[d.kind], -d.similarity, d.paths))
