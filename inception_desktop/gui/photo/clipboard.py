"""What the Photo workspace copies, and the notice that says what was copied (or why nothing was).

Plain functions over the system clipboard, apart from the workspace so that each Copy action (the
Edit menu's, the buttons', the strip's context menu) is one line there and every text a person
reads after copying stays in one place. Each returns the notice for the status bar.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QImage


def copy_text(text: str) -> str:
    """Put ``text`` (a path, a ``--box`` option) on the clipboard."""
    QGuiApplication.clipboard().setText(text)
    return f"Copied {text}"


def copy_box(box_text: str) -> str:
    """The crop box as the command line's ``--box X,Y,W,H`` ("": there is no box)."""
    if not box_text:
        return "No crop box to copy: drag on the photo to draw one"
    return copy_text(box_text)


def copy_scores(scores_text: str, source: str, mode: str, box_text: str = "") -> str:
    """The top-10 as text (rank, label, percentage), under a line naming the photo, its
    framing mode and its crop box (the command line's ``--box X,Y,W,H``, when there is one:
    what it takes to get these scores again), tab-separated so it pastes into a spreadsheet."""
    if not scores_text:
        return "No scores to copy yet"
    header = "\t".join(part for part in (source, mode, box_text) if part)
    QGuiApplication.clipboard().setText(f"{header}\n{scores_text}")
    return "Copied the top-10 scores"


def copy_input(image: QImage | None) -> str:
    """The network input as an image, pixel for pixel."""
    if image is None:
        return "No network input to copy yet"
    QGuiApplication.clipboard().setImage(image)
    return f"Copied the network input ({image.width()}x{image.height()})"
