"""Reading a retrained model's card: every field checked, and a wrong one named.

A model card is JSON inside a file a person may have been sent, so each field that serving uses
is checked for its type and range here, once, before anything uses it: a ``framing`` that is a
string, a ``pad_color`` of ``[999, -1, "x"]`` or ``[1, 2]``, or class names that are numbers must
be one clear :class:`ModelCardError` naming the field, not an ``AttributeError`` three calls
later, nor a cache folder named after an impossible colour. Fields kept only for people (dates,
accuracies, versions) are checked for their type when present, so a report never trips on them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from inception_desktop.core.photo.framing import DEFAULT_PAD_COLOR, MODES, Framing
from inception_desktop.core.training.retrain import RetrainError

#: The card format this version writes and reads; a newer one is refused, not guessed at.
FORMAT = 1
#: More classes than any folder of class folders a person makes (ImageNet has 1000).
MAX_CLASSES = 10_000


class ModelCardError(RetrainError):
    """A model card field of the wrong type or out of range; the message names the field."""


@dataclass(frozen=True)
class ModelCard:
    """What serving needs from a card, validated; ``metadata`` is the whole card as read."""

    classes: tuple[str, ...]
    framing: Framing
    weights_md5: str
    data_digest: str
    metadata: dict[str, Any]


def read_card(metadata: object, where: str) -> ModelCard:
    """Validate a retrained model's card (parsed JSON); ``where`` starts each message (the path).

    Raises :class:`ModelCardError` for the first field that is wrong, naming it and what it
    should be.
    """
    if not isinstance(metadata, dict):
        raise ModelCardError(f"{where}: its model card is not a JSON object")

    def wrong(field: str, expected: str) -> ModelCardError:
        shown = _show(metadata.get(field))
        return ModelCardError(f"{where}: model card field '{field}' is {shown}; {expected}")

    version = metadata.get("format", FORMAT)
    if not _is_int(version) or version < 1:
        raise wrong("format", "expected a positive whole number")
    if version > FORMAT:
        raise ModelCardError(
            f"{where}: its model card is format {version}, made by a newer version of the app "
            f"(this one reads format {FORMAT})"
        )
    classes = metadata.get("classes")
    if (
        not isinstance(classes, list)
        or not 1 <= len(classes) <= MAX_CLASSES
        or not all(isinstance(c, str) and c for c in classes)
    ):
        raise wrong("classes", "expected a list of class names (non-empty text)")
    if len(set(classes)) != len(classes):
        raise wrong("classes", "expected each class name once")
    framing = _framing(metadata.get("framing"), where)
    for field in ("weights_md5", "data_digest", "date", "data_dir"):
        if field in metadata and not isinstance(metadata[field], str):
            raise wrong(field, "expected text")
    for field in ("train", "validation", "hidden", "epochs", "best_epoch", "seed"):
        if field in metadata and not (_is_int(metadata[field]) and metadata[field] >= 0):
            raise wrong(field, "expected a whole number of at least 0")
    if "val_accuracy" in metadata and not _is_fraction_or_none(metadata["val_accuracy"]):
        raise wrong("val_accuracy", "expected a number from 0 to 1")
    if "unknown_threshold" in metadata and not _is_fraction_or_none(metadata["unknown_threshold"]):
        raise wrong("unknown_threshold", "expected a number from 0 to 1")
    if metadata.get("precision", "fp32") not in ("fp32", "int8"):
        raise wrong("precision", "expected 'fp32' or 'int8'")
    temperature = metadata.get("temperature", 1.0)
    if isinstance(temperature, bool) or not isinstance(temperature, int | float) or not (
        math.isfinite(temperature) and 0.01 <= temperature <= 100
    ):
        raise wrong("temperature", "expected a number from 0.01 to 100")
    _check_mapping(metadata, "per_class", _is_fraction_or_none, "numbers from 0 to 1", wrong)
    _check_mapping(metadata, "versions", _is_str, "version text", wrong)
    augmented = metadata.get("augmented", [])
    if not isinstance(augmented, list) or not all(isinstance(a, str) for a in augmented):
        raise wrong("augmented", "expected a list of augmentation names")
    return ModelCard(
        tuple(classes),
        framing,
        str(metadata.get("weights_md5", "")),
        str(metadata.get("data_digest", "")),
        metadata,
    )


def _framing(spec: object, where: str) -> Framing:
    if spec is None:
        return Framing("pad", None, DEFAULT_PAD_COLOR)
    if not isinstance(spec, dict):
        raise ModelCardError(
            f"{where}: model card field 'framing' is {_show(spec)}; expected an object such as "
            '{"mode": "pad", "pad_color": [128, 128, 128]}'
        )
    mode = spec.get("mode", "pad")
    if not isinstance(mode, str) or mode not in MODES:
        raise ModelCardError(
            f"{where}: model card field 'framing.mode' is {_show(mode)}; "
            f"expected one of {', '.join(MODES)}"
        )
    color = spec.get("pad_color", list(DEFAULT_PAD_COLOR))
    if (
        not isinstance(color, list)
        or len(color) != 3
        or not all(_is_int(c) and 0 <= c <= 255 for c in color)
    ):
        raise ModelCardError(
            f"{where}: model card field 'framing.pad_color' is {_show(color)}; "
            "expected three whole numbers from 0 to 255 (red, green, blue)"
        )
    return Framing(mode, None, (color[0], color[1], color[2]))


def _check_mapping(
    metadata: Mapping[str, Any],
    field: str,
    valid: Callable[[object], bool],
    expected: str,
    wrong: Callable[[str, str], ModelCardError],
) -> None:
    value = metadata.get(field, {})
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and valid(v) for k, v in value.items()
    ):
        raise wrong(field, f"expected an object of {expected}")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_str(value: object) -> bool:
    return isinstance(value, str)


def _is_fraction_or_none(value: object) -> bool:
    if value is None:
        return True
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    return math.isfinite(value) and 0.0 <= value <= 1.0


def _show(value: object, limit: int = 60) -> str:
    """A field's value for a message: JSON-like, one line, cut short."""
    if isinstance(value, str):
        text = repr(value)
    elif isinstance(value, dict):
        text = "an object"
    else:
        text = repr(value)
    text = text.encode("ascii", "backslashreplace").decode("ascii")
    return text if len(text) <= limit else text[: limit - 1] + "…"
