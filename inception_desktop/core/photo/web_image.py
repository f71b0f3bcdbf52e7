"""Fetching an image dragged from a web browser: size-limited, time-limited, then loaded safely."""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import urlparse

from inception_desktop.core.photo.images import ImageLoadError, LoadedImage, load_image
from inception_desktop.core.store.download import CancelToken, DownloadError, download_file

MAX_BYTES = 40_000_000
TIMEOUT = 15.0
#: A dropped image is worth a minute at most, however steadily it trickles in.
DEADLINE = 60.0


def fetch_image(
    url: str,
    *,
    max_bytes: int = MAX_BYTES,
    timeout: float = TIMEOUT,
    deadline: float = DEADLINE,
    cancel: CancelToken | None = None,
    draft_to: int | None = None,
) -> LoadedImage:
    """Download ``url`` (http or https only) into a temporary file and load it; the size cap,
    the timeouts and the minimum-progress rule are those of
    :func:`inception_desktop.core.store.download.download_file`.

    Every failure, network or image, is an :class:`ImageLoadError` naming the URL.
    """
    scheme = urlparse(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise ImageLoadError(url, f"cannot fetch a {scheme or 'relative'} address; use http(s)")
    with tempfile.TemporaryDirectory(prefix="inception-desktop-") as tmp:
        target = Path(tmp) / "download"
        try:
            download_file(
                url,
                target,
                expected_hash=None,
                max_bytes=max_bytes,
                timeout=timeout,
                deadline=deadline,
                cancel=cancel,
            )
        except DownloadError as exc:
            reason = str(exc).removeprefix(f"{url}: ")
            raise ImageLoadError(url, reason) from None
        loaded = load_image(target, draft_to=draft_to)
    name = Path(urlparse(url).path).name or url
    return LoadedImage(
        loaded.image,
        url if len(url) < 200 else name,
        loaded.format,
        loaded.original_size,
        loaded.scale,
    )
