"""What a lint finds: a message at a span (`cnnspec.analysis.lints` words it as a warning)."""

from __future__ import annotations

from dataclasses import dataclass

from cnnspec.layers.spec import Span


@dataclass(frozen=True)
class Finding:
    """One warning of a lint: where, and what to say."""

    span: Span
    message: str
