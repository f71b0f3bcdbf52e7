"""What int8 costs on a person's own photos: a model's float32 and int8 twins on the same inputs.

Published numbers (quantized Inception v3: about 77.2% top-1 on ImageNet against 78.0%) are
averages over someone else's photos; a learner should see the price on theirs. :func:`check`
runs both precisions of one model (both on LiteRT, the same threads, the same batches) over the
same network inputs and reports how often the top class agrees, how much the top five overlap,
the largest score difference, the speed-up measured right there, both files' sizes, and every
input whose top class changed, with both answers. ``inception-desktop precision`` and the
window's Photo › Precision Check call this one function.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from inception_desktop.core.errors import InceptionDesktopError

if TYPE_CHECKING:
    from inception_desktop.core.models.classifier import Classifier
    from inception_desktop.core.photo.framing import Framing

#: Inputs per network call for both precisions (the batch the int8 numbers were measured with).
BATCH = 8
#: Inputs read before both precisions run on them: a folder costs this many inputs' memory
#: (64 photos: 17 MB), not its size.
CHUNK = 64
TOP = 5
#: Receives (inputs prepared, inputs in all) while the photos are read.
Progress = Callable[[int, int], None]


class PrecisionCheckError(InceptionDesktopError):
    """Nothing to compare: no input could be read."""


@dataclass(frozen=True)
class Changed:
    """An input whose top class differs: its path and each precision's top label."""

    path: str
    fp32: str
    int8: str


