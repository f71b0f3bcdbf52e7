"""MNIST model files: native ``.keras`` archives that carry their own model card data.

The metadata (architecture, epochs, accuracies, date, data fingerprint, command) is stored as one
extra JSON member inside the ``.keras`` zip. Keras ignores members it does not know, so the file
still loads anywhere, and the numbers can never be separated from the weights they describe.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

METADATA_MEMBER = "inception_desktop.json"


class ModelFileError(Exception):
    """A model file is missing, corrupt or not an MNIST classifier; the message says which."""


def write_metadata(path: str | Path, metadata: dict[str, Any]) -> None:
    """Add (or replace) the metadata member of a saved ``.keras`` file."""
    path = Path(path)
    with zipfile.ZipFile(path) as archive:
        members = {
            info.filename: archive.read(info.filename)
            for info in archive.infolist()
            if info.filename != METADATA_MEMBER
        }
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        archive.writestr(METADATA_MEMBER, json.dumps(metadata, indent=2, sort_keys=True))
    tmp.replace(path)


def read_metadata(path: str | Path) -> dict[str, Any]:
    """The metadata of a model file, or an empty dict for a plain Keras file without it."""
    try:
        with zipfile.ZipFile(path) as archive:
            if METADATA_MEMBER not in archive.namelist():
                return {}
            return json.loads(archive.read(METADATA_MEMBER))
    except (OSError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
        raise ModelFileError(f"{path}: not a readable .keras model file ({exc})") from exc


def load_model(path: str | Path) -> Any:
    """Load a ``.keras`` MNIST classifier with ``safe_mode=True`` and check its contract.

    Refuses (with :class:`ModelFileError`) files that are not Keras archives, that need unsafe
    deserialisation (lambdas), or whose input is not 28x28x1 or output not 10 classes.
    """
    import keras

    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"{path}: no such model file")
    if not zipfile.is_zipfile(path):
        raise ModelFileError(f"{path}: not a .keras model file (expected a Keras 3 zip archive)")
    try:
        model = keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises many types for a bad file; all mean "unusable".
        raise ModelFileError(f"{path}: cannot load the model: {_first_line(exc)}") from exc
    check_contract(model, path)
    return model


def check_contract(model: Any, path: str | Path = "model") -> None:
    """Raise :class:`ModelFileError` unless the model maps (N, 28, 28, 1) to 10 scores."""
    inputs = getattr(model, "inputs", None) or []
    if len(inputs) != 1:
        raise ModelFileError(f"{path}: expected one input, the model has {len(inputs)}")
    in_shape = tuple(inputs[0].shape[1:])
    if in_shape not in {(28, 28, 1), (28, 28)}:
        raise ModelFileError(f"{path}: input shape {in_shape}, an MNIST model takes (28, 28, 1)")
    out_shape = tuple(model.outputs[0].shape[1:])
    if out_shape != (10,):
        raise ModelFileError(f"{path}: output shape {out_shape}, an MNIST model gives 10 classes")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]
