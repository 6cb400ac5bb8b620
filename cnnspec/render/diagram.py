"""Analysis -> a diagram: every feature map as a block, with its shape, and the layer
that makes it written on the arrow from the map before. A chain wider than `MAX_WIDTH`
wraps into rows, read like text; a row after the first starts with the arrow of its
first layer.

Only the layout lives here, as shapes in pixel coordinates (y grows downwards, as in
SVG); `cnnspec.render.svg` and `cnnspec.render.png` draw the same shapes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Union

from cnnspec.analysis.analyzer import Analysis
from cnnspec.layers.shapes import size_text

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
CHAR_WIDTH = 0.62  # of the font size: wide enough for DejaVu Sans, matplotlib's default

INPUT_COLOUR = "#bfbfbf"  # each layer's output takes its kind's colour (`Layer.colour`)


@dataclass(frozen=True)
class Polygon:
    points: tuple[tuple[float, float], ...]
    fill: str
    stroke: str = "#404040"


@dataclass(frozen=True)
class Arrow:
    start: tuple[float, float]
    end: tuple[float, float]


@dataclass(frozen=True)
class Label:
    x: float
    y: float  # the text's baseline
    text: str
    size: float = 12
    anchor: str = "middle"  # start | middle | end
    bold: bool = False


@dataclass(frozen=True)
class Link:
    """A graph's edge that skips ahead (a shortcut, a branch): a polyline ending in a head."""

    points: tuple[tuple[float, float], ...]


LINK_COLOUR = "#3d78b8"
Shape = Union[Polygon, Arrow, Label, Link]


@dataclass(frozen=True)
class Diagram:
    width: int
    height: int
    shapes: tuple[Shape, ...]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(shape.text for shape in self.shapes if isinstance(shape, Label))


def text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR_WIDTH


@dataclass(frozen=True)
class _Block:
    """A tensor's drawing: a front face `face_width` x `face_height`, pushed back by `depth`."""

    shape: tuple[int, ...]
    fill: str
    face_width: float
    face_height: float
    depth: float

    @property
    def width(self) -> float:
        return self.face_width + self.depth

    @property
    def height(self) -> float:
        return self.face_height + self.depth


MAX_FACE = 150.0
MIN_FACE = 24.0
MAX_WIDTH = 2400  # units (SVG pixels); a longer chain wraps into rows
MARGIN, TITLE_HEIGHT = 24.0, 40.0
LABEL_ROOM = 36.0  # above a row's tallest block, for the arrow labels
CAPTION_ROOM = 36.0  # below the blocks: shape and layer name
ROW_GAP = 24.0


def _block(shape: tuple[int, ...], fill: str, largest_side: int, largest_vector: int) -> _Block:
    """Sides grow with the square root of the map's size (so 7x7 stays visible next to
    28x28); thickness grows with log2 of the channels."""
    if len(shape) == 3:
        height, width, channels = shape
        face_height = MIN_FACE + (MAX_FACE - MIN_FACE) * math.sqrt(height / largest_side)
        depth = 0.45 * (MIN_FACE + (MAX_FACE - MIN_FACE) * math.sqrt(width / largest_side))
        thickness = 8 + 7 * math.log2(channels) if channels > 1 else 6
        return _Block(shape, fill, min(thickness, 80), face_height, depth)
    face_height = MIN_FACE + (MAX_FACE - MIN_FACE) * math.sqrt(shape[0] / largest_vector)
    return _Block(shape, fill, 14, face_height, 0)


def _cuboid(x: float, bottom: float, block: _Block) -> list[Polygon]:
    """Front face, top and side of a block whose front face's lower left corner is (x, bottom)."""
    w, h, d = block.face_width, block.face_height, block.depth
    top = bottom - h
    front = Polygon(((x, top), (x + w, top), (x + w, bottom), (x, bottom)), block.fill)
    if not d:
        return [front]
    lid = Polygon(((x, top), (x + d, top - d), (x + w + d, top - d), (x + w, top)), _shade(block.fill, 1.12))
    side = Polygon(((x + w, top), (x + w + d, top - d), (x + w + d, bottom - d), (x + w, bottom)), _shade(block.fill, 0.85))
    return [front, lid, side]


def _shade(colour: str, factor: float) -> str:
    """`colour` darker (factor < 1) or lighter.

    >>> _shade("#808080", 0.5)
    '#404040'
    """
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{min(255, round(c * factor)):02x}" for c in channels)


def _layer_lines(row) -> tuple[str, str]:
    """The arrow's two lines: the statement's head ("conv 5x5x6") and its options."""
    words = row.layer.statement().split()
    return " ".join(words[:2]), " ".join(words[2:])


