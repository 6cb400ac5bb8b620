"""Renderers: each turns an `Analysis` into one output format and knows nothing else.

`keras` is Keras's own table, byte for byte; `json` is for tools; the report formats
(`text`, `markdown`, `latex`, `csv`) render one `Table` (see `table.py`) and add MACs,
FLOPs, activation memory and the training-memory estimate.
"""

from __future__ import annotations

from cnnspec.analysis.analyzer import Analysis
from cnnspec.analysis.costs import REPORT_BATCH, TrainingMemory, training_memory


def _keras(analysis: Analysis, memory: TrainingMemory) -> str:
    from cnnspec.render.keras_table import render

    return render(analysis)


def _json(analysis: Analysis, memory: TrainingMemory) -> str:
    from cnnspec.render.json_format import render

    return render(analysis, memory)


def _table_format(fmt: str):
    def render(analysis: Analysis, memory: TrainingMemory) -> str:
        from cnnspec.render.summary_table import summary_table
        from cnnspec.render.table import TABLE_FORMATS

        return TABLE_FORMATS[fmt](summary_table(analysis, memory))

    return render


SUMMARY_FORMATS = {
    "keras": _keras,
    "text": _table_format("text"),
    "markdown": _table_format("markdown"),
    "latex": _table_format("latex"),
    "csv": _table_format("csv"),
    "json": _json,
}


def render_summary(analysis: Analysis, fmt: str = "keras", *, batch: int = REPORT_BATCH, optimizer: str = "sgd") -> str:
    """The summary in `fmt`; `batch` and `optimizer` size the training-memory estimate."""
    return SUMMARY_FORMATS[fmt](analysis, training_memory(analysis, batch, optimizer))