@dataclass
class PrecisionReport:
    """Both precisions of one model on the same inputs (see the module docstring).

    Attributes:
        photos: inputs compared (the unreadable ones are in ``skipped``, not counted).
        top1_agreement: share of inputs with the same top class (0-1).
        top5_overlap: mean share of the top five classes both precisions name (0-1).
        max_score_diff: the largest difference of one class's score (a probability, 0-1).
        speedup: float32's time over int8's, for the same batches in this run.
        sizes: each precision's model file size in bytes (``fp32``, ``int8``).
        changed: every input whose top class changed, in the order given.
        ms: each precision's milliseconds per input (the two sides of ``speedup``).
        skipped: ``{"path", "error"}`` for inputs that could not be read.
    """

    photos: int
    top1_agreement: float
    top5_overlap: float
    max_score_diff: float
    speedup: float
    sizes: dict[str, int]
    changed: list[Changed]
    ms: dict[str, float] = field(default_factory=dict)
    skipped: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The JSON ``precision --json`` prints: exactly these keys."""
        return {
            "photos": self.photos,
            "top1_agreement": self.top1_agreement,
            "top5_overlap": self.top5_overlap,
            "max_score_diff": self.max_score_diff,
            "speedup": self.speedup,
            "sizes": dict(self.sizes),
            "changed": [{"path": c.path, "fp32": c.fp32, "int8": c.int8} for c in self.changed],
        }


class Tally:
    """Both precisions over inputs given a chunk at a time: what a report needs is kept (top
    classes, overlap, the largest difference, the changed inputs, the time), never the inputs or
    their thousand scores, so a folder of any size costs a chunk's memory.

    Each classifier is sized for :data:`BATCH` and runs one untimed batch before the first
    chunk (LiteRT packs its weights on the first call); then every chunk is timed, float32
    first.
    """

    def __init__(self, float32: Classifier, int8: Classifier) -> None:
        self.models = {"fp32": float32, "int8": int8}
        self.labels = float32.labels
        self.photos = 0
        self.agree = 0
        self.overlap = 0.0
        self.max_diff = 0.0
        self.changed: list[Changed] = []
        self.seconds = {"fp32": 0.0, "int8": 0.0}
        self._warm = False

    def add(self, paths: Sequence[str], inputs: np.ndarray) -> None:
        """Run both precisions on ``inputs`` (a stack of network inputs, one per path)."""
        if len(inputs) == 0:
            return
        scores: dict[str, np.ndarray] = {}
        for name, model in self.models.items():
            if not self._warm:
                model.prepare(min(BATCH, len(inputs)))
                model.predictor.predict_batch(inputs[:BATCH], BATCH)
            started = time.perf_counter()
            scores[name] = np.asarray(model.predictor.predict_batch(inputs, BATCH), np.float64)
            self.seconds[name] += time.perf_counter() - started
        self._warm = True
        a, b = scores["fp32"], scores["int8"]
        top_a, top_b = a.argmax(axis=1), b.argmax(axis=1)
        k = min(TOP, a.shape[1])
        five_a = np.argsort(-a, axis=1, kind="stable")[:, :k]
        five_b = np.argsort(-b, axis=1, kind="stable")[:, :k]
        self.overlap += sum(len(set(x) & set(y)) / k for x, y in zip(five_a, five_b, strict=True))
        self.agree += int((top_a == top_b).sum())
        self.max_diff = max(self.max_diff, float(np.abs(a - b).max()))
        labels = self.models["int8"].labels
        self.changed += [
            Changed(path, self.labels[i], labels[j])
            for path, i, j in zip(paths, top_a, top_b, strict=True)
            if i != j
        ]
        self.photos += len(inputs)

    def report(self, sizes: dict[str, int]) -> PrecisionReport:
        if self.photos == 0:
            raise PrecisionCheckError("no input could be read: nothing to compare")
        return PrecisionReport(
            photos=self.photos,
            top1_agreement=self.agree / self.photos,
            top5_overlap=self.overlap / self.photos,
            max_score_diff=self.max_diff,
            speedup=self.seconds["fp32"] / max(self.seconds["int8"], 1e-9),
            sizes=dict(sizes),
            changed=list(self.changed),
            ms={name: s * 1000 / self.photos for name, s in self.seconds.items()},
        )


def check(
    paths: Sequence[str | Path],
    model: str | Path = "inception",
    *,
    weights: str | Path | None = None,
    framing: Framing | None = None,
    recursive: bool = False,
    stage: Callable[[str], None] | None = None,
    progress: Progress | None = None,
    stop: Callable[[], bool] | None = None,
) -> PrecisionReport:
    """The comparison (:class:`Tally`) of the photos (files or folders; ``recursive``: their
    subfolders too) at ``paths`` under ``model``'s float32 and int8 twins on LiteRT (converted
    first when missing; ``stage`` hears the slow steps), :data:`CHUNK` photos at a time.

    Photo models see ``framing`` (default: pad); digit models read each image as a digit.
    ``stop`` is asked between photos while they are read (the window's Cancel)."""
    from inception_desktop.core.batch.inputs import iter_inputs
    from inception_desktop.core.classifiers import is_photo_model, load_classifier
    from inception_desktop.core.photo.framing import Framing

    float32 = load_classifier(model, weights, "litert", stage=stage, precision="fp32")
    int8 = load_classifier(model, weights, "litert", stage=stage, precision="int8")
    chosen = framing or Framing("pad")
    listed = list(iter_inputs(paths, recursive))
    tally = Tally(float32, int8)
    read: list[str] = []
    arrays: list[np.ndarray] = []
    skipped: list[dict[str, str]] = []
    photo = is_photo_model(model)
    for n, entry in enumerate(listed):
        if stop is not None and stop():
            break
        array, error = (None, entry.error) if entry.error else _input(entry.path, chosen, photo)
        if array is None:
            skipped.append({"path": entry.path, "error": error or "unreadable"})
        else:
            read.append(entry.path)
            arrays.append(array)
        if len(arrays) == CHUNK:
            tally.add(read, np.stack(arrays))
            read, arrays = [], []
        if progress is not None:
            progress(n + 1, len(listed))
    if arrays:
        tally.add(read, np.stack(arrays))
    report = tally.report({"fp32": _size(float32), "int8": _size(int8)})
    report.skipped = skipped
    return report


def _input(path: str, framing: Framing, photo: bool) -> tuple[np.ndarray | None, str | None]:
    """The network input for ``path`` (the photo path ``classify`` takes, or a digit's), or why
    there is none."""
    from inception_desktop.core.digit.image import read_digit_file
    from inception_desktop.core.models.inception import INPUT_SIZE
    from inception_desktop.core.photo.framing import FramingError
    from inception_desktop.core.photo.images import ImageLoadError
    from inception_desktop.core.photo.prepare import photo_input

    try:
        if photo:
            return photo_input(path, framing, INPUT_SIZE).array, None
        steps = read_digit_file(path).steps
        if steps is None:
            return None, "no ink found: the image looks blank"
        return steps.input, None
    except ImageLoadError as exc:
        return None, exc.reason
    except FramingError as exc:
        return None, str(exc)


def _size(classifier: Classifier) -> int:
    """The size of the ``.tflite`` that computes ``classifier`` (a retrained model's: its
    backbone's; the head is a few arrays beside it)."""
    predictor: Any = classifier.predictor
    path = getattr(predictor, "path", None) or getattr(
        getattr(predictor, "features", None), "path", None
    )
    return Path(path).stat().st_size if path is not None else 0
