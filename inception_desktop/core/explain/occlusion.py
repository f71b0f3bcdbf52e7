"""Occlusion sensitivity (Zeiler & Fergus 2014): which parts of the input the score needs.

Gradient-free, so it runs on any runtime: a grey patch (pad grey 128, which Inception's scaling
maps to 0) is put over each cell of a ``grid`` x ``grid`` tiling of the input, all occluded
inputs go through the classifier's ``predict_batch`` in one call (LiteRT's fast path), and a
cell's heat is how much the class's score dropped. Cells whose cover raised the score get none.

The original and its occluded copies are built once, in one array, and sent in batches of one
size (the last padded with copies of the original): a LiteRT interpreter re-allocates its tensors
whenever the batch size changes, so 65 inputs as 32 + 32 + 1 resized it twice per map (and once
more for the next single classification). The cost that remains is the network's own work, one
forward pass per cell: about 10 CPU-seconds for 65 Inception v3 passes, measured on this project's
2-core machine (benchmarks/explain.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inception_desktop.core.explain import ExplainError

#: Cells per side: 64 occluded inputs for an 8x8 grid.
DEFAULT_GRID = 8
#: Pad grey: zero after Inception's [-1, 1] scaling, "nothing here".
FILL = 128
#: Inputs per runtime call. LiteRT on Inception v3 (2 cores): 65 inputs in one call take about
#: 60% of the time of batches of 16, but hold ~600 MB more; 32 is the middle (~+290 MB).
BATCH = 32


@dataclass(frozen=True)
class OcclusionResult:
    """Attributes:
    drop: float32 (grid, grid): base score minus the occluded score, per cell (may be < 0).
    heat: float32 (grid, grid) in [0, 1]: ``drop`` with rises set to 0, divided by its maximum.
    class_index, score: the explained class and its score on the unoccluded input.
    scores: every class's score on the unoccluded input (a classification for free).
    """

    drop: np.ndarray
    heat: np.ndarray
    class_index: int
    score: float
    scores: np.ndarray | None = None


def cell_edges(size: int, grid: int) -> np.ndarray:
    """The ``grid + 1`` pixel edges that tile ``size`` pixels into ``grid`` near-equal cells."""
    return np.round(np.linspace(0, size, grid + 1)).astype(int)


def occluded_inputs(array: np.ndarray, grid: int = DEFAULT_GRID, fill: int = FILL) -> np.ndarray:
    """(grid * grid, *array.shape): ``array`` with cell (row, col) covered, row-major."""
    return _stack(np.asarray(array), grid, fill, lead=0, total=grid * grid)


def _stack(array: np.ndarray, grid: int, fill: int, lead: int, total: int) -> np.ndarray:
    """``total`` inputs in one array: ``lead`` copies of ``array``, the ``grid * grid`` occluded
    ones, then copies of ``array`` up to ``total`` (padding to equal batches)."""
    if array.shape[0] < grid or array.shape[1] < grid:
        raise ExplainError(f"a {grid}x{grid} grid needs an input of at least {grid} pixels")
    ys, xs = cell_edges(array.shape[0], grid), cell_edges(array.shape[1], grid)
    stack = np.empty((total, *array.shape), array.dtype)
    stack[...] = array
    for row in range(grid):
        for col in range(grid):
            stack[lead + row * grid + col, ys[row] : ys[row + 1], xs[col] : xs[col + 1]] = fill
    return stack


def equal_batches(count: int, batch_size: int) -> int:
    """The batch size that splits ``count`` inputs into as few batches of at most
    ``batch_size`` as possible, all of one size (the last padded): 65 by 32 → 3 of 22."""
    batches = -(-count // max(1, batch_size))
    return -(-count // batches)


def occlusion(
    predictor: object,
    array: np.ndarray,
    class_index: int | None = None,
    grid: int = DEFAULT_GRID,
    fill: int = FILL,
    batch_size: int = BATCH,
) -> OcclusionResult:
    """Occlusion sensitivity of ``predictor`` (anything with ``predict_batch``) on ``array``.

    ``class_index`` None explains the top class of the unoccluded input. For a digit (ink
    bright on black) pass ``fill=0``: the background colour is what says "nothing here".
    """
    array = np.asarray(array)
    count = grid * grid + 1
    size = equal_batches(count, batch_size)
    total = -(-count // size) * size
    stack = _stack(array, grid, fill, lead=1, total=total)
    scores = np.asarray(predictor.predict_batch(stack, batch_size=size))  # type: ignore[attr-defined]
    scores = scores[:count]
    base = scores[0]
    index = int(np.argmax(base)) if class_index is None else int(class_index)
    if not 0 <= index < base.shape[-1]:
        raise ExplainError(f"class {index} is not in 0-{base.shape[-1] - 1}")
    drop = (base[index] - scores[1:, index]).reshape(grid, grid).astype(np.float32)
    positive = np.maximum(drop, 0.0)
    peak = float(positive.max())
    heat = positive / peak if peak > 0 else positive
    return OcclusionResult(drop, heat, index, float(base[index]), base.astype(np.float32))
