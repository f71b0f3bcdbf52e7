"""Convert the shipped MNIST model to LiteRT: resources/models/mnist.keras → mnist.tflite and
its int8 twin mnist.int8.tflite (dynamic-range quantization, see core.models.precision).

Usage: python packaging/export_mnist_tflite.py

Run it whenever the shipped ``.keras`` changes; tests/test_litert.py fails while the two files
disagree. The ``.tflite`` takes uint8 (28, 28) pixels (ink bright on black) and scales them inside
the graph, the same contract as every digit model in the app. Besides ``scores`` it outputs each
convolution's maps (``maps_00_Conv2D_…``, see core.models.layer_maps), which the window's layer
view and Grad-CAM on LiteRT read without TensorFlow; adding them left the scores bit-identical.
"""

from __future__ import annotations

from pathlib import Path

from inception_desktop.core.models.mnist import INPUT_SHAPE, serving_model
from inception_desktop.core.models.mnist_file import load_model
from inception_desktop.core.models.tflite_export import export_tflites
from inception_desktop.core.quiet import import_tensorflow

MODELS = Path(__file__).resolve().parents[1] / "resources" / "models"


def main() -> None:
    import_tensorflow()
    model = load_model(MODELS / "mnist.keras")
    targets = {"fp32": MODELS / "mnist.tflite", "int8": MODELS / "mnist.int8.tflite"}
    for path in export_tflites(serving_model(model), INPUT_SHAPE, targets).values():
        print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
