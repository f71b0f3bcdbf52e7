"""Evaluating an MNIST model on the test split: accuracy, per-class accuracy, confusions.

The summary also counts the *flipped-lookalike* confusions of Chu's guide: his Inception v3,
trained on horizontally flipped digits, read loopy 2s as 6s and S-like 5s as 2s (about 25 of its
95 test errors), shapes that a mirror image makes alike. Counting them in every report lets the
MNIST table show the lesson with our own numbers, for a run with flips and one without.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from inception_desktop.core.digit import contract

BATCH = 1000

#: (true digit, predicted digit) confusions that horizontal flips teach, as Chu reported them:
#: a mirrored 2 is a loopy 6, a mirrored 5 an S-like 2.
FLIP_LOOKALIKES = ((2, 6), (5, 2))


def flip_lookalikes(matrix: np.ndarray) -> dict[str, int]:
    """How many test digits fell into each :data:`FLIP_LOOKALIKES` confusion, and their total.

    Keys read like the gallery's captions: ``"2 as 6"`` is a true 2 predicted 6.
    """
    counts = {f"{t} as {p}": int(matrix[t, p]) for t, p in FLIP_LOOKALIKES}
    counts["total"] = sum(counts.values())
    return counts


def predict_scores(model: Any, images: np.ndarray) -> np.ndarray:
    """Softmax scores (N, 10) for uint8 (N, 28, 28) images, in batches (evaluation, not the GUI).

    ``model`` is a Keras model, or a runtime's predictor (``predict_batch`` of uint8 pixels, e.g.
    the int8 twin on LiteRT), so a converted model is evaluated on the same digits the same way.
    """
    from inception_desktop.core.training.mnist.data import to_input

    if hasattr(model, "predict_batch"):
        scores: np.ndarray = np.asarray(model.predict_batch(images, BATCH), np.float32)
        return scores

    outputs = [
        np.asarray(model(to_input(images[i : i + BATCH]), training=False))
        for i in range(0, len(images), BATCH)
    ]
    return np.concatenate(outputs) if outputs else np.zeros((0, contract.NUM_CLASSES), np.float32)


def accuracy(model: Any, images: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of ``images`` whose top-1 class equals ``labels``."""
    predicted = predict_scores(model, images).argmax(axis=1)
    return float((predicted == labels).mean())


def evaluate(
    model: Any,
    images: np.ndarray,
    labels: np.ndarray,
    report_dir: str | Path | None = None,
    model_name: str = "model",
    max_gallery: int = 100,
) -> dict[str, Any]:
    """Accuracy, per-class accuracy and confusions; with ``report_dir``, also the pictures and
    ``summary.json``. Returns the summary.

    A report that cannot be written (full disk, read-only folder...) does not lose the numbers:
    the summary comes back with ``report_error``, one line saying what went wrong, and without
    ``files``. Each file is written atomically, so none is ever half-written.
    """
    from inception_desktop.core.store import atomic
    from inception_desktop.core.training.mnist import report

    scores = predict_scores(model, images)
    predicted = scores.argmax(axis=1)
    labels = labels.astype(np.int64)
    matrix = report.confusion_matrix(labels, predicted)
    per_class = {str(d): float(matrix[d, d] / max(1, matrix[d].sum())) for d in range(10)}
    wrong = np.flatnonzero(predicted != labels)
    summary: dict[str, Any] = {
        "model": model_name,
        "test_size": len(labels),
        "accuracy": float((predicted == labels).mean()),
        "errors": len(wrong),
        "per_class_accuracy": per_class,
        "confusion_matrix": matrix.tolist(),
        "flip_lookalikes": flip_lookalikes(matrix),
    }
    if report_dir is not None:
        out = Path(report_dir)
        shown = wrong[:max_gallery]
        try:
            atomic.check_output_dir(out)
            report.draw_confusion(matrix, out / "confusion_matrix.png")
            report.draw_gallery(
                images[shown],
                labels[shown],
                predicted[shown],
                scores[shown, predicted[shown]],
                out / "misclassified.png",
            )
            files = ["confusion_matrix.png", "misclassified.png", "summary.json"]
            atomic.write_json(out / "summary.json", {**summary, "files": files})
        except atomic.WriteError as exc:
            summary["report_error"] = str(exc)
        else:
            summary["files"] = files
    return summary
