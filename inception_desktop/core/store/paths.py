"""Where the app keeps files of its own: never a path relative to the current directory."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "INCEPTION_DESKTOP_CACHE"


def cache_dir() -> Path:
    """The user's cache directory for downloads (weights, MNIST), ``$INCEPTION_DESKTOP_CACHE``
    when set. Created on first use by whoever writes into it."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path("inception-desktop", appauthor=False)
