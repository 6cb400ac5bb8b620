"""Statements with `@name` and `-> name` -> a graph's layers, inputs and labels.

A chain needs none of this (`cnnspec.language.builder` builds it as before); a spec that
names a tensor is built here. Each statement reads the line above unless it names what it
reads (`conv 1x1x256 @x`); a merge with one name reads that tensor, then the line above
(`add @shortcut`). Every problem is a (token, message) pair at the token to blame.
"""

from __future__ import annotations

from cnnspec.language.parser import Statement, Token
from cnnspec.layers import BY_KEYWORD, Flatten
from cnnspec.layers.arguments import Misuse
from cnnspec.layers.spec import suggestion

WIRES = frozenset(("REF", "TARGET"))
INPUT_NAME = "input"  # `@input` reads the network's input


def is_wired(statements: list[Statement]) -> bool:
    return any(token.type in WIRES for statement in statements for token in statement.args)


def target_name(token: Token) -> str:
    return token[2:].strip()


def build_graph(statements: list[Statement], spatial: bool, problems: list):
    """(layers, inputs, labels) of a wired spec; problems are appended to `problems`."""
    names: dict[str, int] = {INPUT_NAME: -1}
    defined_at: dict[str, Token] = {}
    rank = {-1: 3 if spatial else 1}
    layers, inputs, labels = [], [], []
    previous = -1
    for statement in statements:
        kind = BY_KEYWORD[statement.kind]
        refs = [token for token in statement.args if token.type == "REF"]
        targets = [token for token in statement.args if token.type == "TARGET"]
        plain = Statement(statement.kind, statement.keyword,
                          tuple(token for token in statement.args if token.type not in WIRES))
        read = []
        for ref in refs:
            if ref[1:] in names:
                read.append(names[ref[1:]])
            else:
                problems.append((ref, f"'{ref[1:]}' is used before it is defined{suggestion(ref[1:], names)}; "
                                      "name a layer's output with '-> name' on an earlier line"))
        for extra in targets[1:]:
            problems.append((extra, f"a line names its output once (first '{targets[0]}')"))
        if not kind.merges and len(refs) > 1:
            problems.append((refs[1], f"{statement.kind} reads one tensor; merge several with add, concat or multiply"))
        try:
            layer = kind.from_statement(statement if kind.merges else plain, statement is statements[-1])
        except Misuse as misuse:
            problems.append((misuse.token, misuse.message))
            layer = None
        if layer is None or len(read) != len(refs):
            previous = None if layer is None else previous
            continue
        if previous is None:  # the line above failed: nothing more to learn from this one
            continue
        if kind.merges:
            read = read + [previous] if len(read) == 1 else read
        else:
            read = read[:1] or [previous]
        if kind.needs_vector and rank[read[0]] == 3:
            layers.append(Flatten(implicit=True, span=layer.span))
            inputs.append((read[0],))
            labels.append(None)
            rank[len(layers) - 1] = 1
            read = [len(layers) - 1]
        index = len(layers)
        layers.append(layer)
        inputs.append(tuple(read))
        rank[index] = layer.rank_left() or rank[read[0]]
        label = None
        if targets:
            label = target_name(targets[0])
            if label in names:
                where = f" (line {defined_at[label].line})" if label in defined_at else " (the network's input)"
                problems.append((targets[0], f"'{label}' is already defined{where}; give this output another name"))
            names[label], defined_at[label] = index, targets[0]
        labels.append(label)
        previous = index
    return layers, tuple(inputs), tuple(labels)


def tensor_name(spec, index: int) -> str:
    """How a statement refers to layer `index`'s output (-1: the input)."""
    return INPUT_NAME if index < 0 else spec.labels[index]


def wire_words(spec, index: int, reads: int | None = None) -> str:
    """' @a -> b': what layer `index` of a graph reads (when not the line above; a merge
    writes its own) and the name it gives its output; '' for a chain. `reads`: the layer
    it reads through an implicit flatten left unwritten."""
    if not spec.inputs:
        return ""
    words = []
    if not spec.layers[index].merges:
        source = spec.inputs[index][0] if reads is None else reads
        if source != (index - 1 if reads is None else index - 2):
            words.append("@" + tensor_name(spec, source))
    if spec.labels[index]:
        words.append("-> " + spec.labels[index])
    return "".join(" " + word for word in words)
