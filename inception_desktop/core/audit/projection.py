"""The map: every photo's features placed in 2-D, similar photos near each other.

scikit-learn's t-SNE (Barnes-Hut), seeded, on the first principal components, so the same data
gives the same map. Above :data:`TSNE_LIMIT` photos the principal components alone place them: a
t-SNE of 20,000 points costs minutes on two cores, and a map of that many is read for its clusters,
which the components show.
"""

from __future__ import annotations

import numpy as np

#: Principal components kept before the map (and for the outlier distances).
COMPONENTS = 50
TSNE_LIMIT = 5000


def reduce(x: np.ndarray, seed: int = 0) -> np.ndarray:
    """The features standardised and reduced to at most :data:`COMPONENTS` components."""
    from sklearn.decomposition import PCA

    z = (x - x.mean(axis=0)) / (x.std(axis=0) + 1e-6)
    components = min(COMPONENTS, len(x), x.shape[1])
    if components < 2:
        return np.asarray(z, np.float64)
    return np.asarray(PCA(components, random_state=seed).fit_transform(z), np.float64)


def map_2d(reduced: np.ndarray, seed: int = 0) -> np.ndarray:
    """(N, 2) coordinates in [0, 1]: t-SNE of ``reduced`` (its first two columns above
    :data:`TSNE_LIMIT` photos, or when there are too few photos for a t-SNE)."""
    n = len(reduced)
    if n == 0:
        return np.zeros((0, 2))
    if 4 <= n <= TSNE_LIMIT:
        from sklearn.manifold import TSNE

        points = TSNE(
            2, perplexity=float(min(30, (n - 1) / 3)), init="pca", random_state=seed
        ).fit_transform(reduced)
    else:
        points = np.zeros((n, 2))
        points[:, : min(2, reduced.shape[1])] = reduced[:, :2]
    low, high = points.min(axis=0), points.max(axis=0)
    return np.asarray((points - low) / np.where(high > low, high - low, 1.0), np.float64)
