"""What every harness shares: how a finding is told from an expected refusal.

A harness calls the project's code on the fuzz input. The project's own error types are the
expected answer to a bad input and end the run quietly. Any other exception escapes
``fuzz_one_input``, which libFuzzer reports as a crash and saves as an artifact: that is a finding.

One more kind of finding is recorded without stopping the run: an ``ImageLoadError`` that wraps
an exception type the image loader did not expect (its ``__cause__`` is kept exactly for these).
The person still sees a clean error, but the input shows a decoder failing in an undocumented
way; it is worth a regression test. Each distinct (type, place) is appended once to
``$FUZZ_NOTES`` (default ``/tmp/fuzz-notes-<harness>.txt``) with the input saved next to it.
"""

from __future__ import annotations

import hashlib
import os
import traceback
from pathlib import Path

_seen: set[str] = set()


def note_wrapped(harness: str, exc: BaseException, data: bytes) -> None:
    """Record an unexpected exception that the project wrapped, once per type and place."""
    cause = exc.__cause__
    if cause is None:
        return
    frames = traceback.extract_tb(cause.__traceback__)
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    key = f"{type(cause).__name__} at {where}"
    if key in _seen:
        return
    _seen.add(key)
    notes = Path(os.environ.get("FUZZ_NOTES", f"/tmp/fuzz-notes-{harness}.txt"))
    sample = notes.with_name(f"{notes.stem}-{hashlib.sha1(data).hexdigest()[:12]}.bin")
    sample.write_bytes(data)
    with notes.open("a") as out:
        out.write(f"{key}: {str(cause)[:200]!r} -> {sample}\n")
