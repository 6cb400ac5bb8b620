"""Analyses -> a layer-by-layer comparison: rows aligned across specs, and what changed.

The first spec is the baseline; every other one is aligned to it by edit distance over
layers, so an inserted pooling layer shows as one added row instead of
shifting every row after it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from cnnspec.analysis.analyzer import Analysis, LayerRow
from cnnspec.layers import Layer
from cnnspec.layers.provenance import Written
from cnnspec.layers.shapes import size_text

# IR field -> how a change reads, where the field's own name does not read well
_FIELD_WORDS = {"strides": "stride"}


@dataclass(frozen=True)
class DiffRow:
    """One line of the comparison: each spec's layer there (None where it has none), and
    for every spec after the first, what differs from the first."""

    rows: tuple[LayerRow | None, ...]
    changes: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Diff:
    analyses: tuple[Analysis, ...]
    rows: tuple[DiffRow, ...]

    @property
    def header_changes(self) -> tuple[tuple[str, ...], ...]:
        """Differences of the whole spec (input shape), per spec after the first."""
        base = self.analyses[0].spec
        return tuple(
            (f"input {size_text(base.input_shape)} -> {size_text(other.spec.input_shape)}",)
            if other.spec.input_shape != base.input_shape else ()
            for other in self.analyses[1:]
        )

    @property
    def total_changes(self) -> tuple[tuple[str, ...], ...]:
        base = self.analyses[0]
        return tuple(
            tuple(
                _change(what, a, b, relative=True)
                for what, a, b in (("params", base.total_params, other.total_params),
                                   ("MACs", base.total_macs, other.total_macs))
                if a != b
            )
            for other in self.analyses[1:]
        )


def _value(value) -> str:
    if isinstance(value, tuple):
        return str(value[0]) if len(set(value)) == 1 else size_text(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def _change(what: str, before: int, after: int, relative: bool = False) -> str:
    """A count before and after, and by how much it moved.

    >>> _change("params", 152102, 112166, relative=True)
    'params 152,102 -> 112,166 (-26.3%)'
    """
    text = f"{what} {before:,} -> {after:,}"
    if relative and before:
        text += f" ({(after - before) / before:+.1%})"
    return text


def layer_changes(a: LayerRow | None, b: LayerRow | None, written: tuple[Written, Written] | None = None) -> tuple[str, ...]:
    """What differs from layer `a` to layer `b`: the statement, then its consequences;
    `written`: the two specs' names as written, where a block made them.

    >>> from cnnspec import analyze, parse
    >>> one, two = (analyze(parse(t)).rows[0] for t in ("conv 5x5x6", "conv 5x5x6 valid"))
    >>> layer_changes(one, two)
    ('padding same -> valid', 'output 28x28x6 -> 24x24x6', 'MACs 117,600 -> 86,400')
    """
    if a is None and b is None:
        return ()
    shown_a, shown_b = (w.statement for w in written) if written else (Layer.statement, Layer.statement)
    if a is None:
        return (f"added {shown_b(b.layer)}",)
    if b is None:
        return (f"removed {shown_a(a.layer)}",)
    changes = []
    if type(a.layer) is not type(b.layer):
        changes.append(f"{shown_a(a.layer)} -> {shown_b(b.layer)}")
    else:
        for field in fields(a.layer):
            if field.compare:
                before, after = getattr(a.layer, field.name), getattr(b.layer, field.name)
                if field.name == "sources" and written:  # a merge's names, as written
                    before, after = tuple(map(written[0].name, before)), tuple(map(written[1].name, after))
                if before != after:
                    word = _FIELD_WORDS.get(field.name, field.name.replace("_", " "))
                    changes.append(f"{word} {_value(before)} -> {_value(after)}")
    if a.output_shape != b.output_shape:
        changes.append(f"output {size_text(a.output_shape)} -> {size_text(b.output_shape)}")
    if a.params != b.params:
        changes.append(_change("params", a.params, b.params))
    if a.macs != b.macs:
        changes.append(_change("MACs", a.macs, b.macs))
    return tuple(changes)


# Alignment costs: a layer kept as it was, kept with other settings, replaced by another
# kind, or added/removed. Replacing costs less than removing plus adding, so a swapped
# layer reads as one change.
_SAME, _CHANGED, _REPLACED, _GAP = 0, 1, 3, 2


def _pair_cost(a: LayerRow, b: LayerRow) -> int:
    if type(a.layer) is not type(b.layer):
        return _REPLACED
    return _SAME if a.layer == b.layer else _CHANGED


# Beyond this many cells the edit-distance table costs seconds and hundreds of megabytes
# (two 2,000-layer specs: 4 s, 170 MB); longer specs are anchored on identical layers first.
EXACT_CELLS = 250_000
MAX_EDITS = 1_000  # Myers' search costs about edits² steps; past it the rest is paired in order


def _alignment(base: tuple[LayerRow, ...], other: tuple[LayerRow, ...]):
    """(matched: base index -> other index, inserted: base position -> other indices before it).

    Edit distance over layers; among equally cheap alignments the added and removed layers
    go as late as possible, so two networks that share their first layers line up there.
    """
    if (len(base) + 1) * (len(other) + 1) > EXACT_CELLS:
        return _anchored_alignment(base, other)
    return _exact_alignment(base, other)


def _anchored_alignment(base: tuple[LayerRow, ...], other: tuple[LayerRow, ...]):
    """The alignment of long specs in near-linear time and memory: identical layers are
    matched first (a longest common subsequence by Myers' O((n+m)·edits) search), then each
    stretch between two matches is aligned exactly, as short specs are."""
    matched: dict[int, int] = {}
    inserted: dict[int, list[int]] = {}
    anchors = _common_layers(base, other) + [(len(base), len(other))]
    i = j = 0
    for next_i, next_j in anchors:
        gap_base, gap_other = base[i:next_i], other[j:next_j]
        if (len(gap_base) + 1) * (len(gap_other) + 1) <= EXACT_CELLS:
            gap_matched, gap_inserted = _exact_alignment(gap_base, gap_other)
        else:  # too far apart to search: pair the layers in order, the surplus at the end
            shared = min(len(gap_base), len(gap_other))
            gap_matched = {k: k for k in range(shared)}
            gap_inserted = {shared: list(range(shared, len(gap_other)))} if len(gap_other) > shared else {}
        matched.update({i + a: j + b for a, b in gap_matched.items()})
        for position, ids in gap_inserted.items():
            inserted.setdefault(i + position, []).extend(j + k for k in ids)
        if next_i < len(base):
            matched[next_i] = next_j
        i, j = next_i + 1, next_j + 1
    return matched, inserted


def _common_layers(base: tuple[LayerRow, ...], other: tuple[LayerRow, ...]) -> list[tuple[int, int]]:
    """(base index, other index) of identical layers in a longest common subsequence, found
    by Myers' greedy diff; past MAX_EDITS only the common start and end are kept."""
    codes: dict = {}
    a = [codes.setdefault(row.layer, len(codes)) for row in base]
    b = [codes.setdefault(row.layer, len(codes)) for row in other]
    n, m = len(a), len(b)
    start = 0
    while start < min(n, m) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(n, m) - start and a[n - 1 - end] == b[m - 1 - end]:
        end += 1
    head = [(k, k) for k in range(start)]
    tail = [(n - end + k, m - end + k) for k in range(end)]
    a, b = a[start : n - end], b[start : m - end]
    middle = _myers(a, b, MAX_EDITS)
    return head + [(start + x, start + y) for x, y in middle] + tail


def _myers(a: list[int], b: list[int], max_edits: int) -> list[tuple[int, int]]:
    """Matched index pairs of a longest common subsequence of `a` and `b`; [] when more
    than `max_edits` insertions and deletions separate them."""
    n, m = len(a), len(b)
    if not n or not m:
        return []
    offset = max_edits + 1
    furthest = [0] * (2 * offset + 1)  # furthest x reached on each diagonal k = x - y
    trace = []
    for d in range(max_edits + 1):
        trace.append(furthest[offset - d - 1 : offset + d + 2])
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and furthest[offset + k - 1] < furthest[offset + k + 1]):
                x = furthest[offset + k + 1]
            else:
                x = furthest[offset + k - 1] + 1
            y = x - k
            while x < n and y < m and a[x] == b[y]:
                x, y = x + 1, y + 1
            furthest[offset + k] = x
            if x >= n and y >= m:
                return _myers_path(trace, n, m)
    return []


