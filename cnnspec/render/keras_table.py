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
    from cnnspec.analysis.graph import sequential_like

    if analysis.spec.inputs:  # a functional model, which lists its input too
        return _render_functional(analysis, line_length, connected=not sequential_like(analysis.spec))
    if line_length is None:
        line_length = min(88, shutil.get_terminal_size().columns - 4)
    cells = [(f"{row.name} ({row.type})", shape_text(row.output_shape), f"{row.params:,}") for row in analysis.rows]
    title = _title(analysis)
    table = (fast and _direct_table(cells, line_length)) or _rich_table(cells, line_length)
    return title + table + _totals(analysis)


def _title(analysis: Analysis) -> str:
    import rich.console
    import rich.markup

    console = rich.console.Console(highlight=False, force_terminal=False, color_system=None, width=10**6)
    console.begin_capture()
    # Keras escapes the name and prints it as markup, so the name reads as written except
    # that escape() doubles a trailing backslash (rich would otherwise read it as one).
    console.print(f'Model: "{rich.markup.escape(analysis.spec.name)}"')
    return console.end_capture()


def _totals(analysis: Analysis) -> str:
    import rich.console

    console = rich.console.Console(highlight=False, force_terminal=False, color_system=None, width=10**6)
    console.begin_capture()
    trainable_bytes, frozen_bytes = weight_bytes(analysis)
    totals = (
        ("Total", analysis.total_params, trainable_bytes + frozen_bytes),
        ("Trainable", analysis.trainable_params, trainable_bytes),
        ("Non-trainable", analysis.non_trainable_params, frozen_bytes),
    )
    for label, count, size in totals:
        console.print(f" {label} params: {count:,} ({readable_size(size)})", markup=False)
    return console.end_capture()


def _render_functional(analysis: Analysis, line_length: int | None, connected: bool) -> str:
    """A graph as Keras prints a functional model: its input first, the layers in Keras's
    order, and what each is connected to (`name[0][0]`: each layer is called once)."""
    from cnnspec.analysis.analyzer import INPUT_NAME
    from cnnspec.analysis.graph import keras_order

    if line_length is None:
        line_length = min(108 if connected else 88, shutil.get_terminal_size().columns - 4)
    rows = analysis.rows
    cells = []
    for node in keras_order(analysis.spec):
        if node < 0:
            cells.append((f"{INPUT_NAME} (InputLayer)", shape_text(analysis.spec.input_shape), "0", "-"))
        else:
            row = rows[node]
            links = ", ".join(f"{name}[0][0]" for name in row.inputs)
            cells.append((f"{row.name} ({row.type})", shape_text(row.output_shape), f"{row.params:,}", links))
    if not connected:  # Keras prints a graph with no branches as it prints a Sequential model
        table = _rich_table([cell[:3] for cell in cells], line_length)
    else:
        header = (*_HEADER, ("Connected to", "left"))
        table = _rich_table(cells, line_length, header=header, positions=(0.3, 0.56, 0.74, 1.0))
    return _title(analysis) + table + _totals(analysis)


_HEADER = (("Layer (type)", "left"), ("Output Shape", "left"), ("Param #", "right"))


def _rich_table(cells, line_length: int, *, rows: bool = True, header=_HEADER, positions=(0.45, 0.80, 1.0)) -> str:
    """The table as rich lays it out, with Keras's columns: 45% / 80% / 100% of the line
    (a functional model's four: 30% / 56% / 74% / 100%)."""
    import rich.console
    import rich.markup
    import rich.table

    widths, current = [], 0
    for position in positions:
        widths.append(int(position * line_length) - current)
        current += widths[-1]
    columns = [rich.table.Column(name, justify=justify, width=width) for (name, justify), width in zip(header, widths)]
    table = rich.table.Table(*columns, width=line_length, show_lines=True)
    for name, *rest in cells if rows else ():
        table.add_row(rich.markup.escape(name), *rest)
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
