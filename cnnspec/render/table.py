"""A table of records, and its four report formats: text, Markdown, LaTeX (booktabs), CSV.

Builders (summary, diff, compare, sweep) fill a `Table` with raw values; each format
decides how a value reads: counts get thousands separators in prose formats and stay bare
in CSV, byte counts read as sizes, and LaTeX escapes what it must. The line makers
(`text_line`, `markdown_head`, `markdown_line`, `csv_cells`) are public so that a report
too long to hold (a sweep of millions of variants) writes its rows one at a time in the
same forms.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Union

from cnnspec.analysis.costs import readable_size


@dataclass(frozen=True)
class Column:
    title: str  # as a reader sees it
    key: str  # the CSV header
    numeric: bool = False  # right-aligned
    centred: bool = False  # centred in Markdown (a mark such as `*`)
    csv_only: bool = False  # a value for tools (a path, a flag), not shown to readers


@dataclass(frozen=True)
class Bytes:
    """A byte count: a readable size in prose, the bare number in CSV."""

    value: int


@dataclass(frozen=True)
class Shown:
    """A value read one way in prose (`19:53`, `98.96%`) and kept raw in CSV (1193.0, 0.9896)."""

    text: str
    value: object


@dataclass(frozen=True)
class Marked:
    """A value with a mark after it, in bold in Markdown (`**Model 3** (best)`), bare in CSV."""

    value: str
    mark: str


Cell = Union[str, int, float, Bytes, Shown, Marked, None]


@dataclass(frozen=True)
class Table:
    title: str | None  # None: an untitled table (Markdown to paste under a heading of one's own)
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    totals: tuple[tuple[Cell, ...], ...] = ()  # rows under a rule
    notes: tuple[str, ...] = ()  # sentences under the table (not in CSV)

    def __post_init__(self):
        for row in self.rows + self.totals:
            if len(row) != len(self.columns):
                raise ValueError(f"a row has {len(row)} cells for {len(self.columns)} columns: {row}")


def _prose(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Bytes):
        return readable_size(cell.value)
    if isinstance(cell, Shown):
        return cell.text
    if isinstance(cell, Marked):
        return f"{cell.value} ({cell.mark})"
    if isinstance(cell, int) and not isinstance(cell, bool):
        return f"{cell:,}"
    return str(cell)


def shown_columns(columns) -> tuple[Column, ...]:
    """The columns readers see (all but the CSV-only ones)."""
    return tuple(c for c in columns if not c.csv_only)


def _shown(table: Table, row) -> list[Cell]:
    return [v for v, c in zip(row, table.columns) if not c.csv_only]


def text_widths(columns, rows) -> list[int]:
    """Each column's width in `text_line`: its title's or its widest cell's.

    >>> text_widths((Column("", "f"), Column("n", "n", True)), [("*", 1234)])
    [1, 5]
    """
    widths = [len(c.title) for c in columns]
    for row in rows:
        widths = [max(width, len(_prose(v))) for width, v in zip(widths, row)]
    return widths


def text_line(columns, row, widths) -> str:
    """One row of fixed-width columns (titles too: give them as a row of strings)."""
    parts = [_prose(v).rjust(w) if c.numeric else _prose(v).ljust(w) for v, w, c in zip(row, widths, columns)]
    return "  ".join(parts).rstrip()


def _markdown_prose(cell: Cell) -> str:
    if isinstance(cell, Marked):
        return f"**{_markdown_cell(cell.value)}** ({_markdown_cell(cell.mark)})"
    return _markdown_cell(_prose(cell))


def markdown_head(columns) -> list[str]:
    """The title row and the alignment row of a pipe table."""
    align = "|" + "|".join(":-:" if c.centred else "--:" if c.numeric else ":--" for c in columns) + "|"
    return ["| " + " | ".join(_markdown_cell(c.title) for c in columns) + " |", align]


def markdown_line(row) -> str:
    """One row of a pipe table (`|` escaped inside cells)."""
    return "| " + " | ".join(_markdown_prose(v) for v in row) + " |"


def csv_cells(row) -> list:
    """A row's raw values, as `csv.writer` writes them: bare numbers, "" for nothing."""
    return ["" if v is None else v.value if isinstance(v, (Bytes, Shown, Marked)) else v for v in row]


