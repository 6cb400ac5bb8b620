"""The summary as a `Table`: Keras's three columns plus MACs, FLOPs and activation memory,
the totals, and the training-memory estimate with its assumptions."""

from __future__ import annotations

from cnnspec.analysis.analyzer import Analysis
from cnnspec.analysis.costs import TrainingMemory, layer_costs, totals, weight_bytes
from cnnspec.analysis.costs import readable_size
from cnnspec.render.keras_table import shape_text
from cnnspec.render.table import Bytes, Column, Table

COLUMNS = (
    Column("Layer (type)", "layer"),
    Column("Output Shape", "output_shape"),
    Column("Param #", "params", numeric=True),
    Column("MACs", "macs", numeric=True),
    Column("FLOPs", "flops", numeric=True),
    Column("Activations", "activations", numeric=True),
    Column("Act. memory", "activation_bytes", numeric=True),
)

COST_NOTE = (
    "MACs: multiply-accumulates of one forward pass for one sample; FLOPs = 2 x MACs. "
    "Activations: output values of one sample, 4 bytes each (float32)."
)


def memory_notes(memory: TrainingMemory) -> tuple[str, ...]:
    parts = " + ".join(f"{what} {readable_size(size)}" for _, what, size in memory.parts)
    return (
        f"Training memory for a batch of {memory.batch} with {memory.optimizer}: "
        f"{readable_size(memory.total_bytes)} = {parts}. It assumes:",
        *(f"- {assumption}" for assumption in memory.assumptions),
    )


def summary_table(analysis: Analysis, memory: TrainingMemory) -> Table:
    costs = layer_costs(analysis)
    rows = tuple(
        (f"{c.row.name} ({c.row.type})", shape_text(c.row.output_shape), c.row.params,
         c.macs, c.flops, c.activations, Bytes(c.activation_bytes))
        for c in costs
    )
    total = totals(analysis)
    total_row = ("Total", None, analysis.total_params, total.macs, total.flops, total.activations,
                 Bytes(total.activation_bytes))
    params = (
        f"Total params: {analysis.total_params:,} ({readable_size(sum(weight_bytes(analysis)))}); "
        f"trainable {analysis.trainable_params:,}, non-trainable {analysis.non_trainable_params:,}."
    )
    return Table(
        f'Model: "{analysis.spec.name}"', COLUMNS, rows, (total_row,),
        (params, COST_NOTE, *memory_notes(memory)),
    )