def _myers_path(trace, x: int, y: int) -> list[tuple[int, int]]:
    """Walk Myers' trace back from (x, y) = the ends, collecting the matching (diagonal) steps."""
    pairs = []
    for d in range(len(trace) - 1, -1, -1):
        furthest, k = trace[d], x - y  # furthest[i]: diagonal i - d - 1, before round d

        if k == -d or (k != d and furthest[k - 1 + d + 1] < furthest[k + 1 + d + 1]):
            previous_k = k + 1
        else:
            previous_k = k - 1
        previous_x = furthest[previous_k + d + 1]
        previous_y = previous_x - previous_k
        while x > previous_x and y > previous_y:
            x, y = x - 1, y - 1
            pairs.append((x, y))
        x, y = previous_x, previous_y
    pairs.reverse()
    return pairs


def _exact_alignment(base: tuple[LayerRow, ...], other: tuple[LayerRow, ...]):
    n, m = len(base), len(other)
    cost = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 or j == 0:
                cost[i][j] = (i + j) * _GAP
            else:
                cost[i][j] = min(cost[i - 1][j - 1] + _pair_cost(base[i - 1], other[j - 1]),
                                 cost[i - 1][j] + _GAP, cost[i][j - 1] + _GAP)
    matched: dict[int, int] = {}
    inserted: dict[int, list[int]] = {}
    i, j = n, m
    while i or j:  # walking back from the end, prefer a gap, so gaps land late
        if j and cost[i][j] == cost[i][j - 1] + _GAP:
            inserted.setdefault(i, []).insert(0, j - 1)
            j -= 1
        elif i and cost[i][j] == cost[i - 1][j] + _GAP:
            i -= 1
        else:
            matched[i - 1] = j - 1
            i, j = i - 1, j - 1
    return matched, inserted


def diff(analyses: tuple[Analysis, ...] | list[Analysis]) -> Diff:
    """Align every spec's layers with the first spec's, and say what changed in each."""
    analyses = tuple(analyses)
    if len(analyses) < 2:
        raise ValueError("diff needs at least two specs")
    base = analyses[0].rows
    alignments = [_alignment(base, other.rows) for other in analyses[1:]]
    lines: list[tuple[LayerRow | None, ...]] = []
    for position in range(len(base) + 1):
        added = [inserted.get(position, []) for _, inserted in alignments]
        for k in range(max(map(len, added))):
            lines.append((None, *(
                other.rows[ids[k]] if k < len(ids) else None for other, ids in zip(analyses[1:], added)
            )))
        if position < len(base):
            lines.append((base[position], *(
                other.rows[matched[position]] if position in matched else None
                for other, (matched, _) in zip(analyses[1:], alignments)
            )))
    written = [Written(analysis.spec) for analysis in analyses]
    rows = tuple(
        DiffRow(line, tuple(layer_changes(line[0], other, (written[0], written[k]))
                            for k, other in enumerate(line[1:], 1)))
        for line in lines
    )
    return Diff(analyses, rows)
