"""A graph's order as Keras lists it, and whether Keras prints it as a Sequential model."""

from __future__ import annotations



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
