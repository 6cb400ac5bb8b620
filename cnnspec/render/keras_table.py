"""The table Keras 3's `model.summary()` prints, drawn with rich exactly as Keras draws it.

Keras lays the table out with rich: three columns at 45% / 80% / 100% of a line of
min(88, terminal width - 4) characters, a rule between rows, then the totals with their
float32 sizes. Using the same library with the same settings gives the same bytes.
"""

from __future__ import annotations

import shutil

from ..analyzer import Analysis
from ..costs import FLOAT32_BYTES


def readable_size(size: float) -> str:
    """Bytes in Keras's style (binary units, two decimals).

    >>> readable_size(608408), readable_size(48)
    ('594.15 KB', '48.00 B')
    """
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    # Beyond the largest unit the digits stop meaning anything: keep three of them.
    return f"{size:.2f} PB" if size < 1024 else f"{size:.2e} PB"


def shape_text(shape: tuple[int, ...]) -> str:
    """An output shape with the batch axis, as Keras writes it.

    >>> shape_text((28, 28, 6))
    '(None, 28, 28, 6)'
    """
    return "(" + ", ".join(["None", *map(str, shape)]) + ")"


def render(analysis: Analysis, line_length: int | None = None) -> str:
    import rich.console
    import rich.markup
    import rich.table

    if line_length is None:
        line_length = min(88, shutil.get_terminal_size().columns - 4)
    widths, current = [], 0
    for position in (0.45, 0.80, 1.0):
        widths.append(int(position * line_length) - current)
        current += widths[-1]
    header = (("Layer (type)", "left"), ("Output Shape", "left"), ("Param #", "right"))
    columns = [rich.table.Column(name, justify=justify, width=width) for (name, justify), width in zip(header, widths)]
    table = rich.table.Table(*columns, width=line_length, show_lines=True)
    for row in analysis.rows:
        table.add_row(
            f"{rich.markup.escape(row.name)} ({row.type})", shape_text(row.output_shape), f"{row.params:,}"
        )
    console = rich.console.Console(highlight=False, force_terminal=False, color_system=None, width=10**6)
    console.begin_capture()
    console.print(f'Model: "{rich.markup.escape(analysis.spec.name)}"', markup=False)
    console.print(table)
    totals = (
        ("Total", analysis.total_params),
        ("Trainable", analysis.trainable_params),
        ("Non-trainable", analysis.non_trainable_params),
    )
    for label, count in totals:
        console.print(f" {label} params: {count:,} ({readable_size(count * FLOAT32_BYTES)})", markup=False)
    return console.end_capture()
