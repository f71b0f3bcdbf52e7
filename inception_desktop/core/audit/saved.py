"""Audits kept on disk: a second audit of the same photos computes nothing at all.

The features and thumbnails are cached per photo already; what is left on a second audit (the
cross-validation, the t-SNE) costs seconds for a few hundred photos and minutes for thousands.
An audit is kept under a key made of everything it depends on (every photo's path, class and
content hash, the validation tree's, the weights' md5, the framing, the seed, and this module's
format), as an ``.npz`` of its arrays and a JSON of its findings, read without pickle. A photo
moved, added or changed gives another key, and a fresh audit.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

import numpy as np

from inception_desktop.core.audit.findings import Audit, Duplicate, Outlier, Suspect
from inception_desktop.core.store import atomic, paths
from inception_desktop.core.training.retrain.dataset import Dataset

FORMAT = 1


def key(data: Dataset, held: Dataset | None, weights_md5: str, framing: str, seed: int) -> str:
    """The hash of everything an audit of ``data`` (and ``held``) depends on."""
    h = hashlib.sha256(f"{FORMAT}\n{weights_md5}\n{framing}\n{seed}\n".encode())
    for tree in (data, held):
        if tree is None:
            continue
        h.update(b"\x00" + "\n".join(tree.classes).encode("utf-8", "surrogateescape"))
        for s in tree.samples:
            h.update(f"\n{s.path}\t{s.label}\t{s.sha256}".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _folder() -> Path:
    return paths.cache_dir() / "audits"


def load(audit_key: str) -> Audit | None:
    """The audit kept under ``audit_key``; None when there is none (or it is unreadable)."""
    base = _folder() / audit_key
    try:
        meta = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))
        with np.load(base.with_suffix(".npz"), allow_pickle=False) as arrays:
            labels, points = arrays["labels"], arrays["points"]
            probabilities = arrays["probabilities"]
        return Audit(
            classes=tuple(meta["classes"]),
            paths=list(meta["paths"]),
            labels=labels.astype(np.int64),
            splits=list(meta["splits"]),
            suspects=[Suspect(**s) for s in meta["suspects"]],
            duplicates=[
                Duplicate((d["paths"][0], d["paths"][1]), d["similarity"], d["kind"])
                for d in meta["duplicates"]
            ],
            outliers=[Outlier(**o) for o in meta["outliers"]],
            points=points,
            probabilities=probabilities,
            skipped=list(meta["skipped"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(audit_key: str, result: Audit) -> None:
    """Keep ``result``; a cache that cannot be written only costs the next audit time."""
    base = _folder() / audit_key
    meta = {
        "classes": list(result.classes),
        "paths": result.paths,
        "splits": result.splits,
        "suspects": [asdict(s) for s in result.suspects],
        "duplicates": [asdict(d) for d in result.duplicates],
        "outliers": [asdict(o) for o in result.outliers],
        "skipped": result.skipped,
    }
    try:
        base.parent.mkdir(parents=True, exist_ok=True)
        with atomic.atomic_path(base.with_suffix(".npz")) as tmp, open(tmp, "wb") as stream:
            np.savez(stream, labels=result.labels, points=result.points,
                     probabilities=result.probabilities)  # fmt: skip
        atomic.write_text(base.with_suffix(".json"), json.dumps(meta, ensure_ascii=True))
    except (OSError, atomic.WriteError):
        return
