"""Grid -> a sweep in two streaming passes: a few numbers per variant, then one record at a time.

`cnnspec.analysis.sweep.sweep` parses and analyses every variant's expanded text and keeps every
result; this module computes the same figures for grids of millions of variants:

- The grid's text is cut into statements once per *prefix* of choices, not per variant:
  the slots are walked as nested loops, and the statements completed before slot k are
  shared by every variant below that prefix.
- Each statement is parsed and analysed by the public `parse` and `analyze` alone, in a
  one-statement spec whose input is the shape that reaches it, and the result is kept
  per (statement text, input shape): the analyzer stays the only home of shape, parameter
  and MAC arithmetic. What a statement depends on besides that shape is carried in the
  walk's state (whether name, input and a layer were seen: the header's order rules).
- Anything the walk cannot vouch for (a statement that does not parse or fit, a header
  out of order, a spec without layers) sends that variant through the text path, which
  is `cnnspec.analysis.sweep`'s own, so invalid variants keep their exact located errors.

Pass one keeps params, MACs and a status per variant (arrays of machine integers, 17
bytes a variant), the counts, and the least MACs at each parameter count, from which the
Pareto frontier follows; the ranking is sorted only when a table asks for it. `records()`
and `survivors()` then replay the walk, one `Record` at a time, for the renderers in
`cnnspec.render.sweep_stream`.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import sys
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from cnnspec.analysis.analyzer import analyze
from cnnspec.analysis.costs import FLOAT32_BYTES
from cnnspec.errors import SpecError
from cnnspec.language.grid import Grid, Variant
from cnnspec.language.loading import parse
from cnnspec.analysis.pareto import frontier_of_least
from cnnspec.language.parser import complete_statements
from cnnspec.layers.shapes import size_text
from cnnspec.analysis.sweep import Budget, analyze_variants

SURVIVOR, OVER_BUDGET, INVALID = 0, 1, 2
_UNKNOWN = -1  # a state the walk cannot vouch for: its variants take the text path
_HEADER_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
BATCH = 1024  # leaves gathered in lists below this subtree size, instead of yielded one by one
KEPT_ERRORS = 10_000  # errors kept from pass one (a few MB); later invalid variants are parsed again
MAX_DEPTH = 400  # slots walked as nested loops (recursion); deeper grids take the text path


@dataclass(frozen=True)
class _State:
    """What the rest of a variant's text needs to know about the statements before it."""

    pending: str  # text after the last separator, not yet a whole statement
    shape: tuple[int, ...]
    name_seen: bool = False
    input_seen: bool = False
    layers_seen: bool = False


