"""Block calls as units: which rows each call wrote, what it reads, makes and weighs.

`Spec.calls` tells, per layer, the calls that wrote it (outermost first); this module
turns that into one record per call, summed from the analysis rows, for the views that
show a block as the user wrote it: draw's collapsed boxes and the editor's hover on a
call's line. A call's rows are contiguous (a call is text expanded in place).
"""

from __future__ import annotations

from dataclasses import dataclass

from cnnspec.analysis.analyzer import Analysis
from cnnspec.layers.spec import BlockCall


@dataclass(frozen=True)
class CallSummary:
    """One expanded call: its rows `first`..`last` (inclusive), its depth (0: written at
    the top level), the tensors from outside it that its rows read (-1: the input) and
    their shapes, its output shape (its last row's) and its rows' parameters and MACs."""

    call: BlockCall
    depth: int
    first: int
    last: int
    sources: tuple[int, ...]
    input_shapes: tuple[tuple[int, ...], ...]
    output_shape: tuple[int, ...]
    params: int
    macs: int

    @property
    def rows(self) -> range:
        return range(self.first, self.last + 1)


def call_summaries(analysis: Analysis) -> tuple[CallSummary, ...]:
    """Every call, at every depth, in the order its first row comes (outer before inner).

    >>> from cnnspec import parse, analyze
    >>> spec = parse("block res f\\n  conv 3x3x$f\\n  add @in\\nend\\nconv 3x3x4\\nres 4 x2\\ngap | dense 10")
    >>> [(s.call.text(), s.first, s.last, s.input_shapes, s.params) for s in call_summaries(analyze(spec))]
    [('res f=4', 1, 2, ((28, 28, 4),), 148), ('res f=4', 3, 4, ((28, 28, 4),), 148)]
    """
    spec, rows = analysis.spec, analysis.rows
    spans: dict[int, list] = {}  # call number -> [call, depth, first, last]
    for index, chain in enumerate(spec.calls):
        for depth, call in enumerate(chain):
            found = spans.setdefault(call.number, [call, depth, index, index])
            found[3] = index
    summaries = []
    for call, depth, first, last in sorted(spans.values(), key=lambda s: (s[2], s[1])):
        sources: list[int] = []
        for index in range(first, last + 1):
            for source in spec.reads(index):
                if not first <= source <= last and source not in sources:
                    sources.append(source)
        shapes = tuple(spec.input_shape if source < 0 else rows[source].output_shape for source in sources)
        inside = rows[first : last + 1]
        summaries.append(CallSummary(call, depth, first, last, tuple(sources), shapes, rows[last].output_shape,
                                     sum(row.params for row in inside), sum(row.macs for row in inside)))
    return tuple(summaries)


def outermost(analysis: Analysis) -> tuple[CallSummary, ...]:
    """The calls written at the top level, in order: what a collapsed drawing shows as boxes."""
    return tuple(summary for summary in call_summaries(analysis) if summary.depth == 0)
