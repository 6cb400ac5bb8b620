"""Renderers: each turns an `Analysis` into one output format and knows nothing else.

Adding a format means adding one function here and one module beside this file.
"""

from __future__ import annotations

from ..analyzer import Analysis


def _keras(analysis: Analysis) -> str:
    from .keras_table import render

    return render(analysis)


def _json(analysis: Analysis) -> str:
    from .json_format import render

    return render(analysis)


def _markdown(analysis: Analysis) -> str:
    from .markdown import render

    return render(analysis)


SUMMARY_FORMATS = {"keras": _keras, "json": _json, "markdown": _markdown}


def render_summary(analysis: Analysis, fmt: str = "keras") -> str:
    return SUMMARY_FORMATS[fmt](analysis)