class _Walker:
    """The slots as nested loops over interned states, each transition computed once."""

    def __init__(self, grid: Grid):
        self.grid = grid
        self.states: dict[_State, int] = {}
        self.state_list: list[_State] = []
        self.statements: dict[tuple[tuple[int, ...], str], tuple | None] = {}
        slots = grid.slots
        self.segments = [[alternative + grid.pieces[level + 1] for alternative in slot.alternatives]
                         for level, slot in enumerate(slots)]
        self.transitions = [{} for _ in slots]
        self.last = len(slots) - 1
        self.subtree = [math.prod(len(slot.alternatives) for slot in slots[level:]) for level in range(len(slots) + 1)]
        default_input = parse("flatten").input_shape  # the builder's, for a spec without `input`
        self.root = self._advance(self._intern(_State("", default_input)), grid.pieces[0], final=not slots)
        self.usable = len(slots) <= MAX_DEPTH

    def _intern(self, state: _State) -> int:
        found = self.states.get(state)
        if found is None:
            found = self.states[state] = len(self.state_list)
            self.state_list.append(state)
        return found

    def _statement(self, shape: tuple[int, ...], chunk: str):
        """(output shape, params, MACs, output values, shapes text) of one layer statement, or None."""
        key = (shape, chunk)
        if key not in self.statements:
            try:
                analysis = analyze(parse(f"input {size_text(shape)}\n{chunk}"))
            except SpecError:
                self.statements[key] = None
            else:
                rows = analysis.rows
                self.statements[key] = (
                    analysis.output_shape, analysis.total_params, analysis.total_macs,
                    sum(row.activations for row in rows), "".join(" " + size_text(row.output_shape) for row in rows),
                )
        return self.statements[key]

    def _advance(self, state_id: int, segment: str, final: bool) -> tuple:
        """(next state, params, MACs, values, shapes text) after `segment`; next is _UNKNOWN when unsure."""
        state = self.state_list[state_id]
        chunks, pending = complete_statements(state.pending + segment, final)
        shape, name_seen, input_seen, layers_seen = state.shape, state.name_seen, state.input_seen, state.layers_seen
        params = macs = values = 0
        shapes = ""
        for chunk in chunks:
            word = _HEADER_WORD.match(chunk)
            word = word.group() if word else ""
            if word in ("name", "input"):
                if layers_seen or (name_seen if word == "name" else input_seen):
                    return (_UNKNOWN, 0, 0, 0, "")
                try:
                    header = parse(chunk + "\nflatten")
                except SpecError:
                    return (_UNKNOWN, 0, 0, 0, "")
                if word == "input":
                    shape, input_seen = header.input_shape, True
                else:
                    name_seen = True
                continue
            result = self._statement(shape, chunk)
            if result is None:
                return (_UNKNOWN, 0, 0, 0, "")
            shape, layer_params, layer_macs, layer_values, layer_shapes = result
            params, macs, values, shapes = params + layer_params, macs + layer_macs, values + layer_values, shapes + layer_shapes
            layers_seen = True
        if final and not layers_seen:
            return (_UNKNOWN, 0, 0, 0, "")
        next_state = self._intern(_State(pending, shape, name_seen, input_seen, layers_seen))
        return (next_state, params, macs, values, shapes)

    def leaves(self) -> Iterator[tuple | None]:
        """(params, MACs, values, shapes text, text) of every variant in expansion order; None
        for one the walk cannot vouch for (the text path decides)."""
        return itertools.chain.from_iterable(self._batches())

    def _batches(self):
        state, params, macs, values, shapes = self.root
        if not self.grid.slots:
            yield [None if state == _UNKNOWN else (params, macs, values, shapes[1:], self.grid.pieces[0])]
        elif not self.usable or state == _UNKNOWN:
            yield from itertools.repeat([None], self.grid.size)
        else:
            yield from self._below(0, state, params, macs, values, shapes, self.grid.pieces[0])

    def _step(self, level: int, state: int, pick: int) -> tuple:
        key = (state, pick)
        step = self.transitions[level].get(key)
        if step is None:
            step = self.transitions[level][key] = self._advance(state, self.segments[level][pick], level == self.last)
        return step

    def _below(self, level: int, state: int, params: int, macs: int, values: int, shapes: str, text: str):
        """The leaves under one node, in lists of up to BATCH: generators only above that size."""
        if self.subtree[level] <= BATCH:
            batch = []
            self._fill(level, state, params, macs, values, shapes, text, batch)
            yield batch
            return
        for pick, segment in enumerate(self.segments[level]):
            following, d_params, d_macs, d_values, d_shapes = self._step(level, state, pick)
            if following == _UNKNOWN:
                yield [None] * self.subtree[level + 1]
            else:
                yield from self._below(level + 1, following, params + d_params, macs + d_macs,
                                       values + d_values, shapes + d_shapes, text + segment)

    def _fill(self, level: int, state: int, params: int, macs: int, values: int, shapes: str, text: str, batch: list):
        transitions, segments, last = self.transitions[level], self.segments[level], level == self.last
        for pick, segment in enumerate(segments):
            step = transitions.get((state, pick)) or self._step(level, state, pick)
            following, d_params, d_macs, d_values, d_shapes = step
            if following == _UNKNOWN:
                batch += [None] * self.subtree[level + 1]
            elif last:
                batch.append((params + d_params, macs + d_macs, values + d_values, (shapes + d_shapes)[1:], text + segment))
            else:
                self._fill(level + 1, following, params + d_params, macs + d_macs, values + d_values,
                           shapes + d_shapes, text + segment, batch)

    def leaf(self, index: int) -> tuple | None:
        """What `leaves()` yields for the variant at `index`, along its own path."""
        state, params, macs, values, shapes = self.root
        if not self.usable:
            return None
        text = self.grid.pieces[0]
        for level, pick in enumerate(self.grid.picks(index)):
            if state == _UNKNOWN:
                break
            following, d_params, d_macs, d_values, d_shapes = self._step(level, state, pick)
            state, params, macs, values, shapes = following, params + d_params, macs + d_macs, values + d_values, shapes + d_shapes
            text += self.segments[level][pick]
        return None if state == _UNKNOWN else (params, macs, values, shapes[1:], text)


