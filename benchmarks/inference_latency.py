"""Single-image latency: our compiled call against ``Model.predict``, same model, same machine.

Run: ``.venv/bin/python benchmarks/inference_latency.py`` (or ``make benchmarks``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import inception_weights, median_ms


def compare(name: str, classifier, x: np.ndarray, model_input: np.ndarray) -> None:
    model = classifier.predictor.model
    compiled = median_ms(lambda: classifier.scores(x))
    predict = median_ms(lambda: model.predict(model_input, verbose=0))
    call = median_ms(lambda: model(model_input, training=False))
    print(
        f"{name:14s} compiled call {compiled:8.2f} ms | Model.predict {predict:8.2f} ms "
        f"(x{predict / compiled:5.2f}) | eager model(x) {call:8.2f} ms (x{call / compiled:5.2f})"
    )


def main() -> None:
    from inception_desktop.core.models import inception
    from inception_desktop.core.models.mnist import load_classifier

    path, what = inception_weights()
    rng = np.random.default_rng(0)
    print(f"Inception v3 with {what}; device: ", end="")
    photo = inception.load_classifier(path)
    print(photo.device)
    x = rng.integers(0, 256, (299, 299, 3), dtype=np.uint8)
    compare("Inception v3", photo, x, (x[None].astype(np.float32) / 127.5 - 1.0))
    digit = load_classifier()
    d = rng.integers(0, 256, (28, 28), dtype=np.uint8)
    compare("MNIST default", digit, d, (d[None, ..., None].astype(np.float32) / 255.0))
    batch = rng.integers(0, 256, (16, 299, 299, 3), dtype=np.uint8)
    per_image = median_ms(lambda: photo.predictor.predict_batch(batch, 16), repeats=5) / 16
    print(f"Inception v3 batch of 16: {per_image:.2f} ms per image")


if __name__ == "__main__":
    main()
