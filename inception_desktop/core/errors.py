"""The one base class of every error this project raises on purpose, and how to show one.

A caller that catches :class:`InceptionDesktopError` catches exactly the failures a person can act
on (a bad input, a missing file, a full disk, no network) and nothing else: any other exception is
a bug and should travel as one. ``reason`` is the short cause a person reads (no path, one line);
``str(error)`` is the full one-line message (usually the path and the reason).

This module imports nothing, so the command line can use it before any heavy import.
"""

from __future__ import annotations

#: Longest first line kept from a foreign exception's message (Keras can write pages).
MESSAGE_LIMIT = 300


class InceptionDesktopError(Exception):
    """A failure a person can act on; ``reason`` is its short cause.

    Args:
        message: the whole message (``str(error)``), one line for a person.
        reason: the cause alone; defaults to the first line of ``message``.
    """

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason if reason is not None else first_line(message)


def first_line(error: BaseException | str, limit: int = MESSAGE_LIMIT) -> str:
    """The first line of an exception's message (or of a text), at most ``limit`` characters.

    An exception with an empty message is named by its type, so the result is never empty for an
    exception. Library errors (h5py, Keras, Pillow) often carry a multi-line dump; a person needs
    the first line, and a log the rest.
    """
    if isinstance(error, BaseException):
        text = str(error).strip() or type(error).__name__
    else:
        text = error.strip()
    lines = text.splitlines()
    return lines[0][:limit] if lines else ""
