"""Render the application icon's PNG sizes from its SVG (resources/icons), with Qt's own SVG
renderer: ``python packaging/make_icons.py``. The PNGs are committed (the wheel and the desktop
entry use them as they are); run this again after editing the SVG.

Desktops that draw SVG icons use the SVG; the PNGs serve the others, and the window's title bar
and task switcher, which want a crisp bitmap at their own size.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
NAME = "inception-desktop"
SIZES = (16, 32, 48, 64, 128, 256)
#: Sizes drawn from the pixel-grid variant (``NAME-small.svg``) instead of the full design.
SMALL = (16,)


def render(svg: Path, size: int) -> QImage:
    """The SVG drawn at ``size`` x ``size``, antialiased, on transparency."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (fonts, Qt)
    for size in SIZES:
        svg = ICONS / (f"{NAME}-small.svg" if size in SMALL else f"{NAME}.svg")
        target = ICONS / f"{NAME}-{size}.png"
        if not render(svg, size).save(str(target), "PNG"):
            raise SystemExit(f"could not write {target}")
        print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
