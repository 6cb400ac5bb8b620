"""Analysis -> what each layer does to rows and columns: padding, window centres, dropped
pixels, and the receptive field in the network's input pixels.

Coordinates are 0-indexed here; the text renderer adds 1, as the report counts. An even
window has no centre pixel, so its centres (and receptive-field starts) are half-integers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cnnspec.analysis.analyzer import Analysis, LayerRow
from cnnspec.errors import SpecShapeError
from cnnspec.layers import POINTWISE, REARRANGE, REGRID, SPREAD, WHOLE_MAP, Padded, Sliding
from cnnspec.layers.shapes import conv_output_size, same_padding

# explain lists every row and column; beyond this many a side the lists stop being useful.
MAX_LISTED = 100_000


@dataclass(frozen=True)
class Field:
    """A receptive field along one axis, in input pixels.

    `size`: input pixels one output sees (padding included); `jump`: input pixels between
    neighbouring outputs; `start`: the centre of the first output's field.
    """

    size: int
    jump: int
    start: float


PIXEL = Field(size=1, jump=1, start=0)  # the input seen by itself


def next_field(field: Field, window: int, stride: int, pad_before: int) -> Field:
    """The field after a window of `window` pixels moved by `stride`, with `pad_before` zeros.

    size grows by (window - 1) input jumps, jumps multiply by the stride, and the first
    window's centre sits (window - 1) / 2 - pad_before positions into the layer's input.

    >>> next_field(PIXEL, 5, 2, 1)   # 1.e: conv 5x5 s2 same on 28 pixels
    Field(size=5, jump=2, start=1.0)
    >>> next_field(Field(5, 2, 1.0), 2, 2, 0)   # then pool 2
    Field(size=7, jump=4, start=2.0)
    """
    return Field(
        size=field.size + (window - 1) * field.jump,
        jump=field.jump * stride,
        start=field.start + ((window - 1) / 2 - pad_before) * field.jump,
    )


def whole_map_field(field: Field, size: int) -> Field:
    """What a unit fed by every position of a `size`-long axis sees: the union of their
    fields, the same for every unit (so neighbouring units are 0 pixels apart).

    >>> whole_map_field(Field(16, 4, 1.5), 7)
    Field(size=40, jump=0, start=13.5)
    """
    return Field(size=field.size + (size - 1) * field.jump, jump=0, start=field.start + (size - 1) / 2 * field.jump)


@dataclass(frozen=True)
class Progression:
    """first, first + step, ..., `count` terms: the window centres along one axis."""

    first: float
    step: int
    count: int

    def __iter__(self):
        return (self.first + i * self.step for i in range(self.count))

    def __len__(self) -> int:
        return self.count

    @property
    def last(self) -> float:
        return self.first + (self.count - 1) * self.step


@dataclass(frozen=True)
class AxisWindows:
    """How a window of `window` pixels with `stride` tiles an axis of `size` pixels.

    Everything is arithmetic on these five numbers, so a huge axis costs nothing until a
    list of pixels is asked for.
    """

    size: int
    window: int
    stride: int
    padding: tuple[int, int]
    outputs: int

    def start_of(self, index: int) -> int:
        """The first input pixel window `index` covers (negative: in the padding)."""
        return index * self.stride - self.padding[0]

    @property
    def centres(self) -> Progression:
        return Progression(self.start_of(0) + (self.window - 1) / 2, self.stride, self.outputs)

    @property
    def next_window_start(self) -> int:
        """Where the window after the last one would start, had floor rounding kept it."""
        return self.start_of(self.outputs)

    @property
    def last_window_end(self) -> int:
        """One past the last pixel the last window covers."""
        return self.start_of(self.outputs - 1) + self.window

    @property
    def trailing_dropped(self) -> range:
        """Unread pixels only a window that does not fit would reach: floor rounding's loss."""
        return range(max(self.next_window_start, self.last_window_end), self.size)

    @property
    def gap_count(self) -> int:
        """How many pixels fall between (or after) windows when the stride exceeds the window."""
        if self.stride <= self.window:
            return 0
        last = max(0, min(self.size, self.next_window_start) - self.last_window_end)
        return (self.outputs - 1) * (self.stride - self.window) + last

    def iter_gaps(self) -> Iterator[int]:
        """The pixels `gap_count` counts, in order; windows start inside the map, so only
        the last gap can reach past its end."""
        if self.stride <= self.window:
            return
        for index in range(self.outputs):
            yield from range(self.start_of(index) + self.window, min(self.start_of(index + 1), self.size))

    @property
    def dropped(self) -> tuple[int, ...]:
        """Every pixel no window reads: the gaps, then what floor rounding left out."""
        return (*self.iter_gaps(), *self.trailing_dropped)


def axis_windows(size: int, window: int, stride: int, padding: str) -> AxisWindows:
    """Padding, window centres and unread pixels of one axis, in the layer's own input.

    Window i covers input pixels i * stride - pad_before ... that + window - 1.

    >>> w = axis_windows(28, 5, 1, "valid")   # 1.d: centres 3..26 counting from 1
    >>> w.padding, w.centres.first, w.centres.last, w.dropped
    ((0, 0), 2.0, 25.0, ())
    >>> axis_windows(7, 2, 2, "valid").dropped   # 2.b: 7x7 -> 3x3 ignores the last row
    (6,)
    >>> axis_windows(10, 1, 3, "valid").dropped   # stride 3 over 1-pixel windows
    (1, 2, 4, 5, 7, 8)
    """
    pad_before, pad_after = same_padding(size, window, stride) if padding == "same" else (0, 0)
    outputs = conv_output_size(size, window, stride, padding)
    return AxisWindows(size, window, stride, (pad_before, pad_after), outputs)


