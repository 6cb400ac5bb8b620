"""Warnings about specs that are valid but probably not what the author meant.

Each lint has an id (shown as `[id]` after the message) and is silenced with
`cnnspec check --ignore ID`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .analyzer import Analysis
from .errors import Diagnostic
from .ir import Span

MNIST_CLASSES = 10


@dataclass(frozen=True)
class Finding:
    span: Span
    message: str


def output_classes(analysis: Analysis, classes: int = MNIST_CLASSES) -> Iterable[Finding]:
    last = analysis.rows[-1]
    size = last.output_shape[-1]
    if len(last.output_shape) != 1 or size != classes:
        shape = "x".join(map(str, last.output_shape))
        yield Finding(
            last.layer.span,
            f"the network ends in {shape} outputs, not the {classes} classes of MNIST; "
            f"end with dense {classes} (or pass --classes N)",
        )


LINTS: dict[str, Callable[..., Iterable[Finding]]] = {
    "output-classes": output_classes,
}


def lint(analysis: Analysis, ignore: Iterable[str] = (), classes: int = MNIST_CLASSES) -> list[Diagnostic]:
    """Warnings for a valid spec, in source order, minus the ignored lint ids."""
    lines = analysis.spec.text.split("\n")
    found = []
    for code, check in LINTS.items():
        if code in ignore:
            continue
        findings = check(analysis, classes) if check is output_classes else check(analysis)
        for finding in findings:
            line = finding.span.line
            text = lines[line - 1] if 0 < line <= len(lines) else ""
            found.append(Diagnostic(finding.message, line, finding.span.column, analysis.spec.source, text, "warning", code))
    return sorted(found, key=lambda d: (d.line, d.column))