def to_text(table: Table) -> str:
    """Fixed-width columns for a terminal.

    >>> print(to_text(Table("t", (Column("a", "a"), Column("n", "n", True)), (("x", 1234),))), end="")
    t
    a      n
    -  -----
    x  1,234
    """
    columns = shown_columns(table.columns)
    rows = [_shown(table, row) for row in table.rows]
    totals = [_shown(table, row) for row in table.totals]
    widths = text_widths(columns, rows + totals)
    rule = "  ".join("-" * w for w in widths)
    lines = [] if table.title is None else [table.title]
    lines += [text_line(columns, [c.title for c in columns], widths), rule]
    lines += [text_line(columns, row, widths) for row in rows]
    if table.totals:
        lines.append(rule)
        lines += [text_line(columns, row, widths) for row in totals]
    if table.notes:
        lines.append("")
        lines += table.notes
    return "\n".join(lines) + "\n"


def _markdown_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def to_markdown(table: Table) -> str:
    """A pipe table with a bold title (if any), totals in bold, notes as lines after it."""
    lines = [] if table.title is None else [f"**{_markdown_cell(table.title)}**", ""]
    lines += markdown_head(shown_columns(table.columns))
    lines += [markdown_line(_shown(table, row)) for row in table.rows]
    for row in table.totals:
        lines.append("| " + " | ".join(f"**{_markdown_cell(_prose(v))}**" if _prose(v) else ""
                                       for v in _shown(table, row)) + " |")
    if table.notes:
        lines.append("")
        lines += [f"{_markdown_cell(note)}  " for note in table.notes[:-1]] + [_markdown_cell(table.notes[-1])]
    return "\n".join(lines) + "\n"


_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": r"\textless{}", ">": r"\textgreater{}",
}


def latex_escape(text: str) -> str:
    r"""Text safe in LaTeX's text mode; '->' becomes an arrow.

    >>> latex_escape("conv2d_1 (Conv2D) 50% -> 100%")
    'conv2d\\_1 (Conv2D) 50\\% $\\rightarrow$ 100\\%'
    """
    return r"$\rightarrow$".join("".join(_LATEX_SPECIALS.get(c, c) for c in part) for part in text.split("->"))


def to_latex(table: Table) -> str:
    """A booktabs table in a floating `table` environment (needs \\usepackage{booktabs})."""
    columns = shown_columns(table.columns)
    spec = "".join("r" if c.numeric else "l" for c in columns)

    def line(row):
        return "    " + " & ".join(latex_escape(v) for v in row) + r" \\"

    lines = [
        r"% made by cnnspec; needs \usepackage{booktabs} in the preamble",
        r"\begin{table}[htbp]",
        r"  \centering",
        *([] if table.title is None else [rf"  \caption{{{latex_escape(table.title)}}}"]),
        rf"  \begin{{tabular}}{{{spec}}}",
        r"    \toprule",
        line([c.title for c in columns]),
        r"    \midrule",
    ]
    lines += [line([_prose(v) for v in _shown(table, row)]) for row in table.rows]
    if table.totals:
        lines.append(r"    \midrule")
        lines += [line([_prose(v) for v in _shown(table, row)]) for row in table.totals]
    lines += [r"    \bottomrule", r"  \end{tabular}"]
    if table.notes:
        lines.append(r"  \par\smallskip")
        lines.append(r"  {\footnotesize")
        lines += [f"  {latex_escape(note)}\\par" for note in table.notes]
        lines.append(r"  }")
    lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"


def to_csv(table: Table) -> str:
    """One header row of keys, then every row and total with bare numbers."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(c.key for c in table.columns)
    for row in table.rows + table.totals:
        writer.writerow(csv_cells(row))
    return out.getvalue()


TABLE_FORMATS = {"text": to_text, "markdown": to_markdown, "latex": to_latex, "csv": to_csv}
