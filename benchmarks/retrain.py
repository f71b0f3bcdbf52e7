"""Retraining speed (issue 12): feature extraction against the pure network, and head training.

* feature extraction of a folder of camera-sized JPEGs (decode + pad framing overlapped with the
  network, an empty feature cache) in photos/s, against the pure LiteRT network rate on the same
  inputs already framed, measured in the same run; then the same folder again, from the cache;
* training the head on 1,000 feature vectors (5 classes, 2048 values of std ≈ 0.002 as random
  weights give) with the command's defaults, to early stopping. Target: at most 10 s.

Inception v3 runs with the installed weights, else fixed random ones (same cost), converted for
LiteRT into a temporary cache (about a minute) unless ``$INCEPTION_DESKTOP_CACHE`` holds it.

Run: ``nice .venv/bin/python benchmarks/retrain.py [--photos 48]``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

#: Extraction and the pure network are each measured this many times, interleaved; best kept.
ROUNDS = 2
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def _photos(folder: Path, count: int) -> list[Path]:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    paths = []
    for i in range(count):
        small = rng.integers(0, 255, (30, 40, 3), dtype=np.uint8)
        image = Image.fromarray(small).resize((1600, 1200), Image.Resampling.BILINEAR)
        paths.append(folder / f"photo{i:03d}.jpg")
        image.save(paths[-1], quality=90)
    return paths


def extraction(weights: Path, count: int) -> None:
    import numpy as np

    from inception_desktop.core.models.runtime import LITERT_BATCH as BATCH
    from inception_desktop.core.photo.framing import Framing
    from inception_desktop.core.photo.prepare import load_photo, network_input
    from inception_desktop.core.store.download import file_digest
    from inception_desktop.core.training.retrain.cache import FeatureCache
    from inception_desktop.core.training.retrain.dataset import Sample
    from inception_desktop.core.training.retrain.features import extract, feature_model_for

    md5 = file_digest(weights, "md5")
    model = feature_model_for(weights, md5, "litert")
    model(np.zeros((1, 299, 299, 3), np.uint8))  # allocation, once
    with tempfile.TemporaryDirectory() as tmp:
        paths = _photos(Path(tmp), count)
        samples = [Sample(p, 0, file_digest(p, "sha256")) for p in paths]
        framing = Framing()
        inputs = np.stack([network_input(load_photo(p), framing, 299).array for p in paths])
        extracted, network = [], []
        for run in range(ROUNDS):  # interleaved, best of each: the machine's load varies
            started = time.perf_counter()
            for i in range(0, len(inputs), BATCH):
                model(inputs[i : i + BATCH])
            network.append(time.perf_counter() - started)
            cache = FeatureCache(md5, framing, root=Path(tmp) / f"cache{run}")
            extracted.append(extract(samples, model, framing, cache=cache))
        again = extract(
            samples, model, framing, cache=FeatureCache(md5, framing, cache.folder.parent)
        )
        best, network_s = min(extracted, key=lambda e: e.seconds), min(network)
        result = best.seconds
    print(f"feature extraction, {count} JPEGs 1600x1200, pad framing, LiteRT ({model.runtime}):")
    print(f"  extraction (decode+frame overlapped):  {count / result:6.1f} photos/s")
    print(f"  pure network, same inputs, same batch: {count / network_s:6.1f} photos/s")
    print(f"  extraction / network:                  {network_s / result:6.0%}")
    print(f"  inside extraction, the network took {best.network_seconds:.1f} s of {result:.1f} s")
    print(f"  second run from the cache: {again.seconds * 1000:.0f} ms ({again.cache_hits} hits)")


def head_training(n: int = 1000, classes: int = 5) -> None:
    import numpy as np

    from inception_desktop.core.training.retrain.dataset import split
    from inception_desktop.core.training.retrain.head import train

    rng = np.random.default_rng(0)
    labels = rng.integers(0, classes, n)
    centres = rng.normal(0, 0.002, (classes, 2048))
    features = (centres[labels] * 0.3 + rng.normal(0, 0.002, (n, 2048))).astype(np.float32)
    tr, va = split(labels, 0.2, seed=0)
    started = time.perf_counter()
    from inception_desktop.core.quiet import import_tensorflow

    import_tensorflow()
    imported = time.perf_counter() - started
    started = time.perf_counter()
    result = train(features[tr], labels[tr], features[va], labels[va], classes, seed=0)
    seconds = time.perf_counter() - started
    accuracy = float((result.model(features[va]).numpy().argmax(1) == labels[va]).mean())
    print(f"head training on {n} feature vectors ({len(tr)} train, {len(va)} validation):")
    print(f"  (TensorFlow import first: {imported:.1f} s, not counted)")
    print(
        f"  {seconds:.1f} s for {result.epochs_run} epochs (best {result.best_epoch}), "
        f"validation accuracy {accuracy:.1%} (target: at most 10 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=48)
    parser.add_argument("--weights", type=Path, help="Inception v3 weights (default: see above)")
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if "INCEPTION_DESKTOP_CACHE" not in os.environ:
        os.environ["INCEPTION_DESKTOP_CACHE"] = tempfile.mkdtemp(prefix="bench-cache-")
    from _common import inception_weights

    weights, what = (args.weights, str(args.weights)) if args.weights else inception_weights()
    print(f"Inception v3: {what}; {os.cpu_count()} CPUs")
    extraction(weights, args.photos)
    head_training()


if __name__ == "__main__":
    main()
