"""Photos unlike the others: a blank frame, a wrong subject, a screenshot among photos.

Two signs, each said in words. A frame with no detail (its thumbnail nearly flat) is blank. A
photo whose nearest neighbours in feature space are much farther than a typical photo's is unlike
the others: its distance to its k nearest neighbours, in robust standard deviations (median and
MAD, so the outliers themselves do not hide in the spread) above the median.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from inception_desktop.core.audit.findings import Outlier

#: Grey-level spread (0-255) of a 16x16 thumbnail below which a frame is blank.
BLANK_SPREAD = 2.0
#: Robust standard deviations above the median neighbour distance that make an outlier.
THRESHOLD = 3.5
#: Neighbours whose mean distance is measured.
NEIGHBOURS = 5
#: Rows of the distance matrix made at once (256 x 20,000 float64: 41 MB).
BLOCK = 256


def neighbour_distances(points: np.ndarray, k: int = NEIGHBOURS) -> np.ndarray:
    """Each point's mean Euclidean distance to its ``k`` nearest other points (blockwise)."""
    n = len(points)
    k = max(1, min(k, n - 1))
    squares = (points**2).sum(axis=1)
    out = np.zeros(n, np.float64)
    for start in range(0, n, BLOCK):
        block = points[start : start + BLOCK]
        d2 = squares[start : start + BLOCK, None] + squares[None, :] - 2.0 * block @ points.T
        np.fill_diagonal(d2[:, start : start + len(block)], np.inf)
        nearest = np.partition(np.maximum(d2, 0.0), k - 1, axis=1)[:, :k]
        out[start : start + len(block)] = np.sqrt(nearest).mean(axis=1)
    return out


def find(
    reduced: np.ndarray, spreads: np.ndarray, paths: Sequence[str], threshold: float = THRESHOLD
) -> list[Outlier]:
    """Outliers among photos with features ``reduced`` (standardised, PCA) and thumbnail
    ``spreads``, the most unusual first."""
    out: dict[int, Outlier] = {}
    if len(paths) > 2:
        distances = neighbour_distances(reduced)
        median = float(np.median(distances))
        mad = float(np.median(np.abs(distances - median))) * 1.4826 or 1e-6
        scores = (distances - median) / mad
        for i in np.flatnonzero(scores > threshold):
            out[int(i)] = Outlier(paths[int(i)], float(scores[i]), "unlike the other photos")
    else:
        scores = np.zeros(len(paths))
    for i in np.flatnonzero(spreads < BLANK_SPREAD):
        score = max(float(scores[i]), threshold)
        out[int(i)] = Outlier(paths[int(i)], score, "blank: no detail at all")
    return sorted(out.values(), key=lambda o: (-o.score, o.path))
