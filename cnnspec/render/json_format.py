"""The summary as JSON, for tools: shapes carry `null` for the batch axis as Keras does."""

from __future__ import annotations

import json

from cnnspec.analysis.analyzer import Analysis
from cnnspec.analysis.costs import TrainingMemory, layer_costs, totals, training_memory


def memory_dict(memory: TrainingMemory) -> dict:
    return {
        "batch": memory.batch,
        "optimizer": memory.optimizer,
        "bytes": {key: size for key, _, size in memory.parts},
        "total_bytes": memory.total_bytes,
        "assumptions": list(memory.assumptions),
    }


def summary_dict(analysis: Analysis, memory: TrainingMemory | None = None) -> dict:
    memory = memory or training_memory(analysis)
    total = totals(analysis)
    return {
        "name": analysis.spec.name,
        "input_shape": list(analysis.spec.input_shape),
        "layers": [
            {
                "name": cost.row.name,
                "type": cost.row.type,
                "output_shape": [None, *cost.row.output_shape],
                "params": cost.row.params,
                "trainable_params": cost.row.trainable_params,
                "non_trainable_params": cost.row.non_trainable_params,
                "inputs": list(analysis.inputs_of(index)),
                "line": cost.row.line,
                "macs": cost.macs,
                "flops": cost.flops,
                "activations": cost.activations,
                "activation_bytes": cost.activation_bytes,
                "param_bytes": cost.param_bytes,
            }
            for index, cost in enumerate(layer_costs(analysis))
        ],
        "total_params": analysis.total_params,
        "trainable_params": analysis.trainable_params,
        "non_trainable_params": analysis.non_trainable_params,
        "total_macs": total.macs,
        "total_flops": total.flops,
        "total_activations": total.activations,
        "total_activation_bytes": total.activation_bytes,
        "param_bytes": total.param_bytes,
        "training_memory": memory_dict(memory),
    }


def render(analysis: Analysis, memory: TrainingMemory | None = None) -> str:
    return json.dumps(summary_dict(analysis, memory), indent=2) + "\n"
