"""A `Diagram` as PNG, drawn with matplotlib's Agg canvas (imported only here, when asked).

Two pixels per diagram unit, fewer for a diagram that would pass `MAX_PIXELS` (the canvas
lives in memory whole, 4 bytes a pixel), and never fewer than one: below that the labels
are unreadable, and `pixel_scale` says None (SVG has no such limit).
"""

from __future__ import annotations

import math
import struct
from pathlib import Path
from typing import BinaryIO

from cnnspec.render.diagram import BOX_LINE, LINK_COLOUR, Arrow, Bracket, Diagram, Label, Link, Polygon
from cnnspec.render.figures import literal_text

SCALE = 2  # pixels per diagram unit: sharp text on high-density screens and in print
MIN_SCALE = 1
MAX_PIXELS = 40_000_000  # about 160 MB of canvas


def pixel_scale(diagram: Diagram) -> float | None:
    """Pixels per unit for this diagram: `SCALE`, less to stay within `MAX_PIXELS`, or None
    when even `MIN_SCALE` would not.

    >>> pixel_scale(Diagram(1000, 400, ())), pixel_scale(Diagram(8000, 8000, ()))
    (2, None)
    """
    fits = math.sqrt(MAX_PIXELS / (diagram.width * diagram.height)) * 0.999  # rounding room
    scale = min(SCALE, fits)
    return scale if scale >= MIN_SCALE else None


def png_size(path: str | Path) -> tuple[int, int]:
    """Width and height in pixels, read from a PNG file's header (IHDR)."""
    with open(path, "rb") as file:
        head = file.read(24)
    return struct.unpack(">II", head[16:24])


def write(diagram: Diagram, file: BinaryIO, scale: float = SCALE) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch
    from matplotlib.patches import Polygon as PolygonPatch

    dpi = 72 * scale  # one diagram unit is one point, so font sizes carry over from SVG
    figure = Figure(figsize=(diagram.width / 72, diagram.height / 72), dpi=dpi, facecolor="white")
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, diagram.width)
    axes.set_ylim(diagram.height, 0)
    axes.axis("off")
    for shape in diagram.shapes:
        if isinstance(shape, Polygon):
            axes.add_patch(PolygonPatch(shape.points, closed=True, facecolor=shape.fill, edgecolor=shape.stroke, linewidth=1))
        elif isinstance(shape, Arrow):
            axes.add_patch(FancyArrowPatch(shape.start, shape.end, arrowstyle="-|>", mutation_scale=12,
                                           color="#404040", linewidth=1.5, shrinkA=0, shrinkB=0))
        elif isinstance(shape, Link):
            xs, ys = zip(*shape.points[:-1])
            axes.plot(xs, ys, color=LINK_COLOUR, linewidth=1.5)
            axes.add_patch(FancyArrowPatch(shape.points[-2], shape.points[-1], arrowstyle="-|>", mutation_scale=12,
                                           color=LINK_COLOUR, linewidth=1.5, shrinkA=0, shrinkB=0))
        elif isinstance(shape, Bracket):
            xs, ys = zip(*shape.points)
            axes.plot(xs, ys, color=BOX_LINE, linewidth=1.5)
        elif isinstance(shape, Label):
            axes.text(shape.x, shape.y, shape.text, fontsize=shape.size, ha={"start": "left", "end": "right"}.get(shape.anchor, "center"),
                      va="baseline", fontweight="bold" if shape.bold else "normal", color="#202020", family="DejaVu Sans")
    literal_text(figure)
    figure.savefig(file, format="png", dpi=dpi, facecolor="white")
