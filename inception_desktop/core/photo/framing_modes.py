"""The framing modes by name: spelled once, in a module that imports nothing.

:mod:`~inception_desktop.core.photo.framing`
implements them (with numpy and Pillow); the command line's
``--help``, the window's settings and its menus only need their names, and importing numpy and
Pillow for a list of three words would cost the CLI a tenth of a second.
"""

from __future__ import annotations

from typing import Final

SQUASH: Final = "squash"
CROP: Final = "crop"
PAD: Final = "pad"
#: Every mode, in the order menus show them.
MODES: Final = (SQUASH, CROP, PAD)
#: No pixel lost, none distorted.
DEFAULT_MODE: Final = PAD
