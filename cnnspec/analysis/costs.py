"""Analysis -> costs: FLOPs, activation memory and a training-memory estimate, per layer.

Pure records computed from an `Analysis` (collect and total); renderers only print them.
Every value is float32, as Keras builds the report's models.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cnnspec.analysis.analyzer import Analysis, LayerRow
from cnnspec.layers import REARRANGE, REGRID
from cnnspec.report import REPORT_BATCH

FLOAT32_BYTES = 4

# Copies of the trainable parameters an optimizer keeps between steps. The report trains
# with plain SGD (no momentum), which keeps none.
OPTIMIZER_STATE_COPIES = {"sgd": 0, "momentum": 1, "rmsprop": 1, "adam": 2}
OPTIMIZER_STATE_NOTES = {
    "sgd": "plain SGD keeps no state between steps (momentum would keep one copy of the trainable parameters, Adam two)",
    "momentum": "SGD with momentum keeps one copy of the trainable parameters (the velocity)",
    "rmsprop": "RMSprop keeps one copy of the trainable parameters (the mean of squared gradients)",
    "adam": "Adam keeps two copies of the trainable parameters (the first and second moments)",
}


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


def flops(macs: int) -> int:
    """One multiply-accumulate is two floating-point operations.

    >>> flops(3_558_912)
    7117824
    """
    return 2 * macs


@dataclass(frozen=True)
class LayerCost:
    """What one layer costs for one sample: compute, and the values it outputs."""

    row: LayerRow
    macs: int
    flops: int
    activations: int
    activation_bytes: int
    param_bytes: int


def weight_bytes(analysis: Analysis) -> tuple[int, int]:
    """(trainable, non-trainable) bytes of the weights, each layer's in its own dtype."""
    pairs = [row.layer.weight_bytes(row.input_shape) for row in analysis.rows]
    return sum(p[0] for p in pairs), sum(p[1] for p in pairs)


def layer_costs(analysis: Analysis) -> tuple[LayerCost, ...]:
    """Per-layer MACs, FLOPs, output values and bytes (one sample) and parameter bytes."""
    return tuple(
        LayerCost(
            row, row.macs, flops(row.macs), row.activations,
            row.activations * FLOAT32_BYTES, sum(row.layer.weight_bytes(row.input_shape)),
        )
        for row in analysis.rows
    )


@dataclass(frozen=True)
class Totals:
    macs: int
    flops: int
    activations: int
    activation_bytes: int
    param_bytes: int


def totals(analysis: Analysis) -> Totals:
    """Sums over the layers for one sample (activations: every layer's output)."""
    costs = layer_costs(analysis)
    return Totals(
        sum(c.macs for c in costs), sum(c.flops for c in costs), sum(c.activations for c in costs),
        sum(c.activation_bytes for c in costs), sum(c.param_bytes for c in costs),
    )


def activation_bytes(analysis: Analysis) -> int:
    """Bytes of every layer's float32 output for one sample: what a forward pass keeps.

    The same number as `totals(analysis).activation_bytes`, summed straight from the rows
    without the per-layer records (a sweep computes it for every variant).

    >>> from cnnspec import parse, analyze
    >>> activation_bytes(analyze(parse("conv 3x3x2 | dense 10")))  # (28*28*2 + 1568 + 10) * 4
    12584
    """
    return FLOAT32_BYTES * sum(row.activations for row in analysis.rows)


def kept_activations(row: LayerRow) -> int:
    """Values of one sample that stay in memory until the backward pass reaches this layer.

    A layer that only rearranges values (flatten, a reshape): TensorFlow shares its input's
    buffer, so it keeps nothing new.
    """
    return 0 if row.layer.reading() in (REARRANGE, REGRID) else row.activations