class _Variant:
    """A variant as `Grid.variant` gives it, its choices' labels looked up only when read."""

    __slots__ = ("grid", "index", "id", "text")

    def __init__(self, grid: Grid, index: int, id_: str, text: str):
        self.grid, self.index, self.id, self.text = grid, index, id_, text

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(slot.labels[pick] for slot, pick in zip(self.grid.slots, self.grid.picks(self.index)))


class Record(NamedTuple):
    """One variant as the renderers need it; costs are None when it is invalid."""

    variant: Variant | _Variant
    params: int | None
    macs: int | None
    memory_bytes: int | None
    shapes: str
    error: SpecError | None
    within_budget: bool
    frontier: bool

    @property
    def valid(self) -> bool:
        return self.error is None


class StreamedSweep:
    """Pass one's figures for every variant of a grid; `records()` and `survivors()` replay the rest."""

    def __init__(self, grid: Grid, budget: Budget = Budget(), progress: Callable[[int, int], None] | None = None):
        self.grid, self.budget = grid, budget
        self._walker = _Walker(grid)
        self.total = grid.size
        try:
            self._first_pass(progress, array)
        except OverflowError:  # a cost beyond 64 bits: plain lists of Python integers instead
            self._first_pass(progress, lambda _: [])
        self.frontier_costs = frontier_of_least({first: least for first, (least, _) in self._least.items()})
        self.on_frontier = sum(count for first, (least, count) in self._least.items() if (first, least) in self.frontier_costs)
        del self._least

    def _first_pass(self, progress, store) -> None:
        grid, budget = self.grid, self.budget
        self.params, self.macs = store("q"), store("q")
        self.status = bytearray()
        self.error_places: dict[tuple[int, int], list] = {}  # (line, col) -> [first error, count]
        self.invalid = self.over_budget = 0
        self._errors: dict[int, SpecError] = {}  # the first KEPT_ERRORS invalid variants' errors, for pass two
        self._least: dict[int, list[int]] = {}  # survivors' params -> [least MACs, how many have them]
        least = self._least
        max_params = budget.max_params if budget.max_params is not None else -1
        max_macs = budget.max_macs if budget.max_macs is not None else -1
        add_params, add_macs, add_status = self.params.append, self.macs.append, self.status.append
        for index, leaf in enumerate(self._walker.leaves()):
            if leaf is None:
                leaf = self._text_path(grid.variant(index))
                if isinstance(leaf, SpecError):
                    add_params(0), add_macs(0), add_status(INVALID)
                    self.invalid += 1
                    if len(self._errors) < KEPT_ERRORS:
                        self._errors[index] = leaf
                    first = leaf.diagnostics[0]
                    self.error_places.setdefault((first.line, first.column), [leaf, 0])[1] += 1
                    continue
            params, macs = leaf[0], leaf[1]
            add_params(params), add_macs(macs)
            if (max_params >= 0 and params > max_params) or (max_macs >= 0 and macs > max_macs):
                add_status(OVER_BUDGET)
                self.over_budget += 1
            else:
                add_status(SURVIVOR)
                entry = least.get(params)
                if entry is None:
                    least[params] = [macs, 1]
                elif macs < entry[0]:
                    entry[0], entry[1] = macs, 1
                elif macs == entry[0]:
                    entry[1] += 1
            if progress is not None and not index & 0x3FFFF:
                progress(index, self.total)

    @functools.cached_property
    def ranked(self) -> list[int]:
        """The survivors' indices cheapest first: params, then MACs, then expansion order."""
        params, macs = self.params, self.macs
        survivors = [i for i, status in enumerate(self.status) if status == SURVIVOR]
        # One integer per key instead of a (params, MACs) tuple: a third of the memory.
        scale = max((macs[i] for i in survivors), default=0) + 1
        survivors.sort(key=lambda i: params[i] * scale + macs[i])  # stable: ties keep expansion order
        return survivors

    def _text_path(self, variant: Variant):
        """(params, MACs, values, shapes text) from the variant's own text, or its relocated error."""
        ((_, analysis, error),) = analyze_variants(self.grid, [variant])
        if error is not None:
            return error
        shapes = " ".join(size_text(row.output_shape) for row in analysis.rows)
        return (analysis.total_params, analysis.total_macs, sum(row.activations for row in analysis.rows), shapes)

    @property
    def surviving(self) -> int:
        return self.total - self.invalid - self.over_budget

    def _record(self, variant, leaf) -> Record:
        index = variant.index
        if leaf is None:
            leaf = self._errors.get(index) or self._text_path(variant)
        if isinstance(leaf, SpecError):
            return Record(variant, None, None, None, "", leaf, False, False)
        status = self.status[index]
        survivor = status == SURVIVOR
        return Record(variant, leaf[0], leaf[1], FLOAT32_BYTES * leaf[2], leaf[3], None,
                      survivor, survivor and (leaf[0], leaf[1]) in self.frontier_costs)

    def records(self) -> Iterator[Record]:
        """Every variant in expansion order, computed again as it is written."""
        grid, width, status, frontier = self.grid, len(str(self.total - 1)), self.status, self.frontier_costs
        for index, leaf in enumerate(self._walker.leaves()):
            if leaf is None:
                yield self._record(grid.variant(index), None)
                continue
            params, macs, values, shapes, text = leaf
            survivor = status[index] == SURVIVOR
            yield Record(_Variant(grid, index, f"v{index:0{width}d}", text), params, macs, FLOAT32_BYTES * values,
                         shapes, None, survivor, survivor and (params, macs) in frontier)

    def survivors(self) -> Iterator[Record]:
        """The survivors cheapest first (params, then MACs, then expansion order)."""
        width = len(str(self.total - 1))
        for index in self.ranked:
            leaf = self._walker.leaf(index)
            variant = self.grid.variant(index) if leaf is None else _Variant(self.grid, index, f"v{index:0{width}d}", leaf[4])
            yield self._record(variant, leaf)

    def over_budget_ids(self, limit: int) -> list[str]:
        ids = []
        for index, status in enumerate(self.status):
            if status == OVER_BUDGET:
                ids.append(self.grid.variant_id(index))
                if len(ids) == limit:
                    break
        return ids


PROGRESS_THRESHOLD = 200_000  # variants; a terminal sees progress from 10,000 on


def progress_reporter(total: int, stream=None) -> Callable[[int, int], None] | None:
    """A callback printing pass one's progress on stderr, or None for a small grid.

    A terminal gets one line rewritten in place; a log or a pipe (only for grids of
    `PROGRESS_THRESHOLD` or more) gets a line per step. Never stdout: that is the report.
    """
    stream = stream or sys.stderr
    terminal = stream.isatty()
    if total < (10_000 if terminal else PROGRESS_THRESHOLD):
        return None

    def report(done: int, total: int) -> None:
        end = "\r" if terminal else "\n"
        print(f"sweep: {done:,} of {total:,} variants analysed", end=end, file=stream, flush=True)

    return report
