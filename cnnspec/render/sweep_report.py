"""A sweep as text, Markdown, CSV or JSON; each renderer reads a `SweepResult` and nothing else.

Text and Markdown are for people: the counts, the first errors, and the survivors cheapest
first with the Pareto frontier marked `*`. CSV and JSON are for tools: one record per
expanded variant, in expansion order (ids ascending). Columns, cells and lines come from
`cnnspec.render.table`, one row at a time, as `sweep_stream` writes them too.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json

from cnnspec.layers.shapes import size_text
from cnnspec.analysis.sweep import SweepResult, VariantResult
from cnnspec.render.table import Bytes, Column, csv_cells, markdown_head, markdown_line, text_line, text_widths

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


def survivor_row(frontier: bool, variant, params: int, macs: int, memory_bytes: int, shapes: str) -> list:
    """A survivor's cells in the text and Markdown tables (`SURVIVOR_COLUMNS`)."""
    return ["*" if frontier else "", variant.id, " ".join(variant.choices) or "(no choices)",
            params, macs, Bytes(memory_bytes), shapes]


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


# The survivors' table; its frontier column is titled in Markdown only (text marks it `*`).
SURVIVOR_COLUMNS = (
    Column("", "frontier", centred=True), Column("id", "id"), Column("choices", "choices"),
    Column("params", "params", True), Column("MACs", "macs", True), Column("memory", "memory", True),
    Column("output shapes", "output_shapes"),
)
MARKDOWN_COLUMNS = (dataclasses.replace(SURVIVOR_COLUMNS[0], title="frontier"), *SURVIVOR_COLUMNS[1:])
HEADER = [column.title for column in SURVIVOR_COLUMNS]
MARKDOWN_HEADER = markdown_head(MARKDOWN_COLUMNS)


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
    return text_widths(SURVIVOR_COLUMNS, rows)


def table_line(row: list, widths: list[int]) -> str:
    return text_line(SURVIVOR_COLUMNS, row, widths)


def markdown_row(row: list) -> str:
    return markdown_line(row)


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


VARIANT_COLUMNS = tuple(Column(key, key) for key in (
    "id", "choices", "valid", "within_budget", "frontier", "params", "macs", "activation_bytes",
    "output_shapes", "error", "spec"))
CSV_COLUMNS = [column.key for column in VARIANT_COLUMNS]


def variant_row(variant, valid: bool, within_budget: bool, frontier: bool, params, macs, memory_bytes,
                shapes: str, error) -> list:
    """One variant's record for tools (`VARIANT_COLUMNS`): costs only for a valid one."""
    return csv_cells([variant.id, " ".join(variant.choices) or "(no choices)", valid, within_budget, frontier,
                      params if valid else None, macs if valid else None, memory_bytes if valid else None,
                      shapes, error_text(error), variant.text])


def render_csv(sweep: SweepResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for result in sweep.results:
        writer.writerow(variant_row(result.variant, result.valid, result.within_budget, result.frontier,
                                    result.params, result.macs, result.memory_bytes, shapes_text(result),
                                    result.error))
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
