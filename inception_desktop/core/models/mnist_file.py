"""MNIST model files: native ``.keras`` archives that carry their own model card data.

The metadata (architecture, epochs, accuracies, date, data fingerprint, command) is stored as one
extra JSON member inside the ``.keras`` zip. Keras ignores members it does not know, so the file
still loads anywhere, and the numbers can never be separated from the weights they describe.
"""

from __future__ import annotations

import contextlib
import json
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from inception_desktop.core.digit import contract
from inception_desktop.core.errors import InceptionDesktopError, first_line
from inception_desktop.core.store.regular_files import (
    UnreadableFileError,
    open_regular_file,
    size_text,
)

METADATA_MEMBER = "inception_desktop.json"
#: Largest model accepted, uncompressed: a large MNIST network is tens of MB (ours 1.4 MB).
MAX_MODEL_BYTES = 256_000_000
#: Weights barely compress (ours 1.1:1, its config 17:1); a bomb's zeros compress 1000:1.
MAX_RATIO = 100
#: Members smaller than this may compress as well as they like (JSON, padding).
_RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 10_000
MAX_METADATA_BYTES = 1024 * 1024
#: Everything zipfile raises for a damaged or hostile archive.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    ValueError,  # includes UnicodeDecodeError (member names)
    NotImplementedError,  # compression methods zipfile lacks
    RuntimeError,  # encrypted members
    KeyError,
    IndexError,
    struct.error,
    zlib.error,
)


class ModelFileError(InceptionDesktopError):
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


def read_metadata(path: str | Path, *, max_bytes: int = MAX_MODEL_BYTES) -> dict[str, Any]:
    """The metadata of a model file, or an empty dict for a plain Keras file without it."""
    with _checked_archive(path, max_bytes) as archive:
        try:
            info = archive.getinfo(METADATA_MEMBER)
        except KeyError:
            return {}
        if info.file_size > MAX_METADATA_BYTES:
            raise ModelFileError(
                f"{path}: its metadata is {size_text(info.file_size)}, "
                f"more than the {size_text(MAX_METADATA_BYTES)} a model card needs"
            )
        try:
            metadata = json.loads(archive.read(info))
        except json.JSONDecodeError as exc:  # a ValueError: before the zip errors
            raise ModelFileError(f"{path}: unreadable metadata ({exc})") from None
        except MemoryError:
            raise ModelFileError(f"{path}: not enough memory to read it") from None
        except _ZIP_ERRORS as exc:
            raise ModelFileError(f"{path}: not a readable .keras model file ({exc})") from None
    if not isinstance(metadata, dict):
        raise ModelFileError(f"{path}: unreadable metadata (not a JSON object)")
    return metadata


def member_names(path: str | Path, *, max_bytes: int = MAX_MODEL_BYTES) -> list[str]:
    """The names of the members of a model file, after the checks of :func:`check_archive`."""
    with _checked_archive(path, max_bytes) as archive:
        return archive.namelist()


def check_archive(path: str | Path, *, max_bytes: int = MAX_MODEL_BYTES) -> None:
    """Refuse, with :class:`ModelFileError`, a file Keras should not be given.

    It must be a regular file holding a readable zip archive whose members add up to at most
    ``max_bytes`` once uncompressed, none claiming more than :data:`MAX_RATIO` : 1 compression.
    Only the central directory is read: the check costs nothing, whatever the archive claims.
    (Python's zipfile never yields more than a member's declared size, so the declared sizes are
    what extraction can cost.)
    """
    with _checked_archive(path, max_bytes):
        pass


@contextlib.contextmanager
def _checked_archive(path: str | Path, max_bytes: int) -> Iterator[zipfile.ZipFile]:
    try:
        stream = open_regular_file(path, max_bytes)
    except UnreadableFileError as exc:
        reason = "no such model file" if exc.missing else exc.reason
        raise ModelFileError(f"{path}: {reason}") from None
    with stream:
        try:
            archive = zipfile.ZipFile(stream)
        except MemoryError:
            raise ModelFileError(f"{path}: not enough memory to read it") from None
        except _ZIP_ERRORS as exc:
            raise ModelFileError(
                f"{path}: not a .keras model file (expected a Keras 3 zip archive; {exc})"
            ) from None
        with archive:
            _check_members(path, archive.infolist(), max_bytes)
            yield archive


def _check_members(path: str | Path, members: list[zipfile.ZipInfo], max_bytes: int) -> None:
    if len(members) > MAX_MEMBERS:
        raise ModelFileError(f"{path}: {len(members)} files in the archive; a model has a few")
    total = sum(info.file_size for info in members)
    if total > max_bytes:
        raise ModelFileError(
            f"{path}: the archive unpacks to {size_text(total)}, "
            f"more than the limit of {size_text(max_bytes)}"
        )
    for info in members:
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            ratio = info.file_size / max(info.compress_size, 1)
            raise ModelFileError(
                f"{path}: {info.filename} claims {ratio:.0f}:1 compression "
                f"({size_text(info.compress_size)} to {size_text(info.file_size)}); "
                "refused as a possible zip bomb"
            )


def load_model(path: str | Path, *, max_bytes: int = MAX_MODEL_BYTES) -> Any:
    """Load a ``.keras`` MNIST classifier with ``safe_mode=True`` and check its contract.

    Refuses (with :class:`ModelFileError`) files that are not Keras archives, archives beyond
    the limits of :func:`check_archive` (checked before Keras opens the file), models that need
    unsafe deserialisation (lambdas), or whose input is not 28x28x1 or output not 10 classes.
    """
    path = Path(path)
    check_archive(path, max_bytes=max_bytes)
    from inception_desktop.core.quiet import import_tensorflow

    import_tensorflow()  # first, through the filter: ``evaluate`` printed absl/CUDA lines
    import keras

    try:
        model = keras.saving.load_model(path, compile=False, safe_mode=True)
    except MemoryError:
        raise ModelFileError(f"{path}: not enough memory to load the model") from None
    except Exception as exc:  # Keras raises many types for a bad file; all mean "unusable".
        raise ModelFileError(f"{path}: cannot load the model: {first_line(exc)}") from exc
    check_contract(model, path)
    return model


def check_contract(model: Any, path: str | Path = "model") -> None:
    """Raise :class:`ModelFileError` unless the model maps (N, 28, 28, 1) to 10 scores."""
    inputs = getattr(model, "inputs", None) or []
    if len(inputs) != 1:
        raise ModelFileError(f"{path}: expected one input, the model has {len(inputs)}")
    in_shape = tuple(inputs[0].shape[1:])
    if in_shape not in contract.ACCEPTED_INPUT_SHAPES:
        raise ModelFileError(
            f"{path}: input shape {in_shape}, an MNIST model takes {contract.MODEL_INPUT_SHAPE}"
        )
    out_shape = tuple(model.outputs[0].shape[1:])
    if out_shape != (contract.NUM_CLASSES,):
        raise ModelFileError(
            f"{path}: output shape {out_shape}, an MNIST model gives {contract.NUM_CLASSES} classes"
        )
