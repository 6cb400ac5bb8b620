"""The sweep as it was before streaming (main at 50045c6): cnnspec/sweep.py and render/sweep_report.py, pinned.

The byte-identity test (tests/test_sweep_stream.py) and benchmarks/sweep.py compare the
streaming sweep with this copy; never edit it to make them agree.
"""
from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cnnspec.analysis.analyzer import Analysis, analyze
from cnnspec.analysis.costs import activation_bytes
from cnnspec.errors import SpecError
from cnnspec.language.grid import Grid, Variant
from cnnspec.language.loading import parse
from cnnspec.analysis.pareto import pareto_frontier
from cnnspec.analysis.costs import readable_size
from cnnspec.layers.shapes import size_text

@dataclass(frozen=True)
class Budget:
    """Upper bounds a survivor must meet; None means no bound."""

    max_params: int | None = None
    max_macs: int | None = None

    def admits(self, params: int, macs: int) -> bool:
        return (self.max_params is None or params <= self.max_params) and (self.max_macs is None or macs <= self.max_macs)


@dataclass(frozen=True)
class VariantResult:
    """One variant and what static analysis made of it; costs are None when it is invalid."""

    variant: Variant
    analysis: Analysis | None
    error: SpecError | None
    params: int | None
    macs: int | None
    memory_bytes: int | None
    within_budget: bool
    frontier: bool

    @property
    def valid(self) -> bool:
        return self.analysis is not None

    @property
    def survivor(self) -> bool:
        return self.valid and self.within_budget

    @property
    def output_shapes(self) -> tuple[tuple[int, ...], ...]:
        return tuple(row.output_shape for row in self.analysis.rows) if self.analysis else ()


def cost(result: VariantResult) -> tuple[int, int, int]:
    """The ranking key of a survivor: parameters, then MACs, then expansion order."""
    return (result.params, result.macs, result.variant.index)


@dataclass(frozen=True)
class SweepResult:
    grid: Grid
    budget: Budget
    results: tuple[VariantResult, ...]  # one per variant, in expansion order

    @property
    def total(self) -> int:
        return len(self.results)

    @functools.cached_property
    def invalid(self) -> tuple[VariantResult, ...]:
        return tuple(result for result in self.results if not result.valid)

    @functools.cached_property
    def error_places(self) -> tuple[tuple[VariantResult, int], ...]:
        """The first invalid variant for each place in the grid where variants fail, and how many fail there."""
        places: dict[tuple[int, int], list] = {}
        for result in self.invalid:
            first = result.error.diagnostics[0]
            places.setdefault((first.line, first.column), [result, 0])[1] += 1
        return tuple((result, count) for result, count in places.values())

    @functools.cached_property
    def over_budget(self) -> tuple[VariantResult, ...]:
        return tuple(result for result in self.results if result.valid and not result.within_budget)

    @functools.cached_property
    def survivors(self) -> tuple[VariantResult, ...]:
        """Valid, within budget, cheapest first."""
        return tuple(sorted((result for result in self.results if result.survivor), key=cost))

    @functools.cached_property
    def frontier(self) -> tuple[VariantResult, ...]:
        """The survivors on the Pareto frontier, cheapest first."""
        return tuple(result for result in self.survivors if result.frontier)


def analyze_variants(grid: Grid, variants: Iterable[Variant]) -> list[tuple[Variant, Analysis | None, SpecError | None]]:
    """Parse and analyse each variant; an invalid one keeps its error, pointed at the grid file."""
    default_name = Path(grid.source).stem if not grid.source.startswith("<") else "model"
    outcomes = []
    for variant in variants:
        try:
            outcomes.append((variant, analyze(parse(variant.text, grid.source, default_name=default_name)), None))
        except SpecError as error:
            outcomes.append((variant, None, grid.relocate(variant, error)))
    return outcomes


def sweep(grid: Grid, budget: Budget = Budget()) -> SweepResult:
    """Every variant of `grid` analysed, judged against `budget`, the frontier marked."""
    measured = []
    for variant, analysis, error in analyze_variants(grid, grid.variants()):
        if analysis is None:
            measured.append((variant, None, error, None, None, None, False))
        else:
            params, macs = analysis.total_params, analysis.total_macs
            measured.append((variant, analysis, None, params, macs, activation_bytes(analysis), budget.admits(params, macs)))
    survivors = [i for i, entry in enumerate(measured) if entry[-1]]
    on_frontier = {survivors[k] for k in pareto_frontier([measured[i][3:5] for i in survivors])}
    return SweepResult(grid, budget, tuple(
        VariantResult(*entry, i in on_frontier) for i, entry in enumerate(measured)
    ))
FIRST_ERRORS = 3
FRONTIER_NOTE = "* on the Pareto frontier: no other survivor has both fewer or equal params and MACs, and fewer of one"


def shapes_text(result: VariantResult) -> str:
    """Each layer's output shape for one sample, in order (e.g. `28x28x16 14x14x16 3136 10`)."""
    return " ".join(size_text(shape) for shape in result.output_shapes)


