"""A sweep as text, Markdown, CSV or JSON; each renderer reads a `SweepResult` and nothing else.

Text and Markdown are for people: the counts, the first errors, and the survivors cheapest
first with the Pareto frontier marked `*`. CSV and JSON are for tools: one record per
expanded variant, in expansion order (ids ascending).
"""

from __future__ import annotations

import csv
import io
import json

from cnnspec.layers.shapes import size_text
from cnnspec.analysis.sweep import SweepResult, VariantResult
from cnnspec.analysis.costs import readable_size

FIRST_ERRORS = 3
FRONTIER_NOTE = "* on the Pareto frontier: no other survivor has both fewer or equal params and MACs, and fewer of one"


def shapes_text(result: VariantResult) -> str:
    """Each layer's output shape for one sample, in order (e.g. `28x28x16 14x14x16 3136 10`)."""
    return " ".join(size_text(shape) for shape in result.output_shapes)


def choices_text(result: VariantResult) -> str:
    return " ".join(result.variant.choices) or "(no choices)"


def headline(source: str, budget, total: int, invalid: int, over_budget: int, surviving: int, frontier: int) -> str:
    """The report's first line: the counts, and the budget when there is one."""
    limits = []
    if budget.max_params is not None:
        limits.append(f"params <= {budget.max_params:,}")
    if budget.max_macs is not None:
        limits.append(f"MACs <= {budget.max_macs:,}")
    within = f" ({', '.join(limits)})" if limits else ""
    return (
        f"{source}: {total:,} variant{'s' * (total != 1)}: "
        f"{invalid:,} invalid, {over_budget:,} over budget{within}, "
        f"{surviving:,} surviving, {frontier:,} on the Pareto frontier"
    )


def _headline(sweep: SweepResult) -> str:
    return headline(sweep.grid.source, sweep.budget, sweep.total, len(sweep.invalid), len(sweep.over_budget),
                    len(sweep.survivors), len(sweep.frontier))


def survivor_row(frontier: bool, variant, params: int, macs: int, memory_bytes: int, shapes: str) -> list[str]:
    """A survivor's cells in the text and Markdown tables."""
    return ["*" if frontier else "", variant.id, " ".join(variant.choices) or "(no choices)",
            f"{params:,}", f"{macs:,}", readable_size(memory_bytes), shapes]


def _survivor_rows(sweep: SweepResult) -> list[list[str]]:
    return [survivor_row(r.frontier, r.variant, r.params, r.macs, r.memory_bytes, shapes_text(r)) for r in sweep.survivors]


def first_errors(places) -> list[str]:
    """The first error at each of the first few places where variants fail, with their counts.

    `places`: (error, number of variants failing there) per place, in expansion order.
    """
    lines = []
    for error, count in places[:FIRST_ERRORS]:
        others = f"\n    ... and {count - 1:,} more variant{'s' * (count != 2)} failing at this place" if count > 1 else ""
        lines.append(str(error) + others)
    if len(places) > FIRST_ERRORS:
        rest = sum(count for _, count in places[FIRST_ERRORS:])
        lines.append(f"... and {rest:,} invalid variants failing elsewhere (--format csv lists every error)")
    return lines


def _first_errors(sweep: SweepResult) -> list[str]:
    return first_errors([(result.error, count) for result, count in sweep.error_places])


def over_budget_line(ids: list[str], count: int) -> str:
    """The first ten over-budget ids, and how many there are when more."""
    more = f", ... ({count:,} in all)" if count > 10 else ""
    return f"over budget: {', '.join(ids[:10])}{more}"


HEADER = ["", "id", "choices", "params", "MACs", "memory", "output shapes"]
RIGHT_ALIGNED = {3, 4, 5}


def render_text(sweep: SweepResult) -> str:
    lines = [_headline(sweep)]
    lines += _first_errors(sweep)
    if sweep.over_budget:
        lines.append(over_budget_line([result.variant.id for result in sweep.over_budget[:10]], len(sweep.over_budget)))
    rows = _survivor_rows(sweep)
    if rows:
        widths = column_widths(rows)
        lines.append("")
        lines += [table_line(row, widths) for row in [HEADER, *rows]]
        lines += ["", FRONTIER_NOTE]
    return "\n".join(lines) + "\n"


def column_widths(rows) -> list[int]:
    """The width of each column of the survivors' table, its header included."""
    widths = [len(cell) for cell in HEADER]
    for row in rows:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row)]
    return widths


def table_line(row: list[str], widths: list[int]) -> str:
    cells = [cell.rjust(width) if column in RIGHT_ALIGNED else cell.ljust(width)
             for column, (cell, width) in enumerate(zip(row, widths))]
    return "  ".join(cells).rstrip()


MARKDOWN_HEADER = [
    "| frontier | id | choices | params | MACs | memory | output shapes |",
    "|:-:|:--|:--|--:|--:|--:|:--|",
]


def markdown_row(row: list[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |"


def render_markdown(sweep: SweepResult) -> str:
    lines = [_headline(sweep), ""]
    if sweep.invalid:
        lines += ["```", *_first_errors(sweep), "```", ""]
    lines += MARKDOWN_HEADER
    lines += [markdown_row(row) for row in _survivor_rows(sweep)]
    lines += ["", FRONTIER_NOTE]
    return "\n".join(lines) + "\n"


def error_text(error) -> str | None:
    """The error's `file:line:col: error: message` lines, without the source lines and carets."""
    return "\n".join(diagnostic.render().split("\n", 1)[0] for diagnostic in error.diagnostics) if error else None


def _error_text(result: VariantResult) -> str | None:
    return error_text(result.error)


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
