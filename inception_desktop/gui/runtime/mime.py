"""What a drop or a paste carries: local files, web addresses, or raw image data."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QImage


@dataclass
class Inputs:
    paths: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    image: QImage | None = None

    def __bool__(self) -> bool:
        return bool(self.paths or self.urls or self.image is not None)


def inputs_from_mime(mime: QMimeData) -> Inputs:
    """Files first (a file manager's copy), then web URLs (a browser drag), then image data."""
    found = Inputs()
    if mime.hasUrls():
        for url in mime.urls():
            if url.isLocalFile():
                found.paths.append(url.toLocalFile())
            elif url.scheme() in ("http", "https"):
                found.urls.append(url.toString())
    if not found and mime.hasImage():
        image = mime.imageData()
        if isinstance(image, QImage) and not image.isNull():
            found.image = image
    if not found and mime.hasText():
        text = mime.text().strip()
        if text.startswith(("http://", "https://")) and "\n" not in text:
            found.urls.append(text)
    return found
