"""Inception v3 ImageNet weights: where they live, downloading them once, importing a user's file.

The official Keras file is fetched into the user's cache with progress, cancel, a timeout and an
md5 check, and moved into place atomically (see :mod:`inception_desktop.core.download`). A small
JSON file beside it records where it came from, so ``status`` answers without hashing 92 MB.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from inception_desktop.core import paths
from inception_desktop.core.download import (
    CancelToken,
    DownloadError,
    ProgressCallback,
    download_file,
    file_digest,
)

FILE_NAME = "inception_v3_weights_tf_dim_ordering_tf_kernels.h5"
OFFICIAL_URL = (
    "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/" + FILE_NAME
)
OFFICIAL_MD5 = "9a0d58056eeedaa3f26cb7ebd46da564"
SIZE_MB = 92

URL_ENV = "INCEPTION_DESKTOP_WEIGHTS_URL"
#: For a mirror that serves a different build of the file; the hash is still checked.
MD5_ENV = "INCEPTION_DESKTOP_WEIGHTS_MD5"


class WeightsError(Exception):
    """Weights are missing, wrong or unusable; the message says what to do next."""


@dataclass(frozen=True)
class WeightsStatus:
    path: Path
    present: bool
    origin: str = ""  # "download", "import" or "trusted import"
    md5: str = ""

    def describe(self) -> str:
        if not self.present:
            return (
                f"Inception v3 weights are not installed (expected at {self.path}).\n"
                f"Run 'inception-desktop weights download' ({SIZE_MB} MB), or "
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
    path = weights_path()
    if not path.is_file():
        return WeightsStatus(path, False)
    try:
        info = json.loads(_info_path().read_text())
    except (OSError, ValueError):
        info = {"origin": "unknown", "md5": ""}
    return WeightsStatus(path, True, info.get("origin", "unknown"), info.get("md5", ""))


def require() -> Path:
    """The installed weights file, or :class:`WeightsError` saying how to get one."""
    current = status()
    if not current.present:
        raise WeightsError(current.describe())
    return current.path


def _record(origin: str, md5: str) -> None:
    _info_path().write_text(json.dumps({"origin": origin, "md5": md5}))


def download(
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    timeout: float = 30.0,
) -> Path:
    """Fetch the weights into the cache (a no-op when they are already there).

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
        )
    except DownloadError as exc:
        raise WeightsError(_advice(exc)) from exc
    _record("download", expected_md5())
    return target


def _advice(exc: DownloadError) -> str:
    tail = {
        "cancelled": "Download cancelled; nothing was kept.",
        "offline": (
            "You seem to be offline. Download the file elsewhere from "
            f"{OFFICIAL_URL} and run 'inception-desktop weights import FILE'."
        ),
        "timeout": "The server stopped answering. Try again later, or import a file you have.",
        "http": "The server refused the download. Try again later, or import a file you have.",
        "hash": "The downloaded file was damaged and was deleted. Try again.",
    }.get(exc.reason, "Try again, or import a file you have.")
    return f"{exc}\n{tail}" if exc.reason != "cancelled" else tail


def import_file(source: str | Path, trust: bool = False) -> Path:
    """Copy a weights file the user has into the cache.

    The official file (by md5) is always accepted. Any other file is refused unless ``trust`` is
    set, and even then it must load into the Inception v3 architecture.
    """
    source = Path(source)
    if not source.is_file():
        raise WeightsError(f"{source}: no such file")
    md5 = file_digest(source, "md5")
    origin = "import"
    if md5 != expected_md5():
        if not trust:
            raise WeightsError(
                f"{source} is not the official Inception v3 weights file "
                f"(md5 {md5}, expected {expected_md5()}). If you trust it, import it with --trust."
            )
        from inception_desktop.core import inception

        inception.build_model(source)  # raises WeightsError when it does not fit
        origin = "trusted import"
    target = weights_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    _record(origin, md5)
    return target
