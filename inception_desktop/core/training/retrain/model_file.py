"""Retrained model files: the head as a native ``.keras`` archive with its model card inside.

Two members are added to the archive Keras writes (Keras ignores members it does not know, so the
file still loads as a Keras model anywhere):

* ``inception_desktop.json`` — the metadata, as MNIST models carry it
  (:mod:`inception_desktop.core.models.mnist_file`): ``kind`` = :data:`KIND`, the class names, the
  framing, the md5 of the Inception weights whose features it was trained on, the data's digest,
  accuracy, date and versions;
* ``inception_desktop_head.npz`` — the same head's arrays (no pickles), so that serving the model
  reads a few arrays with numpy instead of importing TensorFlow (:class:`.head.HeadWeights`).

The file is written atomically: a reader sees the old file or the complete new one.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from inception_desktop.core.errors import first_line
from inception_desktop.core.photo.framing import Framing
from inception_desktop.core.training.retrain import FEATURE_SIZE, RetrainError
from inception_desktop.core.training.retrain.card_reader import FORMAT as FORMAT
from inception_desktop.core.training.retrain.card_reader import ModelCard, read_card
from inception_desktop.core.training.retrain.head import HeadWeights

KIND = "inception-v3-retrained-head"
HEAD_MEMBER = "inception_desktop_head.npz"
#: A head is a few MB at most (2048 x hidden floats); larger files are not heads.
MAX_HEAD_BYTES = 64_000_000


@dataclass(frozen=True)
class RetrainedModel:
    """A loaded head with what it needs to be served: class names, framing, weights md5."""

    path: Path
    card: ModelCard
    head: HeadWeights

    @property
    def metadata(self) -> dict[str, Any]:
        return self.card.metadata

    @property
    def classes(self) -> tuple[str, ...]:
        return self.card.classes

    @property
    def framing(self) -> Framing:
        return self.card.framing

    @property
    def weights_md5(self) -> str:
        return self.card.weights_md5


def framing_metadata(framing: Framing) -> dict[str, Any]:
    return {"mode": framing.mode, "pad_color": list(framing.pad_color)}


def save(model: Any, path: str | Path, metadata: dict[str, Any]) -> Path:
    """Write the Keras head ``model`` to ``path`` with ``metadata`` and its arrays, atomically."""
    from inception_desktop.core.models.mnist_file import METADATA_MEMBER
    from inception_desktop.core.store.atomic import atomic_path

    arrays = io.BytesIO()
    np.savez(arrays, **HeadWeights.from_model(model).arrays())  # type: ignore[arg-type]
    card = json.dumps({**metadata, "kind": KIND, "format": FORMAT}, indent=2, sort_keys=True)
    path = Path(path)
    with atomic_path(path) as tmp:
        model.save(tmp)
        with zipfile.ZipFile(tmp, "a", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(METADATA_MEMBER, card)
            archive.writestr(HEAD_MEMBER, arrays.getvalue())
    return path


def is_retrained(path: str | Path) -> bool:
    """Whether ``path`` is a file that says it is a retrained model (no errors: False).

    It says so by its card's ``kind`` or, when the card is damaged (not JSON, not an object), by
    holding the head's arrays: such a file is then refused by :func:`load` as a retrained model
    with a broken card, rather than tried as an MNIST model and refused for its input shape.
    """
    from inception_desktop.core.models.mnist_file import (
        MAX_MODEL_BYTES,
        ModelFileError,
        member_names,
        read_metadata,
    )

    try:
        if not Path(path).is_file():
            return False
        if HEAD_MEMBER in member_names(path, max_bytes=MAX_MODEL_BYTES):
            return True
        return read_metadata(path).get("kind") == KIND
    except (ModelFileError, OSError):
        return False


def load(path: str | Path) -> RetrainedModel:
    """Read a retrained model without TensorFlow; :class:`RetrainError` for anything else."""
    from inception_desktop.core.models.mnist_file import ModelFileError, read_metadata

    path = Path(path)
    try:
        metadata = read_metadata(path, max_bytes=MAX_HEAD_BYTES)
    except ModelFileError as exc:
        raise RetrainError(str(exc)) from None
    if metadata.get("kind") != KIND:
        what = "a Keras file without our model card" if not metadata else "another kind of model"
        if "architecture" in metadata:
            what = f"an MNIST model ({metadata['architecture']})"
        raise RetrainError(
            f"{path}: not a retrained model ({what}); make one with 'inception-desktop retrain'"
        )
    card = read_card(metadata, str(path))
    head = _read_head(path)
    _check(path, card, head)
    return RetrainedModel(path, card, head)


#: What numpy and zipfile raise for a damaged ``.npz`` member (a pickle refused is a ValueError).
_NPZ_ERRORS = (
    KeyError,
    OSError,
    ValueError,
    EOFError,
    TypeError,
    IndexError,
    zipfile.BadZipFile,
    struct.error,
    zlib.error,
    NotImplementedError,
    RuntimeError,
)


def _read_head(path: Path) -> HeadWeights:
    """The head's arrays, numbers only: an array of Python objects is refused (never unpickled)."""
    unreadable = f"{path}: the retrained head's weights are unreadable"
    try:
        with zipfile.ZipFile(path) as archive, archive.open(HEAD_MEMBER) as member:
            raw = member.read(MAX_HEAD_BYTES + 1)
        with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except MemoryError:
        raise RetrainError(f"{unreadable} (not enough memory)") from None
    except _NPZ_ERRORS as exc:
        if "allow_pickle" in str(exc):
            raise RetrainError(
                f"{unreadable}: an array holds Python objects, which are never loaded "
                "(a head is arrays of numbers)"
            ) from None
        raise RetrainError(f"{unreadable} ({type(exc).__name__}: {first_line(exc)})") from None
    for name, array in arrays.items():
        if not isinstance(array, np.ndarray) or array.dtype.kind not in "fiu":
            raise RetrainError(f"{unreadable}: '{name}' is not an array of numbers")
    try:
        return HeadWeights.from_arrays(arrays)
    except KeyError as exc:
        raise RetrainError(f"{unreadable}: the array {exc} is missing") from None


def _check(path: Path, card: ModelCard, head: HeadWeights) -> None:
    classes = card.classes
    shapes_ok = head.mean.shape == head.variance.shape == (FEATURE_SIZE,) and bool(head.kernels)
    width = FEATURE_SIZE
    for kernel, bias in zip(head.kernels, head.biases, strict=True):
        shapes_ok = shapes_ok and kernel.ndim == 2 and kernel.shape[0] == width
        shapes_ok = shapes_ok and bias.shape == (kernel.shape[1],)
        width = kernel.shape[1] if kernel.ndim == 2 else -1
    if not shapes_ok or width != len(classes):
        raise RetrainError(f"{path}: the head's weights do not match its {len(classes)} classes")


def load_keras_head(path: str | Path) -> Any:
    """The Keras head of a retrained model file (TensorFlow imported: for exporting it)."""
    from inception_desktop.core.quiet import import_tensorflow

    import_tensorflow()
    import keras

    try:
        return keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises many kinds for a damaged archive
        raise RetrainError(f"{path}: the Keras head cannot be read ({exc})") from None