@dataclass(frozen=True)
class TrainingMemory:
    """An estimate of the memory one training step needs, in bytes, by what holds it."""

    batch: int
    optimizer: str
    parameter_bytes: int
    gradient_bytes: int
    optimizer_bytes: int
    input_bytes: int
    activation_bytes: int
    backward_bytes: int

    @property
    def total_bytes(self) -> int:
        return (
            self.parameter_bytes + self.gradient_bytes + self.optimizer_bytes
            + self.input_bytes + self.activation_bytes + self.backward_bytes
        )

    @property
    def parts(self) -> tuple[tuple[str, str, int], ...]:
        """(key, what, bytes) for each part of the total."""
        return (
            ("parameters", "parameters", self.parameter_bytes),
            ("gradients", "gradients", self.gradient_bytes),
            ("optimizer_state", "optimizer state", self.optimizer_bytes),
            ("input_batch", "input batch", self.input_bytes),
            ("activations", "activations kept for backprop", self.activation_bytes),
            ("backward_working_set", "backward working set", self.backward_bytes),
        )

    @property
    def assumptions(self) -> tuple[str, ...]:
        return (
            "float32 everywhere (4 bytes a value)",
            "one gradient per trainable parameter",
            OPTIMIZER_STATE_NOTES[self.optimizer],
            f"every layer's output for all {self.batch} samples stays until the backward pass "
            "reaches it (flatten shares its input's memory)",
            "the backward pass holds two more copies of the largest layer output that needs a gradient "
            "(the gradient arriving at it and the one it passes on)",
            "not counted: the framework's own workspace and runtime, and the data set",
        )


def gradient_peak(analysis: Analysis, first: int = 0) -> int:
    """The most gradient values alive at once in a graph's backward pass (per sample).

    Going back through layer j, the gradient of j's output is read while those of its
    inputs are written; a tensor's gradient, once started by its last reader, stays until
    its own layer has run. So at step j every tensor t <= j read by a layer >= j is alive.
    """
    spec, rows = analysis.spec, analysis.rows
    last_reader: dict[int, int] = {}
    for index in range(len(rows)):
        for source in spec.reads(index):
            last_reader[source] = max(last_reader.get(source, -1), index)
    peak = 0
    for j in range(first, len(rows)):
        alive = rows[j].activations + sum(
            rows[t].activations for t, reader in last_reader.items() if 0 <= t < j and reader >= j
        )
        peak = max(peak, alive)
    return peak


def training_memory(analysis: Analysis, batch: int = REPORT_BATCH, optimizer: str = "sgd") -> TrainingMemory:
    """Bytes one training step of `batch` samples needs with `optimizer` (see `assumptions`).

    >>> from cnnspec import analyze, parse
    >>> memory = training_memory(analyze(parse("dense 10")), batch=100)
    >>> memory.parameter_bytes, memory.input_bytes, memory.activation_bytes, memory.backward_bytes
    (31400, 313600, 4000, 8000)
    """
    if optimizer not in OPTIMIZER_STATE_COPIES:
        raise ValueError(f"unknown optimizer '{optimizer}'; choose one of {', '.join(OPTIMIZER_STATE_COPIES)}")
    if batch <= 0:
        raise ValueError(f"batch must be positive, got {batch}")
    trainable_bytes, frozen_bytes = weight_bytes(analysis)
    # Gradients flow back only as far as the first layer with parameters.
    first_trainable = next((i for i, row in enumerate(analysis.rows) if row.trainable_params), len(analysis.rows))
    largest = max((row.activations for row in analysis.rows[first_trainable:]), default=0)
    in_flight = 2 * largest
    if analysis.spec.inputs:  # a branch point's gradient lives until its last reader's has flowed back
        in_flight = max(in_flight, gradient_peak(analysis, first_trainable))
    return TrainingMemory(
        batch=batch,
        optimizer=optimizer,
        parameter_bytes=trainable_bytes + frozen_bytes,
        gradient_bytes=trainable_bytes,
        optimizer_bytes=OPTIMIZER_STATE_COPIES[optimizer] * trainable_bytes,
        input_bytes=batch * math.prod(analysis.spec.input_shape) * FLOAT32_BYTES,
        activation_bytes=batch * sum(kept_activations(row) for row in analysis.rows) * FLOAT32_BYTES,
        backward_bytes=batch * in_flight * FLOAT32_BYTES,
    )
