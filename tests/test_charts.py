"""The window's charts are pyqtgraph plots: ticked axes, legends beside the data, zoom (issue 24,
items 17 and 21)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QPainter, QPicture, QWheelEvent
from PySide6.QtWidgets import QApplication


def _ticks(plot, side: str = "left") -> list[str]:
    """The tick labels the axis draws, as a person reads them (not what it could tick)."""
    axis = plot.getAxis(side)
    picture = QPicture()
    painter = QPainter(picture)
    try:
        _axis, _marks, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [text for _rect, _flags, text in texts]


def _wheel(widget, steps: int) -> None:
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * steps),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget.viewport(), event)


def test_the_training_curve_has_ticks_a_legend_apart_and_zooms(qtbot):
    from inception_desktop.gui.retrain.curve import BEST_NAME
    from inception_desktop.gui.retrain.train_page import TrainPage

    page = TrainPage()
    qtbot.addWidget(page)
    page.resize(900, 520)
    page.show()
    qtbot.waitExposed(page)
    for epoch in range(1, 13):
        loss = 1.5 / epoch
        page.show_epoch(epoch, {"loss": loss, "val_loss": loss * 1.2, "accuracy": 1 - loss / 2,
                                "val_accuracy": 0.9 - loss / 3})  # fmt: skip
    page.show_trained({"epochs": 12, "best_epoch": 9}, 0.85)
    curve = page.curve
    assert curve.epochs == 12
    # drawn, each plot's view holds its curves (pyqtgraph fits the view as it paints)
    loss_view = curve.plots["loss"].getViewBox()
    qtbot.waitUntil(lambda: loss_view.viewRange()[1][1] >= 1.8, timeout=5000)  # 1.8: epoch 1
    assert loss_view.viewRange()[0][1] >= 12
    assert curve.legend_names() == ["validation", "training", BEST_NAME]
    # the legend stands above the plots: it covers no curve
    legend_bottom = curve.legend_view.geometry().bottom()
    assert all(legend_bottom < plot.geometry().top() for plot in curve.plots.values())
    # the y-axes are labelled through their range, not only at 0 and the maximum
    for plot in curve.plots.values():
        assert len(_ticks(plot)) >= 3, _ticks(plot)
    # the best epoch is drawn in both plots, at its epoch
    assert all(line.isVisible() and line.value() == 9 for line in curve._best.values())
    # zoom with the wheel: the loss plot's view narrows
    loss = curve.plots["loss"]
    before = loss.getViewBox().viewRange()[0]
    _wheel(loss, 3)
    after = loss.getViewBox().viewRange()[0]
    assert after[1] - after[0] < before[1] - before[0]


def test_the_sweep_axis_fits_the_scores():
    """Issue 24, item 17: the y-axis stood at 0-5% whatever the scores (0.1% bars were flat)."""
    from inception_desktop.gui.photo.sweep import nice_top

    assert nice_top(0.001) == 0.002  # an unsure model's 0.1%: bars fill half the chart or more
    assert nice_top(0.0123) == 0.02
    assert nice_top(0.3) == 0.5
    assert nice_top(0.97) == 1.0 and nice_top(1.0) == 1.0
