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
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from inception_desktop.core.photo.framing import Framing, FramingError
from inception_desktop.core.training.retrain import FEATURE_SIZE, RetrainError
from inception_desktop.core.training.retrain.head import HeadWeights

KIND = "inception-v3-retrained-head"
FORMAT = 1
HEAD_MEMBER = "inception_desktop_head.npz"
#: A head is a few MB at most (2048 x hidden floats); larger files are not heads.
MAX_HEAD_BYTES = 64_000_000


@dataclass(frozen=True)
class RetrainedModel:
    """A loaded head with what it needs to be served: class names, framing, weights md5."""

    path: Path
    metadata: dict[str, Any]
    head: HeadWeights

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(self.metadata["classes"])

    @property
    def framing(self) -> Framing:
        spec = self.metadata.get("framing", {})
        return Framing(spec.get("mode", "pad"), None, tuple(spec.get("pad_color", (128,) * 3)))

    @property
    def weights_md5(self) -> str:
        return str(self.metadata.get("weights_md5", ""))


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
    """Whether ``path`` is a file that says it is a retrained model (no errors: False)."""
    from inception_desktop.core.models.mnist_file import ModelFileError, read_metadata

    try:
        return Path(path).is_file() and read_metadata(path).get("kind") == KIND
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
    try:
        with zipfile.ZipFile(path) as archive, archive.open(HEAD_MEMBER) as member:
            raw = member.read()
        with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
            head = HeadWeights.from_arrays({name: npz[name] for name in npz.files})
    except (KeyError, OSError, ValueError, zipfile.BadZipFile) as exc:
        raise RetrainError(f"{path}: the retrained head's weights are unreadable ({exc})") from None
    _check(path, metadata, head)
    return RetrainedModel(path, metadata, head)


def _check(path: Path, metadata: dict[str, Any], head: HeadWeights) -> None:
    classes = metadata.get("classes")
    if not isinstance(classes, list) or not all(isinstance(c, str) for c in classes):
        raise RetrainError(f"{path}: its model card has no list of class names")
    shapes_ok = head.mean.shape == head.variance.shape == (FEATURE_SIZE,) and bool(head.kernels)
    width = FEATURE_SIZE
    for kernel, bias in zip(head.kernels, head.biases, strict=True):
        shapes_ok = shapes_ok and kernel.ndim == 2 and kernel.shape[0] == width
        shapes_ok = shapes_ok and bias.shape == (kernel.shape[1],)
        width = kernel.shape[1] if kernel.ndim == 2 else -1
    if not shapes_ok or width != len(classes):
        raise RetrainError(f"{path}: the head's weights do not match its {len(classes)} classes")
    try:
        RetrainedModel(path, metadata, head).framing  # noqa: B018 - validates the framing
    except (FramingError, TypeError, ValueError) as exc:
        raise RetrainError(f"{path}: its model card has an unusable framing ({exc})") from None


def load_keras_head(path: str | Path) -> Any:
    """The Keras head of a retrained model file (TensorFlow imported: for exporting it)."""
    from inception_desktop.core.quiet import import_tensorflow

    import_tensorflow()
    import keras

    try:
        return keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises many kinds for a damaged archive
        raise RetrainError(f"{path}: the Keras head cannot be read ({exc})") from None
