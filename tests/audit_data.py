"""Class folders with planted problems, for the audit's tests and benchmark.

Photos of random shapes on a gradient, each class its own dominant colour (so even Inception v3
with the random test weights tells the classes apart), every photo different from every other.
Planted: photos filed under the wrong class, re-encoded/resized/cropped copies within a class,
across two classes and across training and validation, and blank frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

COLOURS = {"blue": (40, 70, 200), "green": (50, 180, 60), "red": (200, 50, 40)}


def shapes_photo(kind: str, rng: np.random.Generator) -> Image.Image:
    """A photo of ``kind``: its colour's gradient and a few random shapes of any colour."""
    w, h = int(rng.integers(90, 140)), int(rng.integers(90, 140))
    base = np.array(COLOURS[kind]) + rng.integers(-40, 40, 3)
    other = rng.integers(0, 255, 3)
    horizontal = rng.random() < 0.5
    t = np.linspace(0, 1, w)[None, :, None] if horizontal else np.linspace(0, 1, h)[:, None, None]
    pixels = (base * (1 - t) + other * t * 0.5 + np.zeros((h, w, 3))).clip(0, 255)
    image = Image.fromarray(pixels.astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(3, 7))):
        x0, y0 = int(rng.integers(0, w - 10)), int(rng.integers(0, h - 10))
        side = int(rng.integers(8, 30))
        colour = tuple(int(v) for v in rng.integers(0, 255, 3))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape([x0, y0, x0 + side, y0 + side], fill=colour)
    return image


@dataclass
class Planted:
    """What was planted, by path (strings, as the audit reports them)."""

    root: Path
    validation: Path
    mislabels: dict[str, str] = field(default_factory=dict)  # path -> its true class
    duplicates: dict[frozenset[str], str] = field(default_factory=dict)  # pair -> kind
    blanks: list[str] = field(default_factory=list)


def make_audit_data(base: Path, per_class: int = 24, seed: int = 0) -> Planted:
    rng = np.random.default_rng(seed)
    planted = Planted(base / "data", base / "validation")
    photos: dict[str, list[Path]] = {}
    for kind in COLOURS:
        for root, count in ((planted.root, per_class), (planted.validation, 4)):
            (root / kind).mkdir(parents=True, exist_ok=True)
            for i in range(count):
                path = root / kind / f"{kind}-{i:02d}.png"
                shapes_photo(kind, rng).save(path)
                if root == planted.root:
                    photos.setdefault(kind, []).append(path)
    kinds = list(COLOURS)
    for n, kind in enumerate(kinds):  # two photos of each class filed under the next class
        wrong = kinds[(n + 1) % len(kinds)]
        for path in photos[kind][-2:]:
            target = planted.root / wrong / f"misfiled-{path.name}"
            path.rename(target)
            planted.mislabels[str(target)] = kind
        photos[kind] = photos[kind][:-2]
    red, green, blue = photos["red"], photos["green"], photos["blue"]
    image = Image.open(red[0]).convert("RGB")  # re-encoded into another class: a contradiction
    copy = planted.root / "green" / "red-00-reencoded.jpg"
    image.save(copy, quality=70)
    planted.duplicates[frozenset({str(red[0]), str(copy)})] = "different classes"
    image = Image.open(green[1])  # resized within its class
    copy = planted.root / "green" / "green-01-small.png"
    image.resize((image.width * 7 // 10, image.height * 7 // 10)).save(copy)
    planted.duplicates[frozenset({str(green[1]), str(copy)})] = "same class"
    image = Image.open(blue[2])  # slightly cropped into the validation tree: leakage
    w, h = image.size
    copy = planted.validation / "blue" / "blue-02-cropped.png"
    image.crop((w // 20, h // 20, w - w // 20, h - h // 20)).save(copy)
    planted.duplicates[frozenset({str(blue[2]), str(copy)})] = "training and validation"
    for n, kind in enumerate(("red", "blue")):  # blank frames
        path = planted.root / kind / f"blank-{n}.png"
        Image.new("RGB", (120, 100), (128 + 40 * n,) * 3).save(path)
        planted.blanks.append(str(path))
    return planted