def layout(analysis: Analysis) -> Diagram:
    """Blocks left to right: the input, then each layer's output; arrows carry the layers.
    Rows of at most `MAX_WIDTH` (a single block wider than that gets a row of its own)."""
    spec = analysis.spec
    tensors = [(spec.input_shape, INPUT_COLOUR)] + [(row.output_shape, row.layer.colour) for row in analysis.rows]
    largest_side = max((max(s[:2]) for s, _ in tensors if len(s) == 3), default=1)
    largest_vector = max((s[0] for s, _ in tensors if len(s) == 1), default=1)
    blocks = [_block(shape, fill, largest_side, largest_vector) for shape, fill in tensors]
    names = ["input"] + [row.name for row in analysis.rows]
    columns = [max(block.width, text_width(size_text(block.shape), 12), text_width(name, 11))
               for block, name in zip(blocks, names)]
    arrows = [_layer_lines(row) for row in analysis.rows]  # arrows[i] leads to block i + 1
    gaps = [max(text_width(head, 11), text_width(options, 10), 40) + 16 for head, options in arrows]

    title = f"{spec.name}: {analysis.total_params:,} params, {analysis.total_macs:,} MACs"
    shapes: list[Shape] = [Label(MARGIN, MARGIN + 16, title, 16, "start", True)]
    row_top = MARGIN + TITLE_HEIGHT
    widest = 0.0
    tops: dict[int, tuple[float, float, float]] = {}  # block -> (centre x, top y, its row's top)
    for row in _rows(columns, gaps):
        bottom = row_top + LABEL_ROOM + max(blocks[index].height for index in row)  # blocks stand on it
        x = MARGIN
        for index in row:
            block = blocks[index]
            if index > 0:  # the arrow of the layer that made this block, from the block before
                head, options = arrows[index - 1]
                gap = gaps[index - 1]
                arrow_y = bottom - min(blocks[index - 1].face_height, block.face_height) / 2
                start = x + 4 if index != row[0] else x  # a row's first arrow starts at the margin
                shapes.append(Arrow((start, arrow_y), (x + gap - 4, arrow_y)))
                shapes.append(Label(x + gap / 2, arrow_y - 8, head, 11, bold=True))
                if options:
                    shapes.append(Label(x + gap / 2, arrow_y + 16, options, 10))
                x += gap
            column = columns[index]
            shapes += _cuboid(x + (column - block.width) / 2, bottom, block)
            centre = x + column / 2
            tops[index] = (centre, bottom - block.height, row_top)
            shapes.append(Label(centre, bottom + 20, size_text(block.shape), 12, bold=True))
            shapes.append(Label(centre, bottom + 36, names[index], 11))
            x += column
        widest = max(widest, x)
        row_top = bottom + CAPTION_ROOM + ROW_GAP
    shapes += _links(analysis, tops, names)
    width = max(widest + MARGIN, MARGIN * 2 + text_width(title, 16))
    height = row_top - ROW_GAP + MARGIN
    return Diagram(math.ceil(width), math.ceil(height), tuple(shapes))


def _links(analysis: Analysis, tops: dict, names: list[str]) -> list[Shape]:
    """A graph's edges other than block to next block: over the blocks, each in a lane of
    its own; an edge from an earlier row starts at its row's margin, named."""
    spec, found = analysis.spec, []
    if not spec.inputs:
        return found
    lane = 0
    for index, read in enumerate(spec.inputs):
        for source in read:
            if source == index - 1:
                continue
            (x1, top1, row1), (x2, top2, row2) = tops[source + 1], tops[index + 1]
            y = row2 + 4 + 6 * (lane % 5)
            lane += 1
            if row1 == row2:
                found.append(Link(((x1, top1 - 2), (x1, y), (x2, y), (x2, top2 - 2))))
            else:
                found.append(Link(((MARGIN, y), (x2, y), (x2, top2 - 2))))
                found.append(Label(MARGIN, y - 3, f"from {names[source + 1]}", 9, "start"))
    return found


def _rows(columns: list[float], gaps: list[float]) -> list[list[int]]:
    """The blocks of each row, filled greedily: block i takes `gaps[i - 1] + columns[i]`.

    >>> _rows([100, 100, 100], [50, 50]), _rows([1000, 1000, 1000], [100, 100])
    ([[0, 1, 2]], [[0, 1], [2]])
    """
    rows: list[list[int]] = [[0]]
    x = MARGIN + columns[0]
    for index in range(1, len(columns)):
        needed = gaps[index - 1] + columns[index]
        if x + needed + MARGIN > MAX_WIDTH:
            rows.append([])
            x = MARGIN
        rows[-1].append(index)
        x += needed
    return rows
