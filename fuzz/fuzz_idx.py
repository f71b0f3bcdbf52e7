"""Coverage-guided fuzzing of the IDX reader: bytes (plain or gzipped) → ``read_idx``.

Run: ``python fuzz/fuzz_idx.py WORK_DIR fuzz/corpus/idx -max_total_time=180``.
``read_idx`` reads a path, so each input is written to one scratch file first. The limit is
1 MB so that bombs are refused within it; ``MnistDataError`` is the expected refusal and any
other exception a finding. What is returned must have the shape its header declares.
"""

from __future__ import annotations

import os
import sys
import tempfile

import atheris

with atheris.instrument_imports(include=["inception_desktop"]):
    from inception_desktop.core.training.mnist.data import MnistDataError, read_idx

MAX_BYTES = 1_000_000
_SCRATCH = os.path.join(tempfile.mkdtemp(prefix="fuzz-idx-"), "input.idx")


def fuzz_one_input(data: bytes) -> None:
    with open(_SCRATCH, "wb") as out:
        out.write(data)
    try:
        array = read_idx(_SCRATCH, max_bytes=MAX_BYTES)
    except MnistDataError as exc:
        assert _SCRATCH in str(exc), f"error does not name the file: {exc}"
        return
    assert array.dtype.name == "uint8"
    assert array.nbytes <= MAX_BYTES


def main() -> None:
    atheris.Setup(sys.argv, fuzz_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
