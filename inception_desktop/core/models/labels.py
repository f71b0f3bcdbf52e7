"""Human-readable class names: ImageNet's 1000 (shipped, never downloaded) and the ten digits."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from inception_desktop.core.store.resources import IMAGENET_CLASS_INDEX, resource


@dataclass(frozen=True)
class ClassName:
    """One class: its WordNet id (empty for digits) and the name shown to a person."""

    wnid: str
    name: str


@cache
def imagenet_classes() -> tuple[ClassName, ...]:
    """The 1000 ImageNet classes in Keras order, from the copy of Keras' class index we ship."""
    index = json.loads(resource(IMAGENET_CLASS_INDEX).read_text(encoding="utf-8"))
    if len(index) != 1000:
        raise RuntimeError(f"{IMAGENET_CLASS_INDEX}: {len(index)} classes, expected 1000")
    return tuple(
        ClassName(wnid, raw.replace("_", " ")) for wnid, raw in (index[str(i)] for i in range(1000))
    )


def imagenet_labels() -> tuple[str, ...]:
    return tuple(c.name for c in imagenet_classes())


DIGIT_LABELS: tuple[str, ...] = tuple(str(d) for d in range(10))
