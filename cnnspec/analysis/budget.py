"""Refuse, before anything is allocated, a model that could never fit this machine.

The analyzer counts exactly, with Python integers, however absurd the spec; `compile`,
`train` and `draw` then ask this module whether the model's parameters and the values
one batch needs fit in the memory that is free now (or under `--max-params`), and stop
with the figures if they do not. No TensorFlow import: the answer comes first.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cnnspec.analysis.analyzer import Analysis
from cnnspec.analysis.costs import FLOAT32_BYTES, training_memory
from cnnspec.errors import SpecFitError
from cnnspec.analysis.costs import readable_size


def available_memory_bytes() -> int | None:
    """Memory the system can give a new allocation now (Linux MemAvailable), if known."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return None


@dataclass(frozen=True)
class Need:
    """What building (or training) a model asks of memory."""

    params: int
    total_bytes: int
    what: str  # "train with batch 100", "build"


def need(analysis: Analysis, batch: int, training: bool) -> Need:
    if training:
        memory = training_memory(analysis, batch=batch)
        return Need(analysis.total_params, memory.total_bytes, f"train with batch {batch}")
    # Building a model allocates its weights; running one batch adds its largest layer output.
    largest = max((row.activations for row in analysis.rows), default=0)
    total = (analysis.total_params + batch * largest) * FLOAT32_BYTES
    return Need(analysis.total_params, total, f"build and run a batch of {batch}")


def require_fits(
    analysis: Analysis, *, batch: int, training: bool, max_params: int | None = None,
    available: int | None = None,
) -> None:
    """Raise `SpecFitError`, pointing at the layer most to blame, if the model cannot fit.

    `max_params` defaults to what fits in the free memory; `available` to the free memory
    now (unknown free memory checks only an explicit `max_params`).
    """
    if available is None:
        available = available_memory_bytes()
    required = need(analysis, batch, training)
    spec = analysis.spec
    problem, row = None, None
    if max_params is not None and required.params > max_params:
        row = max(analysis.rows, key=lambda r: r.params)
        problem = (
            f"{spec.name} has {required.params:,} parameters, over the limit of {max_params:,} "
            f"(--max-params); {row.name} alone holds {row.params:,}"
        )
    elif available is not None and required.total_bytes > available:
        row = max(analysis.rows, key=lambda r: max(r.params, batch * r.activations))
        problem = (
            f"{spec.name} needs about {readable_size(required.total_bytes)} to {required.what} "
            f"({required.params:,} parameters; {row.name} is the largest part), but only "
            f"{readable_size(available)} of memory is free; shrink the model or the batch"
        )
    if problem:
        raise SpecFitError(spec.diagnostic(problem, row.layer.span))
