"""Inception v3 ImageNet weights: where they live, downloading them once, importing a user's file.

The official Keras file is fetched into the user's cache with progress, cancel, time limits, a
size cap and an md5 check, and moved into place atomically (see
:mod:`~.download`). A small JSON file beside it records where it came from,
its md5 and its size, so ``status`` answers without hashing 96 MB and still notices a file that
was truncated or overwritten since (``download`` then repairs it).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from inception_desktop.core.errors import InceptionDesktopError
from inception_desktop.core.store import atomic, paths
from inception_desktop.core.store.download import (
    DEFAULT_DEADLINE,
    DEFAULT_TIMEOUT,
    CancelToken,
    DownloadError,
    ProgressCallback,
    download_file,
    size_text,
)
from inception_desktop.core.store.regular_files import UnreadableFileError, regular_file_digest

FILE_NAME = "inception_v3_weights_tf_dim_ordering_tf_kernels.h5"
OFFICIAL_URL = (
    "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/" + FILE_NAME
)
OFFICIAL_MD5 = "9a0d58056eeedaa3f26cb7ebd46da564"
#: Bytes in the official file (the Content-Length Keras' own download reports for it).
OFFICIAL_SIZE = 96_112_376
#: The official file's size as every message and button shows it: SI units (1 MB = 10^6 bytes),
#: the unit of all sizes the app shows (``download.size_text``): "96.1 MB".
SIZE_TEXT = size_text(OFFICIAL_SIZE)
#: A download may exceed the expected size by this much before it is cut off (mirrors of the
#: official file are byte-identical; this only absorbs a rebuilt file of the same layout).
SIZE_MARGIN = 1 << 20

URL_ENV = "INCEPTION_DESKTOP_WEIGHTS_URL"
#: For a mirror that serves a different build of the file; the hash is still checked.
MD5_ENV = "INCEPTION_DESKTOP_WEIGHTS_MD5"


class WeightsError(InceptionDesktopError):
    """Weights are missing, wrong or unusable; the message says what to do next."""


class UnofficialWeightsError(WeightsError):
    """A file to import is not the official one (its md5 differs): it is installed only when the
    person chooses to trust it, which the CLI asks with ``--trust`` and the window with a dialog;
    ``size`` and ``md5`` are the file's, for that question."""

    def __init__(self, source: Path, size: int, md5: str) -> None:
        self.source, self.size, self.md5 = source, size, md5
        official = f"{SIZE_TEXT}, md5 {expected_md5()}"
        super().__init__(
            f"{source} is not the official Inception v3 weights file ({size_text(size)}, "
            f"md5 {md5}; the official file is {official})",
            f"not the official Inception v3 weights file ({size_text(size)}, md5 {md5}; the "
            f"official file is {official})",
        )


@dataclass(frozen=True)
class WeightsStatus:
    path: Path
    present: bool
    origin: str = ""  # "download", "import" or "trusted import"
    md5: str = ""
    #: Why a file that is there cannot be used (truncated, overwritten); "" when it is fine.
    problem: str = ""

    def describe(self) -> str:
        if self.problem:
            return (
                f"Inception v3 weights at {self.path} are damaged: {self.problem}.\n"
                "Run 'inception-desktop weights download' to repair them, or "
                "'inception-desktop weights import FILE' with a copy you have."
            )
        if not self.present:
            return (
                f"Inception v3 weights are not installed (expected at {self.path}).\n"
                f"Run 'inception-desktop weights download' ({SIZE_TEXT}), or "
                "'inception-desktop weights import FILE' with a copy you have."
            )
        note = " — not the official file" if self.md5 and self.md5 != expected_md5() else ""
        return f"Inception v3 weights: {self.path} ({self.origin}, md5 {self.md5}{note})"


def expected_md5() -> str:
    return os.environ.get(MD5_ENV) or OFFICIAL_MD5


def download_url() -> str:
    return os.environ.get(URL_ENV) or OFFICIAL_URL


def weights_path() -> Path:
    """Where the weights the app loads live (they may not exist yet)."""
    return paths.cache_dir() / "weights" / FILE_NAME


def _info_path() -> Path:
    return weights_path().with_suffix(".json")


def status() -> WeightsStatus:
    """Whether usable weights are installed; a file whose size differs from the one recorded at
    install (or, for the official file, from :data:`OFFICIAL_SIZE`) is reported as damaged."""
    path = weights_path()
    try:
        size = path.stat().st_size if path.is_file() else None
    except OSError:
        size = None
    if size is None:
        return WeightsStatus(path, False)
    try:
        info = json.loads(_info_path().read_text())
        if not isinstance(info, dict):
            raise ValueError("not an object")
    except (OSError, ValueError):
        info = {"origin": "unknown", "md5": ""}
    origin, md5 = str(info.get("origin", "unknown")), str(info.get("md5", ""))
    expected = info.get("size")
    if not isinstance(expected, int) and md5 == OFFICIAL_MD5:
        expected = OFFICIAL_SIZE
    if isinstance(expected, int) and size != expected:
        problem = f"the file has {size} bytes, it had {expected} when it was installed"
        return WeightsStatus(path, False, origin, md5, problem)
    return WeightsStatus(path, True, origin, md5)


