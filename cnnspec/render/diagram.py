"""Analysis -> a diagram: every feature map as a block, with its shape, and the layer
that makes it written on the arrow from the map before. A chain wider than `MAX_WIDTH`
wraps into rows, read like text; a row after the first starts with the arrow of its
first layer. A block call is drawn collapsed (one box on the arrow: the call, its shapes,
its parameters) or expanded (its layers, bracketed under the call's name).

Only the layout lives here, as shapes in pixel coordinates (y grows downwards, as in
SVG); `cnnspec.render.svg` and `cnnspec.render.png` draw the same shapes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Union

from cnnspec.analysis.analyzer import Analysis
from cnnspec.analysis.calls import CallSummary, outermost
from cnnspec.layers.provenance import Written
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


@dataclass(frozen=True)
class Bracket:
    """An open polyline without a head: under an expanded block call's layers."""

    points: tuple[tuple[float, float], ...]


LINK_COLOUR = "#3d78b8"
Shape = Union[Polygon, Arrow, Label, Link, Bracket]


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


def _layer_lines(row, written: Written) -> tuple[str, str]:
    """The arrow's two lines: the statement's head ("conv 5x5x6") and its options."""
    words = written.words(row.layer)
    return " ".join(words[:2]), " ".join(words[2:])


BLOCKS = ("collapsed", "expanded")
BOX_FILL, BOX_LINE = "#eef3fa", LINK_COLOUR
BOX_HEIGHT = 58.0  # a collapsed call's box: three lines of text
BRACKET_ROOM = 30.0  # below a row's captions, for the brackets naming expanded calls


@dataclass(frozen=True)
class _Node:
    """What the diagram draws left to right: a tensor (its block and caption) and what led
    to it, a layer on the arrow (`lines`) or a collapsed call in a box (`box`)."""

    block: _Block
    name: str
    lines: tuple[str, ...] = ()  # the arrow's head and options, or the box's three lines
    box: bool = False


def layout(analysis: Analysis, blocks: str = "collapsed") -> Diagram:
    """Blocks left to right: the input, then each layer's output; arrows carry the layers.
    Rows of at most `MAX_WIDTH` (a single block wider than that gets a row of its own).

    `blocks`: "collapsed" draws each call written at the top level as one box (the call, its
    shapes, its parameters) with only its output after it; "expanded" draws every layer and
    brackets each call's layers under its name. A spec without blocks draws the same either way.
    """
    if blocks not in BLOCKS:
        raise ValueError(f"blocks is 'collapsed' or 'expanded', got {blocks!r}")
    spec = analysis.spec
    written = Written(spec)
    calls = outermost(analysis) if spec.calls else ()
    # Each layer's node (0: the input); a collapsed call's rows share their call's node.
    node_of = {-1: 0}
    units: list[tuple[int, int, CallSummary | None]] = []  # (first row, last row, call)
    by_first = {summary.first: summary for summary in calls}
    index = 0
    while index < len(analysis.rows):
        summary = by_first.get(index) if blocks == "collapsed" else None
        last = summary.last if summary else index
        units.append((index, last, summary))
        for inside in range(index, last + 1):
            node_of[inside] = len(units)
        index = last + 1

    tensors = [(spec.input_shape, INPUT_COLOUR)] + [
        (analysis.rows[last].output_shape, analysis.rows[last].layer.colour) for _, last, _ in units]
    largest_side = max((max(s[:2]) for s, _ in tensors if len(s) == 3), default=1)
    largest_vector = max((s[0] for s, _ in tensors if len(s) == 1), default=1)
    cuboids = [_block(shape, fill, largest_side, largest_vector) for shape, fill in tensors]
    nodes = [_Node(cuboids[0], "input")]
    for (first, last, summary), block in zip(units, cuboids[1:]):
        row = analysis.rows[last]
        if summary is None:
            nodes.append(_Node(block, row.name, _layer_lines(row, written)))
        else:
            shapes = " + ".join(size_text(shape) for shape in summary.input_shapes)
            nodes.append(_Node(block, row.name, (written.call_label(summary.call),
                                                 f"{shapes} -> {size_text(summary.output_shape)}",
                                                 f"{summary.params:,} params"), box=True))
    columns = [max(node.block.width, text_width(size_text(node.block.shape), 12), text_width(node.name, 11))
               for node in nodes]
    gaps = [_gap(node) for node in nodes[1:]]  # gaps[i] leads to node i + 1
    brackets = [s for s in calls if blocks == "expanded"]
    below = BRACKET_ROOM if brackets else 0.0

    title = f"{spec.name}: {analysis.total_params:,} params, {analysis.total_macs:,} MACs"
    shapes: list[Shape] = [Label(MARGIN, MARGIN + 16, title, 16, "start", True)]
    row_top = MARGIN + TITLE_HEIGHT
    widest = 0.0
    tops: dict[int, tuple[float, float, float]] = {}  # node -> (centre x, top y, its row's top)
    spans: dict[int, tuple[float, float, float]] = {}  # node -> (arrow's start x, column's end x, row's bottom)
    for row in _rows(columns, gaps):
        tallest = max(nodes[index].block.height for index in row)
        if any(nodes[index].box for index in row):
            tallest = max(tallest, BOX_HEIGHT / 2 + max(nodes[index].block.face_height for index in row) / 2)
        bottom = row_top + LABEL_ROOM + tallest  # blocks stand on it
        x = MARGIN
        for index in row:
            node = nodes[index]
            start_x = x
            if index > 0:  # what made this node, from the node before
                gap = gaps[index - 1]
                arrow_y = bottom - min(nodes[index - 1].block.face_height, node.block.face_height) / 2
                start = x + 4 if index != row[0] else x  # a row's first arrow starts at the margin
                if node.box:
                    shapes += _box(node, start, x + gap - 4, arrow_y)
                else:
                    head, options = node.lines
                    shapes.append(Arrow((start, arrow_y), (x + gap - 4, arrow_y)))
                    shapes.append(Label(x + gap / 2, arrow_y - 8, head, 11, bold=True))
                    if options:
                        shapes.append(Label(x + gap / 2, arrow_y + 16, options, 10))
                x += gap
            column = columns[index]
            shapes += _cuboid(x + (column - node.block.width) / 2, bottom, node.block)
            centre = x + column / 2
            tops[index] = (centre, bottom - node.block.height, row_top)
            spans[index] = (start_x, x + column, bottom)
            shapes.append(Label(centre, bottom + 20, size_text(node.block.shape), 12, bold=True))
            shapes.append(Label(centre, bottom + 36, node.name, 11))
            x += column
        widest = max(widest, x)
        row_top = bottom + CAPTION_ROOM + below + ROW_GAP
    shapes += _links(analysis, node_of, units, tops, [node.name for node in nodes])
    for summary in brackets:
        named = _bracket(written.call_label(summary.call), [spans[node_of[i]] for i in summary.rows])
        widest = max([widest] + [s.x + text_width(s.text, s.size) / 2 for s in named if isinstance(s, Label)])
        shapes += named
    width = max(widest + MARGIN, MARGIN * 2 + text_width(title, 16))
    height = row_top - ROW_GAP + MARGIN
    return Diagram(math.ceil(width), math.ceil(height), tuple(shapes))


