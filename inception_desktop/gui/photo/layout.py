"""Where the Photo workspace's widgets stand: three panes between the framing bar and the strip.

Apart from the workspace so that its proportions are decided in one place, and the workspace
module holds behaviour only. The photo gets the most room; the network input never grows past
1:1 (so never wider than Inception's input) and the scores never past readable widths, so a
maximised window gives the rest to the photo::

    [weights panel]  [framing bar]
    title              network input      headline
    photo              [copy row]         bars
    [box row]          explain controls
    [strip]
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from inception_desktop.core.models.inception import INPUT_SIZE
from inception_desktop.gui.widgets.input_view import InputView
from inception_desktop.gui.widgets.score_bars import ScoreBars


def _row(widgets: Sequence[QWidget], centred: bool = False) -> QHBoxLayout:
    """``widgets`` side by side: centred, or with the first one taking the room left."""
    row = QHBoxLayout()
    if centred:
        row.addStretch(1)
    for i, widget in enumerate(widgets):
        row.addWidget(widget, 1 if i == 0 and not centred else 0)
    if centred:
        row.addStretch(1)
    return row


def lay_out(
    workspace: QWidget,
    *,
    above: Sequence[QWidget],
    title: QWidget,
    photo: QWidget,
    box_row: Sequence[QWidget],
    network_input: InputView,
    copy_row: Sequence[QWidget],
    explain: QWidget,
    headline: QWidget,
    bars: ScoreBars,
    below: QWidget,
) -> None:
    """Give ``workspace`` its layout; ``box_row``'s first widget takes the row's spare room."""
    network_input.setMinimumSize(150, 150)
    network_input.setMaximumSize(INPUT_SIZE + 24, INPUT_SIZE + 20)
    bars.setMinimumWidth(220)
    bars.setMaximumWidth(460)
    headline.setMaximumWidth(460)
    left = QVBoxLayout()
    left.addWidget(title)
    left.addWidget(photo, 1)
    left.addLayout(_row(box_row))
    middle = QVBoxLayout()
    middle.addWidget(network_input)
    middle.addLayout(_row(copy_row, centred=True))
    middle.addWidget(explain)
    middle.addStretch(1)
    right = QVBoxLayout()
    right.addWidget(headline)
    right.addWidget(bars)
    right.addStretch(1)
    panes = QHBoxLayout()
    panes.setSpacing(14)
    panes.addLayout(left, 5)
    panes.addLayout(middle, 3)
    panes.addLayout(right, 3)
    layout = QVBoxLayout(workspace)
    for widget in above:
        layout.addWidget(widget)
    layout.addLayout(panes, 1)
    layout.addWidget(below)
