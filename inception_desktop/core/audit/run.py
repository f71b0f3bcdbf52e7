"""The audit pipeline, for the command line and the window alike.

    scan (keeping copies) → features (cached, as retrain's) → thumbnails (cached)
      → out-of-fold probabilities → suspects · duplicates · outliers · the map

Memory stays bounded by the features themselves (2048 float32 a photo: 160 MB for 20,000): the
similarity matrices are made in blocks. ``progress(stage, done, total)`` and ``stop`` as in the
retraining pipeline; a cancelled audit keeps every feature computed until then in the cache.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np

from inception_desktop.core.audit import AuditError, mislabels, outliers, projection, similar
from inception_desktop.core.audit.findings import Audit
from inception_desktop.core.audit.signatures import signatures, spread, unit_vectors
from inception_desktop.core.photo.framing import Framing
from inception_desktop.core.training.retrain.dataset import Dataset
from inception_desktop.core.training.retrain.features import FeatureModel
from inception_desktop.core.training.retrain.pipeline import Extractor, StageProgress

TRAIN, VALIDATION = "train", "validation"
T = TypeVar("T")


def scan(
    data_dirs: str | Path | Sequence[str | Path], validation_dir: str | Path | None = None
) -> tuple[Dataset, Dataset | None]:
    """The class folders (and a validation tree) as an audit reads them: a photo found twice is
    kept both times, since copies are what it looks for. ``data_dirs``: one folder of class
    folders, or (a list of two or more) the class folders themselves, as ``retrain`` takes."""
    from inception_desktop.core.training.retrain import dataset

    dirs = [data_dirs] if isinstance(data_dirs, str | Path) else list(data_dirs)
    if len(dirs) == 1:
        data = dataset.scan(dirs[0], keep_copies=True)
    else:
        data = dataset.scan_folders(dirs, keep_copies=True)
    held = None
    if validation_dir is not None:
        held = dataset.scan(validation_dir, data.classes, keep_copies=True)
    return data, held


def audit(
    data: Dataset,
    held: Dataset | None,
    model: FeatureModel,
    framing: Framing,
    seed: int = 0,
    progress: StageProgress | None = None,
    stop: Callable[[], bool] | None = None,
) -> Audit:
    """Audit ``data`` (and ``held``, the validation tree): see the package docstring. An
    audit of exactly these photos made before is read back (:mod:`.saved`)."""
    from inception_desktop.core.audit import saved
    from inception_desktop.core.training.retrain.cache import framing_key

    kept_as = saved.key(data, held, model.weights_md5, framing_key(framing), seed)
    kept = saved.load(kept_as)
    if kept is not None:
        kept.stages = [{"stage": "audit", "photos": len(kept.paths), "cache_hits": len(kept.paths),
                        "computed": 0, "seconds": 0.0}]  # fmt: skip
        return kept
    extractor = Extractor(model, framing, progress, stop)
    x, labels, paths = extractor.extract(data, "features")
    sha = _hashes(data, paths)
    splits = [TRAIN] * len(paths)
    if held is not None:
        x_held, y_held, held_paths = extractor.extract(held, "validation")
        x = np.concatenate([x, x_held])
        labels = np.concatenate([labels, y_held])
        sha += _hashes(held, held_paths)
        paths += held_paths
        splits += [VALIDATION] * len(held_paths)
    if len(paths) < 2:
        raise AuditError("fewer than two readable photos: nothing to compare")

    def thumbs_progress(done: int, total: int) -> None:
        if progress is not None:
            progress("thumbnails", done, total)

    thumbs = signatures(list(zip(paths, sha, strict=True)), progress=thumbs_progress, stop=stop)
    spreads = spread(thumbs)
    steps = Steps(progress, stop)
    probabilities = steps.run(lambda: mislabels.out_of_fold(x, labels, len(data.classes), seed))
    duplicates = steps.run(lambda: similar.find(unit_vectors(thumbs), sha, labels, splits, paths))
    reduced = steps.run(lambda: projection.reduce(x, seed))
    found = steps.run(lambda: outliers.find(reduced, spreads, paths))
    points = steps.run(lambda: projection.map_2d(reduced, seed))
    skipped = data.skipped + (held.skipped if held is not None else []) + extractor.skipped
    result = Audit(
        classes=data.classes,
        paths=paths,
        labels=np.asarray(labels, np.int64),
        splits=splits,
        suspects=mislabels.suspects(
            probabilities, labels, data.classes, paths, spreads < outliers.BLANK_SPREAD
        ),
        duplicates=duplicates,
        outliers=found,
        points=points,
        probabilities=probabilities,
        skipped=skipped,
        stages=extractor.stages,
    )
    saved.save(kept_as, result)
    return result


class Steps:
    """The analysis after the features, step by step: progress (``analysis``, step, of 5) and
    a chance to stop between steps (each takes seconds at 20,000 photos)."""

    TOTAL = 5

    def __init__(self, progress: StageProgress | None, stop: Callable[[], bool] | None) -> None:
        self.progress, self.stop, self.done = progress, stop, 0

    def run(self, step: Callable[[], T]) -> T:
        from inception_desktop.core.training.retrain import CancelledError

        if self.stop is not None and self.stop():
            raise CancelledError("the audit was stopped (the features computed are cached)")
        out = step()
        self.done += 1
        if self.progress is not None:
            self.progress("analysis", self.done, self.TOTAL)
        return out


def _hashes(data: Dataset, paths: list[str]) -> list[str]:
    by_path = {str(s.path): s.sha256 for s in data.samples}
    return [by_path[p] for p in paths]