def _gap(node: _Node) -> float:
    """The room before a node: its arrow's labels, or its box."""
    if node.box:
        title, shapes, params = node.lines
        return max(text_width(title, 11), text_width(shapes, 10), text_width(params, 10), 40) + 36
    head, options = node.lines
    return max(text_width(head, 11), text_width(options, 10), 40) + 16


def _box(node: _Node, start: float, end: float, arrow_y: float) -> list[Shape]:
    """A collapsed call: a box on the arrow holding the call, its shapes and its parameters."""
    left, right = start + 8, end - 8
    top, bottom = arrow_y - BOX_HEIGHT / 2, arrow_y + BOX_HEIGHT / 2
    title, shapes, params = node.lines
    centre = (left + right) / 2
    return [
        Arrow((start, arrow_y), (left, arrow_y)),
        Polygon(((left, top), (right, top), (right, bottom), (left, bottom)), BOX_FILL, BOX_LINE),
        Label(centre, top + 17, title, 11, bold=True),
        Label(centre, top + 34, shapes, 10),
        Label(centre, top + 50, params, 10),
        Arrow((right, arrow_y), (end, arrow_y)),
    ]


def _bracket(text: str, spans: list[tuple[float, float, float]]) -> list[Shape]:
    """Under an expanded call's layers: a bracket per row it spans, each named by the call."""
    found: list[Shape] = []
    rows: dict[float, list[float]] = {}  # row's bottom -> [left, right]
    for start, end, bottom in spans:
        reach = rows.setdefault(bottom, [start, end])
        reach[0], reach[1] = min(reach[0], start), max(reach[1], end)
    for bottom, (left, right) in rows.items():
        y = bottom + CAPTION_ROOM + 8
        found.append(Bracket(((left + 4, y - 6), (left + 4, y), (right - 4, y), (right - 4, y - 6))))
        half = text_width(text, 10) / 2  # a call of one short layer has a name wider than it
        found.append(Label(max((left + right) / 2, MARGIN + half), y + 14, text, 10, bold=True))
    return found


def _links(analysis: Analysis, node_of: dict, units: list, tops: dict, names: list[str]) -> list[Shape]:
    """A graph's edges other than node to next node: over the blocks, each in a lane of
    its own; an edge from an earlier row starts at its row's margin, named. A read inside
    a collapsed call is not drawn; a read into or out of one is, from or to its node."""
    spec, found = analysis.spec, []
    if not spec.inputs:
        return found
    lane = 0
    drawn: set[tuple[int, int]] = set()
    for index, read in enumerate(spec.inputs):
        target = node_of[index]
        for source in read:
            start = node_of[source]
            shown = source < 0 or units[start - 1][1] == source  # the tensor the node draws
            if start == target or (target == start + 1 and shown) or (start, target) in drawn:
                continue
            drawn.add((start, target))
            (x1, top1, row1), (x2, top2, row2) = tops[start], tops[target]
            y = row2 + 4 + 6 * (lane % 5)
            lane += 1
            if row1 == row2:
                found.append(Link(((x1, top1 - 2), (x1, y), (x2, y), (x2, top2 - 2))))
            else:
                found.append(Link(((MARGIN, y), (x2, y), (x2, top2 - 2))))
                found.append(Label(MARGIN, y - 3, f"from {names[start]}", 9, "start"))
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
