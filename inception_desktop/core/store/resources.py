"""Files shipped in ``resources/``, found through ``importlib.resources``.

``resources/`` is installed as the package ``inception_desktop.resources`` (see pyproject.toml),
so a checkout with an editable install and an installed wheel find the same files the same way,
never relative to the current directory.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

PACKAGE = "inception_desktop.resources"

IMAGENET_CLASS_INDEX = "imagenet_class_index.json"
MNIST_MODEL = "models/mnist.keras"
#: The same model converted for LiteRT by packaging/export_mnist_tflite.py.
MNIST_TFLITE = "models/mnist.tflite"
#: Its int8 twin (dynamic-range quantization, see core.models.precision), made by the same script.
MNIST_TFLITE_INT8 = "models/mnist.int8.tflite"
MNIST_MODEL_CARD = "models/mnist.md"


def resource(name: str) -> Traversable:
    """A shipped file, by its path inside ``resources/``."""
    node = resources.files(PACKAGE)
    for part in name.split("/"):
        node = node.joinpath(part)
    return node


@contextlib.contextmanager
def resource_path(name: str) -> Iterator[Path]:
    """A real file system path for a shipped file (Keras needs one), for the ``with`` block."""
    with resources.as_file(resource(name)) as path:
        yield path
