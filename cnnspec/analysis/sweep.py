"""Grid -> every variant parsed and analysed statically, budgets applied, survivors ranked.

Collect and total only: renderers live in `cnnspec.render.sweep_report`, training in
`cnnspec.training.sweeps`. A variant is *invalid* when it does not parse or its shapes do
not fit, *over budget* when it is valid but breaks `--max-params` or `--max-macs`, and a
*survivor* otherwise. Survivors are ranked by cost: parameters, then MACs, then id. The
Pareto frontier is taken over the survivors on (parameters, MACs).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cnnspec.analysis.analyzer import Analysis, analyze
from cnnspec.analysis.costs import activation_bytes
from cnnspec.errors import SpecError
from cnnspec.language.grid import Grid, Variant
from cnnspec.language.loading import parse
from cnnspec.analysis.pareto import pareto_frontier

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
