"""The table Keras 3's `model.summary()` prints, drawn with rich exactly as Keras draws it.

Keras lays the table out with rich: three columns at 45% / 80% / 100% of a line of
min(88, terminal width - 4) characters, a rule between rows, then the totals with their
float32 sizes. Using the same library with the same settings gives the same bytes.
"""

from __future__ import annotations

import shutil

from cnnspec.analysis.analyzer import Analysis
from cnnspec.analysis.costs import readable_size, weight_bytes


def shape_text(shape: tuple[int, ...]) -> str:
    """An output shape with the batch axis, as Keras writes it.

    >>> shape_text((28, 28, 6))
    '(None, 28, 28, 6)'
    """
    return "(" + ", ".join(["None", *map(str, shape)]) + ")"


def render(analysis: Analysis, line_length: int | None = None, *, fast: bool = True) -> str:
    """The summary as Keras prints it when piped (on a terminal Keras adds ANSI bold)."""
    import rich.console
    import rich.markup

    if line_length is None:
        line_length = min(88, shutil.get_terminal_size().columns - 4)
    cells = [(f"{row.name} ({row.type})", shape_text(row.output_shape), f"{row.params:,}") for row in analysis.rows]
    console = rich.console.Console(highlight=False, force_terminal=False, color_system=None, width=10**6)
    console.begin_capture()
    # Keras escapes the name and prints it as markup, so the name reads as written except
    # that escape() doubles a trailing backslash (rich would otherwise read it as one).
    console.print(f'Model: "{rich.markup.escape(analysis.spec.name)}"')
    title = console.end_capture()
    table = (fast and _direct_table(cells, line_length)) or _rich_table(cells, line_length)
    console.begin_capture()
    trainable_bytes, frozen_bytes = weight_bytes(analysis)
    totals = (
        ("Total", analysis.total_params, trainable_bytes + frozen_bytes),
        ("Trainable", analysis.trainable_params, trainable_bytes),
        ("Non-trainable", analysis.non_trainable_params, frozen_bytes),
    )
    for label, count, size in totals:
        console.print(f" {label} params: {count:,} ({readable_size(size)})", markup=False)
    return title + table + console.end_capture()


def _rich_table(cells, line_length: int, *, rows: bool = True) -> str:
    """The table as rich lays it out, with Keras's columns: 45% / 80% / 100% of the line."""
    import rich.console
    import rich.markup
    import rich.table

    widths, current = [], 0
    for position in (0.45, 0.80, 1.0):
        widths.append(int(position * line_length) - current)
        current += widths[-1]
    header = (("Layer (type)", "left"), ("Output Shape", "left"), ("Param #", "right"))
    columns = [rich.table.Column(name, justify=justify, width=width) for (name, justify), width in zip(header, widths)]
    table = rich.table.Table(*columns, width=line_length, show_lines=True)
    for name, shape, params in cells if rows else ():
        table.add_row(rich.markup.escape(name), shape, params)
    console = rich.console.Console(highlight=False, force_terminal=False, color_system=None, width=10**6)
    console.begin_capture()
    console.print(table)
    return console.end_capture()


def _direct_table(cells, line_length: int) -> str | None:
    """The same bytes as `_rich_table`, row by row: rich draws the header (and fixes the
    column widths); every body row is one line when each cell fits its column. None when
    some cell would wrap (or is not plain ASCII), which rich's layout must then handle."""
    *head, bottom = _rich_table(cells, line_length, rows=False).splitlines()
    spans = [len(part) for part in bottom[1:-1].split("┴")]
    if len(spans) != 3:
        return None
    (a, b, c), lines = (span - 2 for span in spans), []
    for name, shape, params in cells:
        if len(name) > a or len(shape) > b or len(params) > c or not (name + shape).isascii() or not name.isprintable():
            return None
        lines.append(f"│ {name.ljust(a)} │ {shape.ljust(b)} │ {params.rjust(c)} │")
    rule = "\n" + "├" + "┼".join("─" * span for span in spans) + "┤\n"
    return "\n".join(head) + "\n" + rule.join(lines) + "\n" + bottom + "\n"
