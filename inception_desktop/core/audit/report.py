"""The audit as files a person opens: the map as a PNG, every finding in an HTML page.

The map draws each photo as a thumbnail framed in its class's colour (a dot where there are too
many to draw), suspects ringed in red, outliers in black. The page lists the findings with their
thumbnails (written beside it, so the folder can be moved or mailed as a whole). Every file is
written atomically.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from inception_desktop.core.audit.findings import Audit
from inception_desktop.core.store import atomic

MAP_SIDE = 1400
THUMB = 40
#: Above this many photos the map draws dots, not thumbnails.
MAX_THUMBS = 600
PALETTE = [
    (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
    (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207),
]  # fmt: skip


def class_colour(label: int) -> tuple[int, int, int]:
    return PALETTE[label % len(PALETTE)]


def write(result: Audit, directory: str | Path) -> Audit:
    """Write ``map.png``, ``audit.html`` and ``thumbs/`` into ``directory``; ``result.report``
    is set to the page's path."""
    from inception_desktop.core.photo.thumbnails import thumbnail_of

    directory = Path(directory)
    atomic.check_output_dir(directory)
    (directory / "thumbs").mkdir(exist_ok=True)
    draw_map(result, directory / "map.png")
    wanted = {s.path for s in result.suspects} | {o.path for o in result.outliers}
    wanted |= {p for d in result.duplicates for p in d.paths}
    names: dict[str, str] = {}
    for n, path in enumerate(sorted(wanted)):
        names[path] = f"thumbs/{n:05d}.jpg"
        thumb = thumbnail_of(path, 96)
        if thumb is not None:
            with atomic.atomic_path(directory / names[path]) as tmp:
                thumb.save(tmp, "JPEG", quality=85)
    page = directory / "audit.html"
    atomic.write_text(page, _page(result, names))
    result.report = str(page)
    return result


def draw_map(result: Audit, target: Path) -> Path:
    from inception_desktop.core.photo.thumbnails import thumbnail_of

    margin = THUMB
    sheet = Image.new("RGB", (MAP_SIDE + 2 * margin, MAP_SIDE + 2 * margin + 30), "white")
    draw = ImageDraw.Draw(sheet)
    xy = margin + np.asarray(result.points) * MAP_SIDE
    thumbs = len(result.paths) <= MAX_THUMBS
    suspects = {s.path for s in result.suspects}
    outliers = {o.path for o in result.outliers}
    for i, path in enumerate(result.paths):
        x, y = (int(v) for v in xy[i])
        colour = class_colour(int(result.labels[i]))
        image = thumbnail_of(path, THUMB - 6) if thumbs else None
        if image is not None:
            box = (x - THUMB // 2, y - THUMB // 2, x + THUMB // 2, y + THUMB // 2)
            draw.rectangle(box, fill=colour)
            sheet.paste(image, (x - image.width // 2, y - image.height // 2))
        else:
            draw.ellipse((x - 4, y - 4, x + 4, y + 4), fill=colour)
        for found, ring in ((suspects, (220, 0, 0)), (outliers, (0, 0, 0))):
            if path in found:
                r = THUMB // 2 + 5 if thumbs else 8
                draw.ellipse((x - r, y - r, x + r, y + r), outline=ring, width=3)
    legend_y = MAP_SIDE + 2 * margin + 5
    x = margin
    for label, name in enumerate(result.classes):
        draw.rectangle((x, legend_y, x + 14, legend_y + 14), fill=class_colour(label))
        draw.text((x + 18, legend_y), name, fill="black")
        x += 30 + 7 * len(name)
    key = "red ring: suspected mislabel · black ring: outlier"
    draw.text((x + 10, legend_y), key, fill="black")
    with atomic.atomic_path(target) as tmp:
        sheet.save(tmp, "PNG")
    return target


def _page(result: Audit, names: dict[str, str]) -> str:
    def image(path: str) -> str:
        src = names.get(path)
        shown = html.escape(path)
        return f'<img src="{src}" alt="{shown}" title="{shown}">' if src else shown

    rows = []
    counts = ", ".join(f"{html.escape(k)}: {v}" for k, v in result.counts().items())
    rows.append(f"<h1>Audit of {len(result.paths)} photos</h1><p>Classes: {counts}</p>")
    rows.append('<p><img src="map.png" alt="the map of the photos" style="max-width:100%"></p>')
    rows.append(f"<h2>Suspected mislabels ({len(result.suspects)})</h2><table>")
    rows.append("<tr><th>photo</th><th>filed as</th><th>looks like</th><th>p</th></tr>")
    for s in result.suspects:
        rows.append(
            f"<tr><td>{image(s.path)}<br>{html.escape(s.path)}</td><td>{html.escape(s.given)}"
            f"</td><td>{html.escape(s.suggested)}</td><td>{s.confidence:.0%}</td></tr>"
        )
    rows.append(f"</table><h2>Duplicates ({len(result.duplicates)})</h2><table>")
    for d in result.duplicates:
        a, b = d.paths
        rows.append(
            f"<tr><td>{image(a)}</td><td>{image(b)}</td><td>{html.escape(d.kind)}<br>"
            f"similarity {d.similarity:.3f}</td></tr>"
        )
    rows.append(f"</table><h2>Outliers ({len(result.outliers)})</h2><table>")
    for o in result.outliers:
        rows.append(
            f"<tr><td>{image(o.path)}<br>{html.escape(o.path)}</td>"
            f"<td>{html.escape(o.reason)} ({o.score:.1f})</td></tr>"
        )
    rows.append("</table>")
    body = "\n".join(rows)
    return (
        '<!doctype html><html><head><meta charset="utf-8"><title>Audit</title><style>'
        "body{font-family:sans-serif} td{vertical-align:top;padding:4px} img{max-height:96px}"
        f"</style></head><body>{body}</body></html>\n"
    )