@dataclass(frozen=True)
class LayerField:
    """One layer's effect on rows (axis 0) and columns (axis 1).

    `windows` is None where the layer's input is a vector (no rows or columns); `fields`
    is the cumulative receptive field of the layer's first output.
    """

    row: LayerRow
    windows: tuple[AxisWindows, AxisWindows] | None
    fields: tuple[Field, Field]
    paths: tuple[tuple[Field, Field], ...] = ()  # a merge's fields, one per input

    @property
    def aligned(self) -> bool:
        """A merge's inputs put their outputs' fields on the same centres, equally spaced."""
        return all((f.jump, f.start) == (g.jump, g.start) for path in self.paths for f, g in zip(path, self.paths[0]))


def union_field(fields: list[Field]) -> Field:
    """The field of a unit that sums (or stacks) units with `fields`: their union.

    >>> union_field([Field(3, 1, 1.0), Field(1, 1, 1.0)])
    Field(size=3, jump=1, start=1.0)
    """
    low = min(f.start - (f.size - 1) / 2 for f in fields)
    high = max(f.start + (f.size - 1) / 2 for f in fields)
    return Field(size=int(high - low) + 1, jump=max(f.jump for f in fields), start=(low + high) / 2)


# A layer that is no sliding window reads each position by itself, as a 1x1 window would.
_IN_PLACE = Sliding((1, 1), (1, 1), "valid")

# Readings whose outputs have no one field per position that the arithmetic here can state.
UNFOLLOWED = {
    SPREAD: "each input pixel feeds a block of its outputs, so their receptive fields are not evenly "
            "spaced in the input and no jump describes them",
    REGRID: "it lays its values out on a new grid, so an output's row and column are no row and column "
            "of its input",
}


def padded_windows(size: int, before: int, after: int) -> AxisWindows:
    """A pad layer as 1-pixel windows: output i reads input pixel i - before (a zero outside).

    >>> w = padded_windows(5, 0, 1)
    >>> w.outputs, w.centres.first, w.centres.last, w.dropped
    (6, 0.0, 5.0, ())
    """
    return AxisWindows(size, 1, 1, (before, after), size + before + after)


def explain(analysis: Analysis) -> tuple[LayerField, ...]:
    """Every layer's padding, centres, dropped pixels and cumulative receptive field.

    A flatten keeps each value's field; the first layer after it that reads every value
    (a dense layer) sees the whole map, as a global pooling does at once.
    """
    spec = analysis.spec
    fields = (PIXEL, PIXEL)
    map_size: tuple[int, int] | None = None  # the last map's rows and columns, once flattened
    found = []
    sizes: list = []  # each row's map size once flattened (a graph reads any earlier row)
    for index, row in enumerate(analysis.rows):
        if spec.inputs:
            read = spec.inputs[index]
            fields = found[read[0]].fields if read[0] >= 0 else (PIXEL, PIXEL)
            map_size = sizes[read[0]] if read[0] >= 0 else None
            sizes.append(None)
            if row.layer.merges:
                paths = tuple(found[i].fields if i >= 0 else (PIXEL, PIXEL) for i in read)
                fields = tuple(union_field(list(axis)) for axis in zip(*paths))
                found.append(LayerField(row, None, fields, paths))
                continue
        reading = row.layer.reading()
        if reading in UNFOLLOWED:
            raise SpecShapeError(spec.diagnostic(
                f"explain cannot follow {row.layer.statement()} ({row.name}) yet: {UNFOLLOWED[reading]}; "
                "cnnspec summary gives its shapes and parameters", row.layer.span,
            ))
        if reading not in (POINTWISE, REARRANGE, WHOLE_MAP) and not isinstance(reading, (Sliding, Padded)):
            raise TypeError(f"explain cannot follow a layer that reads its input as {reading!r}")
        if len(row.input_shape) == 3:
            height, width = row.input_shape[:2]
            if max(height, width) > MAX_LISTED:
                raise SpecShapeError(spec.diagnostic(
                    f"explain lists every row and column, up to {MAX_LISTED:,} a side; "
                    f"the input of {row.name} is {height}x{width}", row.layer.span,
                ))
            if reading is WHOLE_MAP:  # each output reads every position: the union of their fields
                fields = tuple(whole_map_field(f, n) for f, n in zip(fields, (height, width)))
                found.append(LayerField(row, None, fields))
                continue
            if isinstance(reading, Padded):  # the field is the same; its first output moves back `before` pixels
                windows = tuple(padded_windows(n, b, a) for n, b, a in zip((height, width), reading.before, reading.after))
                fields = tuple(next_field(f, 1, 1, b) for f, b in zip(fields, reading.before))
                found.append(LayerField(row, windows, fields))
                continue
            window = reading if isinstance(reading, Sliding) else _IN_PLACE
            windows = tuple(
                axis_windows(n, k, s, window.padding) for n, k, s in zip((height, width), window.size, window.strides)
            )
            fields = tuple(next_field(f, k, s, w.padding[0]) for f, k, s, w in zip(fields, window.size, window.strides, windows))
            if reading is REARRANGE and len(row.output_shape) == 1:
                map_size = (height, width)
                if spec.inputs:
                    sizes[-1] = map_size
            found.append(LayerField(row, windows, fields))
            continue
        if reading is WHOLE_MAP and map_size is not None:
            fields = tuple(whole_map_field(f, n) for f, n in zip(fields, map_size))
            map_size = None
        found.append(LayerField(row, None, fields))
    return tuple(found)
