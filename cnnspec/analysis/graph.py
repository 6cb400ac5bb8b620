"""The analyzer's rows for a graph: each layer on the shapes of the layers it reads.

Rows keep the spec's (topological) order, so a renderer that walks rows walks a valid
order; each row lists the names of the rows it reads. A merge's input shape is its first
input's; its kind's `output_shape` checks them all and the error says where each came from.
"""

from __future__ import annotations

from cnnspec.analysis.analyzer import INPUT_NAME, LayerRow
from cnnspec.errors import SpecShapeError
from cnnspec.layers import NeedsFeatureMap, ShapeMismatch


def graph_rows(spec, layer_name) -> tuple[LayerRow, ...]:
    rows: list[LayerRow] = []
    counts: dict[str, int] = {}
    for index, layer in enumerate(spec.layers):
        read = spec.inputs[index]
        sources = [rows[i] if i >= 0 else None for i in read]
        shapes = tuple(row.output_shape if row else spec.input_shape for row in sources)
        try:
            if layer.merges:
                out = layer.output_shape(shapes)
                trainable, non_trainable = layer.params(shapes)
                macs = layer.macs(shapes, out)
            else:
                out = layer.output_shape(shapes[0])
                trainable, non_trainable = layer.params(shapes[0])
                macs = layer.macs(shapes[0], out)
        except NeedsFeatureMap as needs:
            where = f"the output of line {sources[0].line}" if sources[0] else "the input"
            raise SpecShapeError(spec.diagnostic(
                f"{needs.keyword} needs a feature map HxWxC, but {where} is the vector ({shapes[0][0]},)", layer.span,
            )) from None
        except ShapeMismatch as mismatch:
            message = str(mismatch)
            if layer.merges:
                message += " (from " + " and from ".join(_origin(spec, i, row) for i, row in zip(read, sources)) + ")"
            raise SpecShapeError(spec.diagnostic(message, layer.span)) from None
        name = layer_name(layer, counts)
        inputs = tuple(row.name if row else INPUT_NAME for row in sources)
        rows.append(LayerRow(name, layer.keras_type, layer, shapes[0], out, trainable, non_trainable, macs, inputs))
    return tuple(rows)


def _origin(spec, index: int, row) -> str:
    if row is None:
        return "the input"
    label = spec.labels[index] if spec.labels else None
    if label and "__" in label:  # a name a block call made unique: the name as written
        label = label.split("__")[0]
    return f"'{label}' on line {row.line}" if label else f"line {row.line}"


def keras_order(spec) -> list[int]:
    """The layers (-1: the input) in the order a Keras functional model lists them:
    Keras's own walk (`keras.src.ops.function.map_graph`), depth-first from the output
    for first-visit indices, then by decreasing depth, ties in visit order. Layers the
    output does not depend on are left out, as Keras leaves them out."""
    index: dict[int, int] = {}
    post: list[int] = []
    done: set[int] = set()
    stack = [(len(spec.layers) - 1, 0)]
    while stack:
        node, position = stack.pop()
        if position == 0:
            if node in done:
                continue
            index.setdefault(node, len(index))
        reads = spec.reads(node) if node >= 0 else ()
        if position < len(reads):
            stack.append((node, position + 1))
            if reads[position] not in done:
                stack.append((reads[position], 0))
        else:
            done.add(node)
            post.append(node)
    depth: dict[int, int] = {}
    for node in reversed(post):
        here = depth.setdefault(node, 0)
        for source in spec.reads(node) if node >= 0 else ():
            depth[source] = max(here + 1, depth.get(source, 0))
    index[-1] = -1
    return sorted(post, key=lambda node: (-depth[node], index[node]))


def sequential_like(spec) -> bool:
    """Whether Keras prints the graph as it prints a Sequential model (no "Connected to"):
    one layer at each depth, each reading one tensor."""
    if not spec.inputs:
        return True
    order = keras_order(spec)
    readers: dict[int, int] = {}
    for node in order[1:]:
        for source in spec.reads(node):
            readers[source] = readers.get(source, 0) + 1
    return all(len(spec.reads(node)) == 1 for node in order[1:]) and all(count == 1 for count in readers.values())
