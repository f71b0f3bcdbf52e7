"""The small display widgets on their own: what they show, and what they paint."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from inception_desktop.gui.widgets.input_view import InputView, array_to_qimage
from inception_desktop.gui.widgets.score_bars import ScoreBars


def _pixels(widget) -> np.ndarray:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    bpl = image.bytesPerLine()
    raw = np.frombuffer(image.constBits(), np.uint8, count=bpl * image.height())
    pixels = raw.reshape(image.height(), bpl)[:, : 3 * image.width()]
    return pixels.reshape(image.height(), image.width(), 3).copy()  # before `image` is freed


def test_score_bars_keep_the_rows_and_paint_longer_bars_for_higher_scores(qtbot):
    bars = ScoreBars(3)
    qtbot.addWidget(bars)
    bars.resize(400, 90)
    bars.set_scores([("macaw", 0.9), ("jacamar", 0.3), ("lorikeet", 0.05)])
    assert bars.rows() == [("macaw", 0.9), ("jacamar", 0.3), ("lorikeet", 0.05)]
    assert bars.placeholder() == ""
    pixels = _pixels(bars)
    orange = (np.abs(pixels.astype(int) - (230, 120, 20)).sum(axis=2) < 30).sum()
    blue = (np.abs(pixels.astype(int) - (46, 125, 210)).sum(axis=2) < 30).sum()
    assert orange > 2 * blue > 0  # 0.9 against 0.3 + 0.05
    bars.clear("Nothing yet")
    assert bars.rows() == [] and bars.placeholder() == "Nothing yet"


def test_input_view_shows_the_array_pixel_exact(qtbot):
    view = InputView(grid=False)
    qtbot.addWidget(view)
    view.resize(280, 280)
    array = np.zeros((28, 28), np.uint8)
    array[:, :14] = 255
    view.set_array(array)
    np.testing.assert_array_equal(view.array(), array)
    target = view.target_rect()
    assert target.width() == 280 and target.height() == 280
    pixels = _pixels(view)
    # Nearest neighbour: the boundary between white and black is sharp (no grey ramp).
    row = pixels[140, :, 0].astype(int)
    assert set(np.unique(row[5:275])) <= {0, 255}


def test_array_to_qimage_copies():
    array = np.full((4, 5, 3), 7, np.uint8)
    image = array_to_qimage(array)
    array[:] = 0
    assert (image.width(), image.height()) == (5, 4)
    assert image.pixelColor(0, 0).red() == 7


def test_garbage_is_collected_on_the_gui_thread_only(qtbot):
    """Cycles dropped on another thread are not collected there (automatic collection is off)
    but by the collector's check, on the GUI thread. The session's collector already switched
    automatic collection off: it is switched back on here, so the collector must switch it off."""
    import gc
    import threading

    from inception_desktop.gui.runtime.garbage_collector import GarbageCollector

    finalised_on: list[int] = []

    class Cycle:
        def __del__(self) -> None:
            finalised_on.append(threading.get_ident())

    gc.collect()
    gc.enable()
    collector = GarbageCollector()
    try:
        assert not gc.isenabled()

        def make_garbage() -> None:
            for _ in range(collector.threshold[0] + 10):
                a, b = Cycle(), Cycle()
                a.other, b.other = b, a

        worker = threading.Thread(target=make_garbage)
        worker.start()
        worker.join()
        assert finalised_on == [], "collected on the thread that made the garbage"
        assert collector.check() > 0
        assert finalised_on and set(finalised_on) == {threading.get_ident()}
    finally:
        collector.stop()
        assert gc.isenabled()  # it gives back what it found
        gc.disable()  # as the session's collector keeps it


def test_the_collector_freezes_what_survives_start_up_and_collects_the_rest(qtbot):
    """After start-up the collector collects once and freezes the survivors: start-up's garbage
    is freed, not frozen, and later full collections no longer scan the frozen objects."""
    import gc
    import weakref

    from inception_desktop.gui.runtime.garbage_collector import GarbageCollector

    class Thing:
        pass

    garbage, kept = Thing(), Thing()
    garbage.me = garbage  # a cycle: only a collection frees it
    dead = weakref.ref(garbage)
    del garbage
    gc.unfreeze()  # (the session's collector froze this process after its own start-up)
    frozen_before = gc.get_freeze_count()
    collector = GarbageCollector(freeze_after_ms=0)
    try:
        qtbot.waitUntil(lambda: gc.get_freeze_count() > 0, timeout=5000)
        assert frozen_before == 0
        assert dead() is None, "start-up's garbage was frozen instead of collected"
        assert all(obj is not kept for obj in gc.get_objects()), "still scanned by collections"
    finally:
        collector.stop()
        gc.disable()
