"""Coverage-guided fuzzing of retrained models' cards: bytes → a model file → ``load``.

Run: ``python fuzz/fuzz_cards.py WORK_DIR fuzz/corpus/cards -max_total_time=600``.
The first byte chooses what the rest is: mostly the card's JSON (written with a valid head),
sometimes the head's ``.npz`` member (with a valid card), so both readers of a model file
someone sent are fed. :class:`RetrainError` (a malformed card names its field) is the expected
refusal; any other exception is a finding. What loads must be servable: class names as text,
a known framing mode and a pad colour of three bytes, a head that matches the classes.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import zipfile

import atheris

with atheris.instrument_imports(include=["inception_desktop"]):
    import numpy as np

    from inception_desktop.core.models.mnist_file import METADATA_MEMBER
    from inception_desktop.core.photo.framing import MODES
    from inception_desktop.core.training.retrain import FEATURE_SIZE, RetrainError
    from inception_desktop.core.training.retrain.model_file import HEAD_MEMBER, KIND, load

_SCRATCH = os.path.join(tempfile.mkdtemp(prefix="fuzz-cards-"), "model.keras")
_CARD = {"kind": KIND, "format": 1, "classes": ["a", "b"], "framing": {"mode": "pad"}}


def _head(classes: int) -> bytes:
    buffer = io.BytesIO()
    np.savez(
        buffer,
        mean=np.zeros(FEATURE_SIZE, np.float32),
        variance=np.ones(FEATURE_SIZE, np.float32),
        kernel_0=np.zeros((FEATURE_SIZE, classes), np.float32),
        bias_0=np.zeros(classes, np.float32),
    )
    return buffer.getvalue()


_HEADS = {n: _head(n) for n in (1, 2, 3)}


def fuzz_one_input(data: bytes) -> None:
    if not data:
        return
    head_mode, rest = data[0] % 8 == 0, data[1:]
    if head_mode:
        card, head = json.dumps(_CARD).encode(), rest
    else:
        card, head = rest, _HEADS[2]
        try:  # a card that names 1 or 3 classes gets a head of that width, to reach the end
            parsed = json.loads(rest)
            if isinstance(parsed, dict) and isinstance(parsed.get("classes"), list):
                head = _HEADS.get(len(parsed["classes"]), head)
        except (ValueError, RecursionError):
            pass
    with zipfile.ZipFile(_SCRATCH, "w") as archive:
        archive.writestr(METADATA_MEMBER, card)
        archive.writestr(HEAD_MEMBER, head)
    try:
        model = load(_SCRATCH)
    except RetrainError as exc:
        assert "allow_pickle" not in str(exc), f"suggests pickles: {exc}"
        return
    assert all(isinstance(c, str) and c for c in model.classes)
    assert model.framing.mode in MODES
    assert len(model.framing.pad_color) == 3
    assert all(isinstance(v, int) and 0 <= v <= 255 for v in model.framing.pad_color)
    assert model.head.classes == len(model.classes)
    model.head.scores(np.zeros((1, FEATURE_SIZE), np.float32))


def main() -> None:
    atheris.Setup(sys.argv, fuzz_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
