"""`diff` output: the specs side by side, in every summary format."""

from __future__ import annotations

import json
import shutil
import string

from cnnspec.analysis.diff import Diff
from cnnspec.layers.provenance import Written
from cnnspec.layers.shapes import size_text
from cnnspec.render.table import Column, Table, TABLE_FORMATS


def _labels(diff: Diff) -> list[str]:
    """Spec names, or A, B, C... where names repeat."""
    names = [a.spec.name for a in diff.analyses]
    return names if len(set(names)) == len(names) else [_letters(k) for k in range(len(names))]


def _letters(index: int) -> str:
    """A, B, ..., Z, AA, AB, ...: spreadsheet column names, for any number of specs.

    >>> [_letters(k) for k in (0, 25, 26, 27)]
    ['A', 'Z', 'AA', 'AB']
    """
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = string.ascii_uppercase[rest] + name
    return name


def diff_table(diff: Diff) -> Table:
    labels = _labels(diff)
    keys = [f"s{k + 1}" for k in range(len(labels))]  # CSV header prefixes, one per spec
    columns = []
    for k, label in enumerate(labels):
        columns += [
            Column(f"{label}: layer", f"{keys[k]}_layer"),
            Column("output", f"{keys[k]}_output"),
            Column("params", f"{keys[k]}_params", numeric=True),
            Column("MACs", f"{keys[k]}_macs", numeric=True),
        ]
    columns += [Column(f"changes in {label}", f"{keys[k]}_changes") for k, label in enumerate(labels) if k]
    rows = []
    header = diff.header_changes
    if any(header):
        cells = []
        for analysis in diff.analyses:
            cells += [f"input {size_text(analysis.spec.input_shape)}", None, None, None]
        rows.append(tuple(cells + ["; ".join(c) for c in header]))
    written = [Written(analysis.spec) for analysis in diff.analyses]
    for line in diff.rows:
        cells = []
        for row, names in zip(line.rows, written):
            if row is None:
                cells += [None, None, None, None]
            else:
                cells += [names.statement(row.layer), size_text(row.output_shape), row.params, row.macs]
        rows.append(tuple(cells + ["; ".join(c) for c in line.changes]))
    totals = []
    for k, analysis in enumerate(diff.analyses):
        totals += ["Total" if k == 0 else None, None, analysis.total_params, analysis.total_macs]
    totals += ["; ".join(c) for c in diff.total_changes]
    title = " vs ".join(labels)
    notes = tuple(f"{label}: {a.spec.source}" for label, a in zip(labels, diff.analyses))
    return Table(title, tuple(columns), tuple(rows), (tuple(totals),), notes)


def diff_dict(diff: Diff) -> dict:
    """The comparison for tools: `statement` is the expanded text's (block-made names as
    `r__3`, stable), `written` the same with those names as a person reads them."""
    written = [Written(analysis.spec) for analysis in diff.analyses]

    def layer(row, names):
        if row is None:
            return None
        return {"name": row.name, "type": row.type, "statement": row.layer.statement(),
                "written": names.statement(row.layer),
                "output_shape": [None, *row.output_shape], "params": row.params, "macs": row.macs}

    return {
        "specs": [
            {"name": a.spec.name, "source": a.spec.source, "input_shape": list(a.spec.input_shape),
             "total_params": a.total_params, "total_macs": a.total_macs}
            for a in diff.analyses
        ],
        "input_changes": [list(c) for c in diff.header_changes],
        "rows": [{"layers": [layer(r, names) for r, names in zip(line.rows, written)], "changes": [list(c) for c in line.changes]}
                 for line in diff.rows],
        "total_changes": [list(c) for c in diff.total_changes],
    }


def render_keras(diff: Diff) -> str:
    """Each spec's model.summary() table, side by side, then the changes."""
    from cnnspec.render.keras_table import render

    gap = " | "
    count = len(diff.analyses)
    columns = shutil.get_terminal_size().columns
    # Keras fits one table in min(88, columns - 4); here the tables share that line.
    each = max(40, min(88, (columns - 4 - len(gap) * (count - 1)) // count))
    tables = [render(a, line_length=each).rstrip("\n").split("\n") for a in diff.analyses]
    height = max(map(len, tables))
    widths = [max(map(len, t)) for t in tables]
    lines = [
        gap.join((t[i] if i < len(t) else "").ljust(w) for t, w in zip(tables, widths)).rstrip()
        for i in range(height)
    ]
    labels = _labels(diff)
    changes = []
    for k, label in enumerate(labels[1:]):
        said = list(diff.header_changes[k])
        for line in diff.rows:
            if line.changes[k]:
                named = line.rows[0] or line.rows[k + 1]
                said.append(f"{named.name}: " + "; ".join(line.changes[k]))
        said += list(diff.total_changes[k])
        changes.append(f"{labels[0]} -> {label}:" + "".join(f"\n  {s}" for s in said or ["no change"]))
    return "\n".join(lines) + "\n\n" + "\n".join(changes) + "\n"


def render_diff(diff: Diff, fmt: str) -> str:
    if fmt == "keras":
        return render_keras(diff)
    if fmt == "json":
        return json.dumps(diff_dict(diff), indent=2) + "\n"
    return TABLE_FORMATS[fmt](diff_table(diff))


DIFF_FORMATS = ("keras", "text", "markdown", "latex", "csv", "json")
