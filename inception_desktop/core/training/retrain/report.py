"""How well a retrained model does on labelled photos: numbers, and pictures with ``--report``.

The confusion matrix is counted as for MNIST (:func:`inception_desktop.core.training.mnist.report.
confusion_matrix`); the pictures are drawn here because they need what the MNIST ones do not:
class *names* on the axes, and colour photo thumbnails in the gallery of mistakes. Every file is
written atomically; a report that cannot be written keeps the numbers (``report_error``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from inception_desktop.core.store import atomic
from inception_desktop.core.training.mnist.report import confusion_matrix

CELL = 48
THUMB = 112
MAX_GALLERY = 60
FILES = ["confusion_matrix.png", "misclassified.png", "summary.json"]
CALIBRATION_FILE = "calibration.png"


def summarise(
    scores: np.ndarray, labels: np.ndarray, classes: Sequence[str], paths: Sequence[str]
) -> dict[str, Any]:
    """Accuracy, per-class accuracy, the confusion matrix and the misclassified photos."""
    predicted = scores.argmax(axis=1) if len(scores) else np.zeros(0, np.int64)
    matrix = confusion_matrix(labels, predicted, len(classes))
    per_class = {
        name: (float(matrix[c, c] / matrix[c].sum()) if matrix[c].sum() else None)
        for c, name in enumerate(classes)
    }
    wrong = np.flatnonzero(predicted != labels)
    return {
        "accuracy": float((predicted == labels).mean()) if len(labels) else 0.0,
        "size": len(labels),
        "per_class": per_class,
        "confusion_matrix": matrix.tolist(),
        "misclassified": [
            {
                "path": str(paths[i]),
                "true": classes[int(labels[i])],
                "predicted": classes[int(predicted[i])],
                "score": float(scores[i, predicted[i]]),
            }
            for i in map(int, wrong)
        ],
    }


def write(summary: dict[str, Any], classes: Sequence[str], directory: str | Path) -> dict[str, Any]:
    """Write the two pictures and ``summary.json``; returns ``summary`` with ``files`` or
    ``report_error``."""
    out = Path(directory)
    try:
        atomic.check_output_dir(out)
        draw_confusion(np.array(summary["confusion_matrix"]), classes, out / FILES[0])
        draw_gallery(summary["misclassified"][:MAX_GALLERY], out / FILES[1])
        files = list(FILES)
        if "calibration" in summary:
            draw_calibration(summary["calibration"], out / CALIBRATION_FILE)
            files.append(CALIBRATION_FILE)
        atomic.write_json(out / FILES[2], {**summary, "files": files})
    except atomic.WriteError as exc:
        return {**summary, "report_error": str(exc)}
    return {**summary, "files": files}


def draw_calibration(calibration: dict[str, Any], path: Path) -> Path:
    """Two panels: the reliability diagram (accuracy against calibrated confidence, per bin, the
    diagonal is perfect calibration) and accuracy against coverage as the *unknown* threshold
    rises, the model card's threshold marked."""
    side, pad = 320, 40
    sheet = Image.new("RGB", (2 * side + 3 * pad, side + 2 * pad + 20), "white")
    draw = ImageDraw.Draw(sheet)
    font = _font(12)

    def frame(x0: int, title: str, xlabel: str, ylabel: str) -> None:
        draw.rectangle((x0, pad, x0 + side, pad + side), outline="black")
        draw.text((x0, 8), title, fill="black", font=font)
        draw.text((x0 + side // 2 - 30, pad + side + 6), xlabel, fill="black", font=font)
        draw.text((x0 - 30, pad - 16), ylabel, fill="black", font=font)

    def at(x0: int, u: float, v: float) -> tuple[float, float]:
        return x0 + u * side, pad + (1.0 - v) * side

    frame(pad, "Reliability (calibrated)", "confidence", "accuracy")
    draw.line((*at(pad, 0, 0), *at(pad, 1, 1)), fill=(160, 160, 160), width=1)
    for b in calibration["reliability"]:
        if b["count"]:
            x_low, y_top = at(pad, b["low"], b["accuracy"])
            x_high, y_bottom = at(pad, b["high"], 0.0)
            draw.rectangle((x_low + 1, y_top, x_high - 1, y_bottom), fill=(90, 140, 220))
    x1 = 2 * pad + side
    frame(x1, "Accuracy and coverage by threshold", "threshold", "share")
    curve = calibration["coverage"]
    for key, colour in (("coverage", (220, 120, 40)), ("accuracy", (40, 150, 60))):
        points = [at(x1, c["threshold"], c[key]) for c in curve]
        draw.line(points, fill=colour, width=2)
        draw.text((x1 + side - 70, pad + 6 + 14 * (key == "accuracy")), key, fill=colour, font=font)
    threshold = calibration.get("unknown_threshold")
    if threshold is not None:
        draw.line((*at(x1, threshold, 0), *at(x1, threshold, 1)), fill=(200, 0, 0), width=1)
        draw.text((at(x1, threshold, 0)[0] + 3, pad + side - 16), "unknown below", fill=(200, 0, 0),
                  font=font)  # fmt: skip
    with atomic.atomic_path(path) as tmp:
        sheet.save(tmp, "PNG")
    return path


def _font(size: int) -> Any:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has no sized default font
        return ImageFont.load_default()


def _short(name: str, chars: int = 14) -> str:
    return name if len(name) <= chars else name[: chars - 1] + "…"


def draw_confusion(matrix: np.ndarray, classes: Sequence[str], path: Path) -> Path:
    """Rows are true classes, columns predictions; mistakes shaded against the largest."""
    n = len(classes)
    margin = 130
    image = Image.new("RGB", (margin + n * CELL + 10, margin + n * CELL + 10), "white")
    draw = ImageDraw.Draw(image)
    font, small = _font(12), _font(11)
    off = matrix.copy()
    np.fill_diagonal(off, 0)
    worst = max(1, int(off.max(initial=0)))
    for t in range(n):
        for p in range(n):
            x, y = margin + p * CELL, margin + t * CELL
            count = int(matrix[t, p])
            level = int(255 - 200 * count / worst)
            colour = (200, 230, 200) if t == p else (255, level, level)
            draw.rectangle([x, y, x + CELL - 1, y + CELL - 1], fill=colour, outline=(220,) * 3)
            draw.text(
                (x + CELL / 2, y + CELL / 2), str(count), fill="black", font=small, anchor="mm"
            )
        name = _short(classes[t])
        draw.text((margin - 6, margin + t * CELL + CELL / 2), name, "black", font, anchor="rm")
        label = Image.new("RGB", (margin - 30, CELL), "white")
        ImageDraw.Draw(label).text((4, CELL / 2), name, "black", font, anchor="lm")
        image.paste(label.rotate(90, expand=True), (margin + t * CELL, 24))
    draw.text((margin, 6), "predicted", fill="black", font=font)
    draw.text((6, margin - 20), "true", fill="black", font=font)
    with atomic.atomic_path(path) as tmp:
        image.save(tmp)
    return path


def draw_gallery(mistakes: Sequence[dict[str, Any]], path: Path, columns: int = 6) -> Path:
    """Thumbnails of misclassified photos, captioned: true class, then "as predicted score"."""
    from inception_desktop.core.photo.thumbnails import thumbnail_of

    caption = 30
    rows = max(1, -(-len(mistakes) // columns))
    sheet = Image.new("RGB", (columns * (THUMB + 8) + 8, rows * (THUMB + caption + 8) + 8), "white")
    draw = ImageDraw.Draw(sheet)
    font = _font(11)
    if not mistakes:
        draw.text((8, 8), "no mistakes", fill="black", font=font)
    for i, entry in enumerate(mistakes):
        x = 8 + (i % columns) * (THUMB + 8)
        y = 8 + (i // columns) * (THUMB + caption + 8)
        photo = thumbnail_of(entry["path"], THUMB)
        if photo is not None:
            sheet.paste(photo, (x + (THUMB - photo.width) // 2, y + (THUMB - photo.height) // 2))
        else:
            draw.rectangle([x, y, x + THUMB - 1, y + THUMB - 1], outline=(180, 180, 180))
        draw.text((x, y + THUMB + 2), _short(entry["true"], 18), fill="black", font=font)
        text = f"as {_short(entry['predicted'], 12)} {entry['score']:.0%}"
        draw.text((x, y + THUMB + 15), text, fill=(180, 0, 0), font=font)
    with atomic.atomic_path(path) as tmp:
        sheet.save(tmp)
    return path
