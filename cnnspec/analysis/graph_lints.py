"""Lints for graphs: names never read, outputs Keras would drop, merges aligned by rounding."""

from __future__ import annotations

from collections.abc import Iterable

from cnnspec.analysis.findings import Finding
from cnnspec.layers import Sliding
from cnnspec.layers.shapes import size_text


def _readers(spec) -> dict[int, list[int]]:
    readers: dict[int, list[int]] = {}
    for index, read in enumerate(spec.inputs):
        for source in read:
            readers.setdefault(source, []).append(index)
    return readers


def _referenced(spec) -> set[str]:
    """The names some line reads with @name."""
    names = set()
    for index, (layer, read) in enumerate(zip(spec.layers, spec.inputs)):
        if layer.merges:
            names.update(layer.sources)
        elif read[0] != index - 1 and read[0] >= 0:
            names.add(spec.labels[read[0]])
    return names


def unused_name(analysis) -> Iterable:
    """`-> a` on a line, and no `@a` anywhere."""
    from cnnspec.layers.provenance import Written

    spec = analysis.spec
    referenced = _referenced(spec)
    written = Written(spec)
    for index, label in enumerate(spec.labels):
        if label and label not in referenced and index != len(spec.layers) - 1:
            name = written.as_written(label)
            yield Finding(spec.layers[index].span,
                          f"'{written.name(label)}' is never used; read it with @{name} on a later line, or drop '-> {name}'")


def unused_output(analysis) -> Iterable:
    """An unnamed output no line reads: a branch that ends nowhere, which Keras drops."""
    spec = analysis.spec
    readers = _readers(spec)
    for index, row in enumerate(analysis.rows[:-1]):
        if not spec.labels[index] and index not in readers:
            yield Finding(row.layer.span, f"the output of {row.name} is never read, so the network ends without it and "
                                          "Keras leaves it out; read it with -> name and @name, or drop the line")


def _exact_sizes(analysis) -> list:
    """Each row's height and width without floor rounding (None: not a map)."""
    spec, exact = analysis.spec, []
    first = tuple(map(float, spec.input_shape[:2])) if len(spec.input_shape) == 3 else None
    for index, row in enumerate(analysis.rows):
        source = spec.inputs[index][0]
        sizes = first if source < 0 else exact[source]
        window = row.layer.reading()
        if len(row.output_shape) != 3 or sizes is None:
            sizes = None
        elif isinstance(window, Sliding):
            if window.padding == "same":
                sizes = tuple(n / s for n, s in zip(sizes, window.strides))
            else:
                sizes = tuple((n - k) / s + 1 for n, k, s in zip(sizes, window.size, window.strides))
        elif row.output_shape[:2] != row.input_shape[:2]:
            sizes = tuple(map(float, row.output_shape[:2]))
        exact.append(sizes)
    return exact


def merge_rounding(analysis) -> Iterable:
    """A merge whose inputs agree only because strides and windows rounded their sizes down."""
    spec = analysis.spec
    exact = _exact_sizes(analysis)
    for index, row in enumerate(analysis.rows):
        if not row.layer.merges:
            continue
        sizes = [exact[source] if source >= 0 else None for source in spec.inputs[index]]
        known = [s for s in sizes if s is not None]
        if len(known) > 1 and any(abs(a - b) > 1e-9 for s in known for a, b in zip(s, known[0])):
            unrounded = " and ".join("x".join(f"{v:g}" for v in s) for s in known)
            yield Finding(row.layer.span,
                          f"{row.name}'s inputs line up at {size_text(row.output_shape[:2])} only by floor rounding "
                          f"(unrounded {unrounded}): their pixels do not correspond; pad or size the paths alike")


GRAPH_LINTS = {"unused-name": unused_name, "unused-output": unused_output, "merge-rounding": merge_rounding}
