"""Warnings about specs that are valid but probably not what the author meant.

Each lint has an id (shown as `[id]` after the message) and is silenced with
`cnnspec check --ignore ID`, or on one line of the spec with a trailing comment
`# cnnspec: ignore[ID, ...]` (bare `# cnnspec: ignore`: every lint on that line).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable

from cnnspec.analysis.analyzer import Analysis
from cnnspec.analysis.counting import counted_list, counted_sample
from cnnspec.analysis.findings import Finding
from cnnspec.analysis.graph_lints import GRAPH_LINTS
from cnnspec.errors import Diagnostic
from cnnspec.layers.spec import Span, suggestion
from cnnspec.layers import Sliding
from cnnspec.analysis.receptive_field import AxisWindows, axis_windows
from cnnspec.report import MNIST_CLASSES
from cnnspec.layers.shapes import size_text

DOMINANT_SHARE = 0.9  # a layer holding this share of the parameters is nearly the whole network


def output_classes(analysis: Analysis, classes: int = MNIST_CLASSES) -> Iterable[Finding]:
    last = analysis.rows[-1]
    size = last.output_shape[-1]
    if len(last.output_shape) != 1 or size != classes:
        shape = size_text(last.output_shape)
        yield Finding(
            last.layer.span,
            f"the network ends in {shape} outputs, not the {classes} classes"
            f"{' of MNIST' if classes == MNIST_CLASSES else ''}; "
            f"end with dense {classes} (or pass --classes N)",
        )


def _windowed(analysis: Analysis):
    """(row, rows' windows, columns' windows) for each conv and pooling layer."""
    for row in analysis.rows:
        layer = row.layer
        window = layer.reading()
        if isinstance(window, Sliding) and len(row.input_shape) == 3:
            yield row, tuple(
                axis_windows(n, k, s, window.padding) for n, k, s in zip(row.input_shape[:2], window.size, window.strides)
            )


def _per_axis(windows: tuple[AxisWindows, AxisWindows], describe) -> str:
    """'row and column 7', or 'rows 25-28 and column 3': `describe(axis)` gives each axis's
    (pixels as text, how many)."""
    (rows, row_count), (cols, col_count) = (describe(w) for w in windows)
    words = ("row" if row_count == 1 else "rows"), ("column" if col_count == 1 else "columns")
    if (rows, row_count) == (cols, col_count):
        return f"{words[0]} and {words[1]} {rows}"
    return " and ".join(f"{word} {text}" for word, text, count in zip(words, (rows, cols), (row_count, col_count)) if count)


def _trailing(axis: AxisWindows) -> tuple[str, int]:
    return counted_list(axis.trailing_dropped), len(axis.trailing_dropped)


def _gaps(axis: AxisWindows) -> tuple[str, int]:
    return counted_sample(axis.iter_gaps(), axis.gap_count), axis.gap_count


def dropped_rows(analysis: Analysis) -> Iterable[Finding]:
    """Floor rounding: 'valid' windows that stop before the last rows or columns."""
    for row, windows in _windowed(analysis):
        if any(w.trailing_dropped for w in windows):
            what = _per_axis(windows, _trailing)
            yield Finding(
                row.layer.span,
                f"{row.layer.statement({'stride', 'padding'})} maps {size_text(row.input_shape)} to "
                f"{size_text(row.output_shape)} and never reads {what} of its input (counting from 1); "
                "use 'same' padding to keep them, or a size the window and stride divide",
            )


def stride_gaps(analysis: Analysis) -> Iterable[Finding]:
    """A stride larger than its window skips pixels between windows."""
    for row, windows in _windowed(analysis):
        gapped = [w for w in windows if w.gap_count]
        if gapped:
            w = gapped[0]
            yield Finding(
                row.layer.span,
                f"stride {w.stride} is larger than the {w.window}-pixel window: {_per_axis(windows, _gaps)} "
                "(counting from 1) fall between or after the windows and are never read; use a stride no larger than the window",
            )


def dominant_layer(analysis: Analysis) -> Iterable[Finding]:
    """One layer holding nearly all the parameters: the rest of the network is a rounding error."""
    total = analysis.total_params
    heaviest = max(analysis.rows, key=lambda row: row.params)
    if not total or heaviest.params / total < DOMINANT_SHARE or heaviest.params == total:
        return
    layer = heaviest.layer
    why = layer.weights_text(heaviest.input_shape, heaviest.output_shape)
    yield Finding(
        layer.span,
        f"{heaviest.name} holds {heaviest.params / total:.1%} of the parameters "
        f"({heaviest.params:,} of {total:,}): {why}",
    )


def asymmetric_padding(analysis: Analysis) -> Iterable[Finding]:
    """'same' padding that is uneven around an odd window: the windows are not centred where
    one expects (the report's 1.e). An even window has no centre and is padded unevenly by
    construction, so it is left alone."""
    for row, windows in _windowed(analysis):
        uneven = [w for w in windows if w.window % 2 == 1 and w.padding[0] != w.padding[1]]
        if row.layer.reading().padding != "same" or not uneven:
            continue
        w = uneven[0]
        mirrored = dataclasses.replace(w.centres, first=w.centres.first + w.padding[0] - w.padding[1])
        yield Finding(
            row.layer.span,
            f"'same' padding with stride {w.stride} adds {w.padding[0] or 'no'} zero row/column before and "
            f"{w.padding[1]} after (TensorFlow puts the smaller half first), so the {w.window}-pixel windows "
            f"are centred on pixels {counted_list(w.centres)} (counting from 1), not {counted_list(mirrored)}; "
            "see cnnspec explain",
        )


def _slides(row) -> bool:
    return isinstance(row.layer.reading(), Sliding)


def collapsed_map(analysis: Analysis) -> Iterable[Finding]:
    """Convolutions or pooling on a 1x1 map: their windows see one pixel and zero padding.
    (In a graph, 1x1 windows on a 1x1 map are a squeeze-and-excite gate's dense layers.)"""
    for index, row in enumerate(analysis.rows):
        if analysis.spec.inputs and _slides(row) and row.layer.reading().size == (1, 1):
            continue
        if _slides(row) and row.input_shape[:2] == (1, 1):
            later = sum(1 for other in analysis.rows[index:] if _slides(other))
            source = analysis.rows[index - 1] if index else None
            after = f" after {source.name} (line {source.line})" if source else " at the input"
            these = ("this conv/pool layer sees one pixel" if later == 1 else
                     f"this and {later - 1} more conv/pool layer{'s' * (later != 2)} before the dense layers see one pixel each")
            yield Finding(
                row.layer.span,
                f"the feature map is already 1x1{after}; {these}: stop shrinking earlier or drop "
                f"{'it' if later == 1 else 'them'}",
            )
            return


LINTS: dict[str, Callable[..., Iterable[Finding]]] = {
    "output-classes": output_classes,
    "dropped-rows": dropped_rows,
    "stride-gaps": stride_gaps,
    "dominant-layer": dominant_layer,
    "asymmetric-padding": asymmetric_padding,
    "collapsed-map": collapsed_map,
    **GRAPH_LINTS,  # each finds nothing in a chain
}


def lint(analysis: Analysis, ignore: Iterable[str] = (), classes: int = MNIST_CLASSES) -> list[Diagnostic]:
    """Warnings for a valid spec, in source order, minus the ignored lint ids."""
    found = []
    for code, check in LINTS.items():
        if code in ignore:
            continue
        if code in GRAPH_LINTS and not analysis.spec.inputs:
            continue
        findings = check(analysis, classes) if check is output_classes else check(analysis)
        found += [analysis.spec.diagnostic(f.message, f.span, "warning", code) for f in findings]
    silenced, unknown = _ignore_comments(analysis.spec)
    found = [d for d in found if not ({d.code, "*"} & silenced.get(d.line, set()))] + unknown
    return sorted(found, key=lambda d: (d.line, d.column))


_IGNORE_COMMENT = re.compile(r"#.*?\bcnnspec:\s*ignore\b(?:\[([^\]]*)\])?")


def _ignore_comments(spec) -> tuple[dict[int, set[str]], list[Diagnostic]]:
    """Per line, the lint ids its `# cnnspec: ignore[...]` comment silences ('*': all), and
    a warning for each id in such a comment that names no lint."""
    silenced: dict[int, set[str]] = {}
    unknown = []
    for number, line in enumerate(spec.text.split("\n"), 1):
        match = _IGNORE_COMMENT.search(line) if "cnnspec:" in line else None
        if not match:
            continue
        ids = {code.strip() for code in (match.group(1) or "*").split(",") if code.strip()}
        silenced[number] = ids
        for code in sorted(ids - LINTS.keys() - {"*"}):
            unknown.append(spec.diagnostic(
                f"no such warning '{code}'{suggestion(code, LINTS)} in this ignore comment; the ids are {', '.join(LINTS)}",
                Span(number, match.start() + 1), "warning",
            ))
    return silenced, unknown
