"""The summary as a Markdown table, ready to paste into a report."""

from __future__ import annotations

from ..analyzer import Analysis
from .keras_table import shape_text


def render(analysis: Analysis) -> str:
    lines = [
        f"**{analysis.spec.name}**",
        "",
        "| Layer (type) | Output Shape | Param # |",
        "|:--|:--|--:|",
    ]
    for row in analysis.rows:
        lines.append(f"| {row.name} ({row.type}) | {shape_text(row.output_shape)} | {row.params:,} |")
    lines += [
        "",
        f"Total params: {analysis.total_params:,}  ",
        f"Trainable params: {analysis.trainable_params:,}  ",
        f"Non-trainable params: {analysis.non_trainable_params:,}",
    ]
    return "\n".join(lines) + "\n"
