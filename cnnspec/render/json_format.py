"""The summary as JSON, for tools: shapes carry `null` for the batch axis as Keras does."""

from __future__ import annotations

import json

from ..analyzer import Analysis


def summary_dict(analysis: Analysis) -> dict:
    return {
        "name": analysis.spec.name,
        "input_shape": list(analysis.spec.input_shape),
        "layers": [
            {
                "name": row.name,
                "type": row.type,
                "output_shape": [None, *row.output_shape],
                "params": row.params,
                "trainable_params": row.trainable_params,
                "non_trainable_params": row.non_trainable_params,
                "line": row.line,
            }
            for row in analysis.rows
        ],
        "total_params": analysis.total_params,
        "trainable_params": analysis.trainable_params,
        "non_trainable_params": analysis.non_trainable_params,
    }


def render(analysis: Analysis) -> str:
    return json.dumps(summary_dict(analysis), indent=2) + "\n"
