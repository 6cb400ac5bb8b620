"""A sweep as text, Markdown, CSV or JSON; each renderer reads a `SweepResult` and nothing else.

Text and Markdown are for people: the counts, the first errors, and the survivors cheapest
first with the Pareto frontier marked `*`. CSV and JSON are for tools: one record per
expanded variant, in expansion order (ids ascending).
"""

from __future__ import annotations

import csv
import io
import json

from ..shapes import size_text
from ..sweep import SweepResult, VariantResult
from .keras_table import readable_size

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