def require() -> Path:
    """The installed weights file, or :class:`WeightsError` saying how to get one."""
    current = status()
    if not current.present:
        raise WeightsError(current.describe())
    return current.path


def _record(origin: str, md5: str) -> None:
    size = weights_path().stat().st_size
    atomic.write_json(_info_path(), {"origin": origin, "md5": md5, "size": size})


def max_download_bytes() -> int:
    """The size cap of a download: the official size plus a margin, or twice that for a mirror
    that serves another build (its md5 set by :data:`MD5_ENV`)."""
    cap = OFFICIAL_SIZE + SIZE_MARGIN
    return cap if expected_md5() == OFFICIAL_MD5 else 2 * cap


def download(
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    deadline: float = DEFAULT_DEADLINE,
) -> Path:
    """Fetch the weights into the cache (a no-op when usable weights are already there; a
    damaged file is replaced).

    Raises :class:`WeightsError` with advice for each failure: offline, server error, timeout,
    damaged file, or cancelled.
    """
    target = weights_path()
    if status().present:
        return target
    url = download_url()
    try:
        download_file(
            url,
            target,
            expected_hash=expected_md5(),
            algorithm="md5",
            progress=progress,
            cancel=cancel,
            timeout=timeout,
            deadline=deadline,
            max_bytes=max_download_bytes(),
        )
        _record("download", expected_md5())
    except DownloadError as exc:
        raise WeightsError(_advice(exc)) from exc
    except (OSError, atomic.WriteError) as exc:
        raise WeightsError(f"the weights were downloaded but not recorded: {exc}") from exc
    return target


def _advice(exc: DownloadError) -> str:
    """What happened and what to do, in words for the window and the command line alike (no
    command names: the window has its Import button, the command line adds its command)."""
    tail = {
        "cancelled": "Download cancelled; nothing was kept.",
        "offline": (
            "You seem to be offline. Download the file on a computer that is online, from "
            f"{OFFICIAL_URL}, then import it."
        ),
        "timeout": "The server stopped answering. Try again later, or import a file you have.",
        "http": "The server refused the download. Try again later, or import a file you have.",
        "hash": "The downloaded file was damaged and was deleted. Try again.",
        "network": "The connection broke. Try again, or import a file you have.",
        "size": (
            "The server sent a file of the wrong size; nothing was kept. Try again later, "
            "or import a file you have."
        ),
        "io": "Free some space or fix the cache folder's permissions, then try again.",
    }.get(exc.kind, "Try again, or import a file you have.")
    return f"{_sentence(exc.reason)}\n{tail}" if exc.kind != "cancelled" else tail


def _sentence(text: str) -> str:
    """``text`` as a sentence: a capital first letter and a full stop."""
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def weights_digest(path: str | Path) -> str:
    """The md5 of a weights file, refused first (:class:`WeightsError`) unless it is a regular
    file no larger than a download may be: hashing a FIFO, a device or a sparse giant would hang
    or take seconds before any other check could speak."""
    try:
        return regular_file_digest(path, max_download_bytes(), "md5")
    except UnreadableFileError as exc:
        reason = "no such weights file" if exc.missing else exc.reason
        raise WeightsError(f"{path}: {reason}") from None


def import_file(
    source: str | Path, trust: bool = False, check: Callable[[Path], object] | None = None
) -> Path:
    """Copy a weights file the user has into the cache.

    The official file (by md5) is always accepted. Any other file is refused
    (:class:`UnofficialWeightsError`) unless ``trust`` is set, and even then it must pass
    ``check`` — :func:`inception_desktop.core.models.inception.check_weights`, which loads it
    into the Inception v3 architecture and raises :class:`WeightsError` when it does not fit.
    The model module is passed in rather than
    imported: it depends on this store (for where the weights live), not the reverse.
    """
    source = Path(source)
    md5 = weights_digest(source)
    origin = "import"
    if md5 != expected_md5():
        if not trust:
            raise UnofficialWeightsError(source, source.stat().st_size, md5)
        if check is None:
            raise ValueError("importing a file that is not the official one needs a check")
        check(source)  # raises WeightsError when it does not fit
        origin = "trusted import"
    target = weights_path()
    try:
        atomic.check_output_dir(target.parent)
        atomic.copy_file(source, target)
        _record(origin, md5)
    except (OSError, atomic.WriteError) as exc:
        raise WeightsError(f"could not install {source}: {exc}") from exc
    return target
