"""Pictures for an evaluation report, drawn with Pillow (no plotting library needed).

* a confusion matrix: rows are true digits, columns predictions, cells shaded by count;
* a gallery of misclassified test digits, each captioned "true as predicted score", as the
  seed notebook shows them.

Both are written atomically: a failed write raises
:class:`~inception_desktop.core.store.atomic.WriteError` and leaves no half-written picture.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from inception_desktop.core.digit import contract
from inception_desktop.core.store.atomic import atomic_path

CELL = 44
MARGIN = 60


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has no sized default font
        return ImageFont.load_default()


def confusion_matrix(true: np.ndarray, predicted: np.ndarray, classes: int = 10) -> np.ndarray:
    matrix = np.zeros((classes, classes), np.int64)
    np.add.at(matrix, (true.astype(np.int64), predicted.astype(np.int64)), 1)
    return matrix


def draw_confusion(matrix: np.ndarray, path: str | Path) -> Path:
    """Save the confusion matrix; off-diagonal cells are shaded against the largest error."""
    n = len(matrix)
    size = MARGIN + n * CELL + 10
    image = Image.new("RGB", (size, size + 20), "white")
    draw = ImageDraw.Draw(image)
    font, small = _font(14), _font(11)
    off = matrix.copy()
    np.fill_diagonal(off, 0)
    worst = max(1, int(off.max()))
    for t in range(n):
        for p in range(n):
            x, y = MARGIN + p * CELL, MARGIN + t * CELL
            count = int(matrix[t, p])
            if t == p:
                colour = (200, 230, 200)
            else:
                level = int(255 - 200 * count / worst)
                colour = (255, level, level)
            draw.rectangle([x, y, x + CELL - 1, y + CELL - 1], fill=colour, outline=(220, 220, 220))
            draw.text(
                (x + CELL / 2, y + CELL / 2), str(count), fill="black", font=small, anchor="mm"
            )
        draw.text(
            (MARGIN - 12, MARGIN + t * CELL + CELL / 2),
            str(t),
            fill="black",
            font=font,
            anchor="mm",
        )
        draw.text(
            (MARGIN + t * CELL + CELL / 2, MARGIN - 12),
            str(t),
            fill="black",
            font=font,
            anchor="mm",
        )
    draw.text((MARGIN, 12), "predicted", fill="black", font=font)
    draw.text((4, MARGIN - 40), "true", fill="black", font=font)
    path = Path(path)
    with atomic_path(path) as tmp:
        image.save(tmp)
    return path


def draw_gallery(
    images: np.ndarray,
    true: np.ndarray,
    predicted: np.ndarray,
    scores: np.ndarray,
    path: str | Path,
    columns: int = 10,
    scale: int = 3,
) -> Path:
    """Save the misclassified digits (uint8 (N, 28, 28)) with "true as predicted" captions."""
    tile = contract.SIDE * scale
    caption = 16
    rows = max(1, int(np.ceil(len(images) / columns)))
    sheet = Image.new("RGB", (columns * (tile + 6) + 6, rows * (tile + caption + 8) + 6), "white")
    draw = ImageDraw.Draw(sheet)
    font = _font(12)
    for i, (digit, t, p, s) in enumerate(zip(images, true, predicted, scores, strict=True)):
        x = 6 + (i % columns) * (tile + 6)
        y = 6 + (i // columns) * (tile + caption + 8)
        sheet.paste(
            Image.fromarray(255 - digit).resize((tile, tile), Image.Resampling.NEAREST), (x, y)
        )
        draw.text((x, y + tile + 2), f"{t} as {p} {s:.0%}", fill=(180, 0, 0), font=font)
    path = Path(path)
    with atomic_path(path) as tmp:
        sheet.save(tmp)
    return path
