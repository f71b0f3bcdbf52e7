"""Compare: the same photo under every framing, side by side, with how each class's rank moved,
and (while explaining) each framing's heat map over its network input."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QDialog, QGridLayout, QLabel, QWidget

from inception_desktop.gui.photo.explain import PhotoHeat
from inception_desktop.gui.runtime.requests import CompareResult
from inception_desktop.gui.widgets.input_view import InputView
from inception_desktop.gui.widgets.score_bars import ScoreBars


def rank_moves(baseline: list[int], other: list[int], k: int = 10) -> list[int | None]:
    """For each of ``other``'s top ``k`` class indices: places gained against ``baseline``
    (positive = ranked higher here), None when the class is not ranked in the baseline."""
    where = {index: rank for rank, index in enumerate(baseline)}
    return [
        (where[index] - rank) if index in where else None for rank, index in enumerate(other[:k])
    ]


class CompareDialog(QDialog):
    def __init__(self, result: CompareResult, baseline_mode: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Compare framings")
        layout = QGridLayout(self)
        ranks = {
            framed.framing.mode: [s.index for s in pred.top] for framed, pred in result.results
        }
        base = ranks.get(baseline_mode) or next(iter(ranks.values()))
        self.columns: dict[str, ScoreBars] = {}
        self.views: dict[str, InputView] = {}
        self.heat_labels: dict[str, QLabel] = {}
        for column, (framed, prediction) in enumerate(result.results):
            mode = framed.framing.mode
            title = QLabel(f"<b>{mode}</b>" + (" (current)" if mode == baseline_mode else ""))
            view = InputView(caption=mode)
            view.set_array(framed.array, framed.content_rect)
            bars = ScoreBars(10)
            bars.set_scores(
                [(s.label, s.score) for s in prediction.top[:10]], rank_moves(base, ranks[mode])
            )
            layout.addWidget(title, 0, column)
            layout.addWidget(view, 1, column)
            layout.addWidget(bars, 2, column)
            heat_label = QLabel("")
            heat_label.setWordWrap(True)
            layout.addWidget(heat_label, 3, column)
            self.columns[mode] = bars
            self.views[mode] = view
            self.heat_labels[mode] = heat_label
        note = QLabel(f"Rank changes are relative to the current framing ({baseline_mode}).")
        layout.addWidget(note, 4, 0, 1, len(result.results))

    def set_heats(self, heats: Sequence[PhotoHeat], opacity: float) -> None:
        """Each framing's heat map over its network input (the top class of that framing)."""
        for heat in heats:
            mode = heat.framed.framing.mode
            if mode in self.views:
                self.views[mode].set_heat(heat.heat, opacity)
                self.heat_labels[mode].setText(heat.describe())

    def set_opacity(self, opacity: float) -> None:
        for view in self.views.values():
            view.set_heat_opacity(opacity)
