"""A table of records, and its four report formats: text, Markdown, LaTeX (booktabs), CSV.

Builders (summary, diff, ...) fill a `Table` with raw values; each format decides how a
value reads: counts get thousands separators in prose formats and stay bare in CSV, byte
counts read as sizes, and LaTeX escapes what it must.
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


@dataclass(frozen=True)
class Bytes:
    """A byte count: a readable size in prose, the bare number in CSV."""

    value: int


Cell = Union[str, int, Bytes, None]


@dataclass(frozen=True)
class Table:
    title: str
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
    if isinstance(cell, int):
        return f"{cell:,}"
    return cell


def to_text(table: Table) -> str:
    """Fixed-width columns for a terminal.

    >>> print(to_text(Table("t", (Column("a", "a"), Column("n", "n", True)), (("x", 1234),))), end="")
    t
    a      n
    -  -----
    x  1,234
    """
    cells = [[c.title for c in table.columns]] + [[_prose(v) for v in row] for row in table.rows + table.totals]
    widths = [max(len(row[i]) for row in cells) for i in range(len(table.columns))]

    def line(row):
        parts = [v.rjust(w) if c.numeric else v.ljust(w) for v, w, c in zip(row, widths, table.columns)]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    lines = [table.title, line(cells[0]), rule]
    lines += [line(row) for row in cells[1 : 1 + len(table.rows)]]
    if table.totals:
        lines.append(rule)
        lines += [line(row) for row in cells[1 + len(table.rows) :]]
    if table.notes:
        lines.append("")
        lines += table.notes
    return "\n".join(lines) + "\n"


def _markdown_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def to_markdown(table: Table) -> str:
    """A pipe table with a bold title, totals in bold, notes as lines after it."""
    head = "| " + " | ".join(_markdown_cell(c.title) for c in table.columns) + " |"
    align = "|" + "|".join("--:" if c.numeric else ":--" for c in table.columns) + "|"
    lines = [f"**{_markdown_cell(table.title)}**", "", head, align]
    for row in table.rows:
        lines.append("| " + " | ".join(_markdown_cell(_prose(v)) for v in row) + " |")
    for row in table.totals:
        lines.append("| " + " | ".join(f"**{_markdown_cell(_prose(v))}**" if _prose(v) else "" for v in row) + " |")
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
    spec = "".join("r" if c.numeric else "l" for c in table.columns)

    def line(row):
        return "    " + " & ".join(latex_escape(v) for v in row) + r" \\"

    lines = [
        r"% made by cnnspec; needs \usepackage{booktabs} in the preamble",
        r"\begin{table}[htbp]",
        r"  \centering",
        rf"  \caption{{{latex_escape(table.title)}}}",
        rf"  \begin{{tabular}}{{{spec}}}",
        r"    \toprule",
        line([c.title for c in table.columns]),
        r"    \midrule",
    ]
    lines += [line([_prose(v) for v in row]) for row in table.rows]
    if table.totals:
        lines.append(r"    \midrule")
        lines += [line([_prose(v) for v in row]) for row in table.totals]
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
        writer.writerow("" if v is None else v.value if isinstance(v, Bytes) else v for v in row)
    return out.getvalue()


TABLE_FORMATS = {"text": to_text, "markdown": to_markdown, "latex": to_latex, "csv": to_csv}
