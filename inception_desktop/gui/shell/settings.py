"""Preferences that persist across runs, through QSettings (tests point it at a temp folder)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

MAX_RECENT = 10


class Settings:
    def __init__(self, settings: QSettings | None = None) -> None:
        self.qs = settings or QSettings("Inception Desktop", "Inception Desktop")

    def _get(self, key: str, default, kind):
        value = self.qs.value(key, default)
        try:
            return kind(value)
        except (TypeError, ValueError):
            return default

    geometry = property(
        lambda self: self.qs.value("window/geometry", QByteArray()),
        lambda self, v: self.qs.setValue("window/geometry", v),
    )
    workspace = property(
        lambda self: self._get("window/workspace", 0, int),
        lambda self, v: self.qs.setValue("window/workspace", int(v)),
    )
    framing = property(
        lambda self: self._get("photo/framing", "pad", str),
        lambda self, v: self.qs.setValue("photo/framing", v),
    )
    pad_color = property(
        lambda self: self._get("photo/pad_color", "#808080", str),
        lambda self, v: self.qs.setValue("photo/pad_color", v),
    )
    runtime = property(
        lambda self: self._get("models/runtime", "auto", str),
        lambda self, v: self.qs.setValue("models/runtime", v),
    )
    #: fp32 or int8 (View › Precision; core.models.precision): float32 unless a person chose.
    precision = property(
        lambda self: self._get("models/precision", "fp32", str),
        lambda self, v: self.qs.setValue("models/precision", v),
    )
    pen_width = property(
        lambda self: self._get("digit/pen_width", 22, int),
        lambda self, v: self.qs.setValue("digit/pen_width", int(v)),
    )

    # Keep every classification in the history database (gui/history/recorder.py).
    keep_history = property(
        lambda self: str(self.qs.value("history/keep", True)).lower() not in ("false", "0"),
        lambda self, v: self.qs.setValue("history/keep", bool(v)),
    )

    #: The camera (its index) the Camera sources start with: the one chosen last.
    camera = property(
        lambda self: self._get("live/camera", 0, int),
        lambda self, v: self.qs.setValue("live/camera", int(v)),
    )

    digit_model = property(
        lambda self: self._get("digit/model", "", str),
        lambda self, v: self.qs.setValue("digit/model", v or ""),
    )
    #: The retrained model the Photo workspace used last ("" for ImageNet's Inception v3).
    photo_model = property(
        lambda self: self._get("photo/model", "", str),
        lambda self, v: self.qs.setValue("photo/model", v or ""),
    )

    def photo_models(self) -> list[str]:
        """The retrained models Photo › Model lists (most recent first)."""
        return self._strings("photo/models")

    def set_photo_models(self, paths: list[str]) -> None:
        self.qs.setValue("photo/models", [str(p) for p in paths])

    def _strings(self, key: str) -> list[str]:
        value = self.qs.value(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            return []  # QSettings gives back whatever a damaged file holds
        return [str(v) for v in value]

    @property
    def last_folder(self) -> str:
        """Where file dialogs open: the folder last used, else Pictures, else home (never the
        process's current directory, which for a desktop launch is arbitrary)."""
        saved = self._get("files/last_folder", "", str)
        if saved and Path(saved).is_dir():
            return saved
        pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
        if pictures and Path(pictures).is_dir():
            return pictures
        return str(Path.home())

    @last_folder.setter
    def last_folder(self, folder: str) -> None:
        self.qs.setValue("files/last_folder", os.path.abspath(folder))

    def recent_files(self) -> list[str]:
        return self._strings("photo/recent")

    def add_recent(self, path: str) -> list[str]:
        """Remember a photo that opened: stored absolute, so it still opens when the app is
        started from another folder."""
        path = os.path.abspath(path)
        recent = [path] + [p for p in self.recent_files() if p != path]
        recent = recent[:MAX_RECENT]
        self.qs.setValue("photo/recent", recent)
        return recent

    def clear_recent(self) -> None:
        self.qs.setValue("photo/recent", [])

    def sync(self) -> None:
        self.qs.sync()
