"""The Digit workspace's live source: a digit written on paper, read through a camera or a video.

Each frame is read by the one rule for digit images (:func:`~inception_desktop.core.digit.image.
read_digit`: the paper's colour from the border, the ink normalised as MNIST was made), on the
worker's thread, so a filmed page and the same page dropped as a photo read alike. The newest
frame is sent when the previous answer is in (:class:`~..runtime.live_feed.LiveFeed`); the
workspace shows each answer as it shows a dropped image's (the page as read on the canvas, its
steps and scores). Failures are one message each; stopping releases the camera.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from inception_desktop.gui.digit.image_requests import DigitReading, LiveDigitRequest
from inception_desktop.gui.runtime.channel import Channel, ModelWatch
from inception_desktop.gui.runtime.frame_reader import LiveFrame
from inception_desktop.gui.widgets.live_source import LiveSource


class DigitCamera(LiveSource):
    """See the module docstring; ``show(reading)`` is the workspace's way of showing one."""

    def __init__(
        self,
        channel: Channel,
        model: ModelWatch,
        show: Callable[[DigitReading], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(channel, model, snapshot=False, parent=parent)
        self._show = show

    def request_for(self, frame: LiveFrame) -> LiveDigitRequest:
        return LiveDigitRequest(frame.image)

    def show_answer(self, frame: LiveFrame, answer: DigitReading) -> None:
        self._show(answer)
