"""A `StreamedSweep` written as it is read: the same bytes as `sweep_report`, without holding them.

Each renderer takes the sweep and a `write(str)` callable and writes the report in pieces
of at most `BATCH` variants, so a sweep of millions of variants never holds its report in
memory. The cells, lines and separators come from `sweep_report`, which renders the
in-memory `SweepResult` of the Python API: the two stay byte-identical (a test checks).
"""

from __future__ import annotations

import csv
from json.encoder import encode_basestring_ascii as json_string  # what json.dumps writes for a str

from cnnspec.analysis.sweep_stream import StreamedSweep
from cnnspec.render.sweep_report import (
    CSV_COLUMNS, FRONTIER_NOTE, HEADER, MARKDOWN_HEADER, column_widths, error_text, first_errors,
    headline, markdown_row, over_budget_line, survivor_row, table_line, variant_row,
)

BATCH = 4096


def _headline(sweep: StreamedSweep) -> str:
    return headline(sweep.grid.source, sweep.budget, sweep.total, sweep.invalid, sweep.over_budget,
                    sweep.surviving, sweep.on_frontier)


def _first_errors(sweep: StreamedSweep) -> list[str]:
    return first_errors([tuple(place) for place in sweep.error_places.values()])


def _row(record) -> list[str]:
    return survivor_row(record.frontier, record.variant, record.params, record.macs, record.memory_bytes, record.shapes)


def _survivor_rows(sweep: StreamedSweep):
    """The survivors' rows cheapest first (each variant found again by its index)."""
    return map(_row, sweep.survivors())


def _column_widths(sweep: StreamedSweep) -> list[int]:
    """The table's widths, from the survivors in expansion order (a walk faster than ranked lookups)."""
    return column_widths(_row(record) for record in sweep.records() if record.within_budget)


def _batched(lines, write) -> None:
    batch = []
    for line in lines:
        batch.append(line)
        if len(batch) == BATCH:
            write("".join(batch))
            batch.clear()
    write("".join(batch))


def write_text(sweep: StreamedSweep, write) -> None:
    lines = [_headline(sweep), *_first_errors(sweep)]
    if sweep.over_budget:
        lines.append(over_budget_line(sweep.over_budget_ids(10), sweep.over_budget))
    if not sweep.surviving:
        write("\n".join(lines) + "\n")
        return
    widths = _column_widths(sweep)  # one pass for the widths, one to write
    lines += ["", table_line(HEADER, widths)]
    write("\n".join(lines) + "\n")
    _batched((table_line(row, widths) + "\n" for row in _survivor_rows(sweep)), write)
    write("\n" + FRONTIER_NOTE + "\n")


def write_markdown(sweep: StreamedSweep, write) -> None:
    lines = [_headline(sweep), ""]
    if sweep.invalid:
        lines += ["```", *_first_errors(sweep), "```", ""]
    lines += MARKDOWN_HEADER
    write("\n".join(lines) + "\n")
    _batched((markdown_row(row) + "\n" for row in _survivor_rows(sweep)), write)
    write("\n" + FRONTIER_NOTE + "\n")


class _Lines:
    """A file-like target for csv.writer that hands each batch of rows to `write`."""

    def __init__(self, write):
        self.rows, self.send = [], write

    def write(self, text: str) -> None:
        self.rows.append(text)
        if len(self.rows) == BATCH:
            self.flush()

    def flush(self) -> None:
        self.send("".join(self.rows))
        self.rows.clear()


def write_csv(sweep: StreamedSweep, write) -> None:
    out = _Lines(write)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in sweep.records():
        writer.writerow(variant_row(record.variant, record.valid, record.within_budget, record.frontier,
                                    record.params, record.macs, record.memory_bytes, record.shapes, record.error))
    out.flush()


_JSON_ENTRY = ('    {\n      "id": %s,\n      "spec": %s,\n      "params": %s,\n      "macs": %s,\n'
               '      "valid": %s,\n      "error": %s,\n      "frontier": %s\n    }')


def _json_entry(record) -> str:
    if record.error is not None:
        return _JSON_ENTRY % (json_string(record.variant.id), json_string(record.variant.text), "null", "null",
                              "false", json_string(error_text(record.error)), "false")
    return _JSON_ENTRY % (json_string(record.variant.id), json_string(record.variant.text), record.params,
                          record.macs, "true", "null", "true" if record.frontier else "false")


def write_json(sweep: StreamedSweep, write) -> None:
    """json.dumps(sweep_dict(...), indent=2) + newline, one batch of variants at a time."""
    write(f'{{\n  "total": {sweep.total},\n  "invalid": {sweep.invalid},\n  "over_budget": {sweep.over_budget},\n  "variants": [\n')
    batch, separator = [], ""
    for record in sweep.records():
        batch.append(_json_entry(record))
        if len(batch) == BATCH:
            write(separator + ",\n".join(batch))
            batch.clear()
            separator = ",\n"
    write((separator + ",\n".join(batch) if batch else "") + "\n  ]\n}\n")


STREAM_FORMATS = {"text": write_text, "markdown": write_markdown, "csv": write_csv, "json": write_json}