def choices_text(result: VariantResult) -> str:
    return " ".join(result.variant.choices) or "(no choices)"


def _headline(sweep: SweepResult) -> str:
    budget = []
    if sweep.budget.max_params is not None:
        budget.append(f"params <= {sweep.budget.max_params:,}")
    if sweep.budget.max_macs is not None:
        budget.append(f"MACs <= {sweep.budget.max_macs:,}")
    limits = f" ({', '.join(budget)})" if budget else ""
    return (
        f"{sweep.grid.source}: {sweep.total:,} variant{'s' * (sweep.total != 1)}: "
        f"{len(sweep.invalid):,} invalid, {len(sweep.over_budget):,} over budget{limits}, "
        f"{len(sweep.survivors):,} surviving, {len(sweep.frontier):,} on the Pareto frontier"
    )


def _survivor_rows(sweep: SweepResult) -> list[list[str]]:
    return [
        ["*" if result.frontier else "", result.variant.id, choices_text(result), f"{result.params:,}",
         f"{result.macs:,}", readable_size(result.memory_bytes), shapes_text(result)]
        for result in sweep.survivors
    ]


def _first_errors(sweep: SweepResult) -> list[str]:
    """The first error at each of the first few places where variants fail, with their counts."""
    lines = []
    for result, count in sweep.error_places[:FIRST_ERRORS]:
        others = f"\n    ... and {count - 1:,} more variant{'s' * (count != 2)} failing at this place" if count > 1 else ""
        lines.append(str(result.error) + others)
    if len(sweep.error_places) > FIRST_ERRORS:
        rest = sum(count for _, count in sweep.error_places[FIRST_ERRORS:])
        lines.append(f"... and {rest:,} invalid variants failing elsewhere (--format csv lists every error)")
    return lines


HEADER = ["", "id", "choices", "params", "MACs", "memory", "output shapes"]
RIGHT_ALIGNED = {3, 4, 5}


def render_text(sweep: SweepResult) -> str:
    lines = [_headline(sweep)]
    lines += _first_errors(sweep)
    if sweep.over_budget:
        ids = ", ".join(result.variant.id for result in sweep.over_budget[:10])
        more = f", ... ({len(sweep.over_budget):,} in all)" if len(sweep.over_budget) > 10 else ""
        lines.append(f"over budget: {ids}{more}")
    rows = _survivor_rows(sweep)
    if rows:
        table = [HEADER, *rows]
        widths = [max(len(row[column]) for row in table) for column in range(len(HEADER))]
        lines.append("")
        for row in table:
            cells = [cell.rjust(width) if column in RIGHT_ALIGNED else cell.ljust(width)
                     for column, (cell, width) in enumerate(zip(row, widths))]
            lines.append("  ".join(cells).rstrip())
        lines += ["", FRONTIER_NOTE]
    return "\n".join(lines) + "\n"


def render_markdown(sweep: SweepResult) -> str:
    lines = [_headline(sweep), ""]
    if sweep.invalid:
        lines += ["```", *_first_errors(sweep), "```", ""]
    lines += [
        "| frontier | id | choices | params | MACs | memory | output shapes |",
        "|:-:|:--|:--|--:|--:|--:|:--|",
    ]
    for row in _survivor_rows(sweep):
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    lines += ["", FRONTIER_NOTE]
    return "\n".join(lines) + "\n"


def _error_text(result: VariantResult) -> str | None:
    """The error's `file:line:col: error: message` lines, without the source lines and carets."""
    return "\n".join(diagnostic.render().split("\n", 1)[0] for diagnostic in result.error.diagnostics) if result.error else None


CSV_COLUMNS = ["id", "choices", "valid", "within_budget", "frontier", "params", "macs",
               "activation_bytes", "output_shapes", "error", "spec"]


def render_csv(sweep: SweepResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for result in sweep.results:
        writer.writerow([
            result.variant.id, choices_text(result), result.valid, result.within_budget, result.frontier,
            result.params if result.valid else "", result.macs if result.valid else "",
            result.memory_bytes if result.valid else "", shapes_text(result), _error_text(result) or "",
            result.variant.text,
        ])
    return out.getvalue()


def sweep_dict(sweep: SweepResult) -> dict:
    """The issue's schema: counts, then one record per expanded variant in expansion order."""
    return {
        "total": sweep.total,
        "invalid": len(sweep.invalid),
        "over_budget": len(sweep.over_budget),
        "variants": [
            {
                "id": result.variant.id,
                "spec": result.variant.text,
                "params": result.params,
                "macs": result.macs,
                "valid": result.valid,
                "error": _error_text(result),
                "frontier": result.frontier,
            }
            for result in sweep.results
        ],
    }


def render_json(sweep: SweepResult) -> str:
    return json.dumps(sweep_dict(sweep), indent=2) + "\n"


SWEEP_FORMATS = {"text": render_text, "markdown": render_markdown, "csv": render_csv, "json": render_json}
