"""Code generators: one module per target language, each turning an analysed spec into source.

As with sqlglot's generators, a target is one module with a `generate(analysis) -> str`;
adding a target touches that module and the `GENERATORS` table.
"""

from __future__ import annotations

from cnnspec.analysis.analyzer import Analysis


def _keras_script(analysis: Analysis) -> str:
    from cnnspec.training.keras_script import generate

    return generate(analysis)


GENERATORS = {"keras": _keras_script}


def generate(analysis: Analysis, target: str = "keras") -> str:
    return GENERATORS[target](analysis)
