"""Which blocks of a spec `cnnspec emit` can write as Python functions, and with what.

`Spec.calls` says, per layer, which block calls wrote it; this module regroups the layers
into those calls (a tree: a call holds layers and nested calls), and for each block asks
whether one function can build every call of it faithfully: every call must have the
same layers wired the same way, and nothing outside a call may read a tensor inside it
other than its output. A block that passes becomes a `Function`: its tensor parameters
(what its calls read from outside: `inputs` is the tensor the call reads, `@in`), the
block's parameters that its Keras arguments are exactly (`filters=f`, `strides=(s, s)`,
compared for every call), keyword parameters for values no block parameter gives, and one
`Scope` body. Any other block is written flat, inside whatever scope calls it. Nothing
here writes text (`block_script` does) or guesses: a value either matches in every call
or becomes a parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cnnspec.compiler.calls import LayerCall
from cnnspec.layers.provenance import Written
from cnnspec.layers.spec import BLOCK_INPUT, Spec

_NUMBER = re.compile(r"-?[0-9]+")
_SIZES = re.compile(r"[0-9]+(x[0-9]+)+")  # HxW, as the language writes a kernel or a size
_DECIMAL = re.compile(r"-?([0-9]+\.[0-9]*|\.[0-9]+)([eE]-?[0-9]+)?|-?[0-9]+[eE]-?[0-9]+")
# Keras's names for the positional arguments `keras_call` gives, for readable parameters.
_POSITIONAL = {
    "Conv2D": ("filters", "kernel_size"), "Conv2DTranspose": ("filters", "kernel_size"),
    "SeparableConv2D": ("filters", "kernel_size"), "DepthwiseConv2D": ("kernel_size",),
    "Dense": ("units",), "Dropout": ("rate",), "Activation": ("activation",),
    "MaxPooling2D": ("pool_size",), "AveragePooling2D": ("pool_size",),
    "UpSampling2D": ("size",), "Reshape": ("target_shape",), "Rescaling": ("scale",),
}
INPUTS = "inputs"  # the tensor parameter a call reads as `@in`, and the model's input


@dataclass
class Call:
    """One expansion of a block: its layers are `start` to `end` (exclusive), in order."""

    block: str
    number: int
    line: int
    arguments: tuple[tuple[str, str], ...]
    start: int
    end: int = 0
    items: list = field(default_factory=list)  # layer indices and nested `Call`s

    @property
    def output(self) -> int:
        return self.end - 1


class NotContiguous(Exception):
    """A call's layers are not one run of the layer order: no function can write it."""


# What writes an argument: a value the same in every call, a parameter of the function,
# or a tuple of those (`strides=(s, s)`).
@dataclass(frozen=True)
class Literal:
    value: object


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class Elements:
    parts: tuple


@dataclass(frozen=True)
class Local:
    """A tensor the scope made: the output of its entry `entry`."""

    entry: int


@dataclass
class Entry:
    """One assignment of a scope: a layer, or a call of a `Function`."""

    layer: int | None  # the layer's index in its first instance (a layer entry)
    function: "Function | None"  # what a call entry calls
    reads: list  # per input: Local, or Name of a tensor parameter ("inputs" at the top)
    args: list  # a layer's positional Keras arguments, or a call's value arguments
    kwargs: list  # (key, expression) pairs, without the layer's name
    names: tuple[int, int]  # this entry's layers among the scope's: names[a:b]
    line: int
    label: str | None  # the name the user gave the output, as written in the body
    variable: str = "x"
    calls: tuple = ()  # a call entry: the `Call` in each instance of the scope


@dataclass
class Scope:
    """The body of a function (or of `build_model`): its entries, in order; the last one's
    output is what it returns."""

    entries: list[Entry]


@dataclass
class Function:
    """A block written as a Python function: def name(tensors, values, *, extras, names)."""

    block: str
    name: str
    tensors: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)  # the block's parameters it uses, in order
    defaults: dict = field(default_factory=dict)  # value parameter -> Python default
    extras: list[str] = field(default_factory=list)
    body: Scope | None = None
    # per call number: the layer each tensor parameter reads, and each value's Python value
    targets: dict = field(default_factory=dict)
    arguments: dict = field(default_factory=dict)


def call_tree(spec: Spec) -> list:
    """The spec's layers as top-level items: layer indices and `Call`s holding theirs."""
    top, stack, seen = [], [], set()
    for index, chain in enumerate(spec.calls or ((),) * len(spec.layers)):
        depth = 0
        while depth < min(len(stack), len(chain)) and stack[depth].number == chain[depth].number:
            depth += 1
        del stack[depth:]
        for made in chain[depth:]:
            if made.number in seen:
                raise NotContiguous(made.block)
            seen.add(made.number)
            call = Call(made.block, made.number, made.line, made.arguments, index)
            (stack[-1].items if stack else top).append(call)
            stack.append(call)
        (stack[-1].items if stack else top).append(index)
        for call in stack:
            call.end = index + 1
    return top


def python_value(text: str):
    """A block argument as the Python value it reads as: an int, a float, sizes, or the text.

    >>> python_value("16"), python_value("0.5"), python_value("3x3"), python_value("relu")
    (16, 0.5, (3, 3), 'relu')
    """
    if _NUMBER.fullmatch(text):
        return int(text)
    if _SIZES.fullmatch(text):
        return tuple(int(size) for size in text.split("x"))
    if _DECIMAL.fullmatch(text):
        return float(text)
    return text


def positional_name(layer: str, position: int) -> str:
    """Keras's name for positional argument `position` of `layer`.

    >>> positional_name("Conv2D", 1), positional_name("Cropping2D", 0)
    ('kernel_size', 'argument0')
    """
    names = _POSITIONAL.get(layer, ())
    return names[position] if position < len(names) else f"argument{position}"


def same(a, b) -> bool:
    """Equal and of one type (1 is not 1.0 or True: the emitted literal must be the value)."""
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


class Planner:
    """Decides, block by block (inner first), which become functions, and plans every scope."""

    def __init__(self, spec: Spec, calls: tuple[LayerCall, ...], blocks: dict, reserved: set[str], variable):
        self.spec, self.layer_calls, self.blocks, self.variable = spec, calls, blocks, variable
        self.top = call_tree(spec)
        self.readers: dict[int, set[int]] = {}
        for index in range(len(spec.layers)):
            for source in spec.reads(index):
                self.readers.setdefault(source, set()).add(index)
        self.instances: dict[str, list[Call]] = {}
        self._collect(self.top)
        self.functions: dict[str, Function] = {}
        self.names: dict[str, str] = {}  # each block's function name: none clashes with the script's
        for block in self.instances:
            self.names[block] = self._unique(variable(block), set(reserved) | set(self.names.values()))
        self.reserved = set(reserved) | set(self.names.values())
        self.lines = spec.text.split("\n")
        self.written = Written(spec)  # `r__3` was written `r`
        self._heights: dict[str, int] = {}
        self._extras: dict[str, list] = {}
        self._taken: set[str] = set()

    def _collect(self, items) -> None:
        for item in items:
            if isinstance(item, Call):
                self.instances.setdefault(item.block, []).append(item)
                self._collect(item.items)

    @staticmethod
    def _unique(name: str, taken) -> str:
        while name in taken:
            name += "_"
        return name

    def plan(self) -> tuple[list[Function], Scope]:
        """The functions (each after those it calls) and `build_model`'s scope."""
        for block in sorted(self.instances, key=self._height):
            function = self._function(block)
            if function is not None:
                self.functions[block] = function
        whole = Call("", 0, 0, (), 0, len(self.spec.layers), self.top)
        scope = self._scope([whole], {}, top=True, taken=self.reserved | {INPUTS})
        return [self.functions[b] for b in sorted(self.functions, key=self._height)], scope

    def _height(self, block: str) -> int:
        """1 for a block calling none, else one more than its highest callee's."""
        if block not in self._heights:
            nested = {item.block for call in self.instances[block] for item in call.items if isinstance(item, Call)}
            self._heights[block] = 1 + max((self._height(name) for name in nested), default=0)
        return self._heights[block]

    def _entries(self, items) -> list:
        """The items a scope writes: layers and calls of functions; other calls inlined."""
        out = []
        for item in items:
            if isinstance(item, Call) and item.block not in self.functions:
                out.extend(self._entries(item.items))
            else:
                out.append(item)
        return out

    def _function(self, block: str) -> Function | None:
        """The function every call of `block` is, or None (then the block is written flat)."""
        calls = self.instances[block]
        for call in calls:  # only a call's output may be read from outside it
            inside = set(range(call.start, call.end))
            if any(not self.readers.get(t, set()) <= inside for t in range(call.start, call.output)):
                return None
        definition = self.blocks.get(block)
        if definition is None:  # a spec without its source text: no parameters to name
            return None
        function = Function(block, self.names[block])
        taken = self.reserved | {"names", "x"}
        params = {}
        for param in definition.params:
            python = self._unique(self.variable(param), taken)
            taken.add(python)
            values = [python_value(dict(call.arguments)[param]) for call in calls]
            params[python] = (values, param)
            if param in definition.defaults:
                function.defaults[python] = python_value(definition.defaults[param])
        scope = self._scope(calls, params, top=False, taken=taken, function=function)
        if scope is None:
            return None
        function.body = scope
        used = {part.name for entry in scope.entries for part in _names_in(entry)}
        ordered = [p for p in params if p in used]
        # Python wants parameters with defaults last; calls name those (`s=2`), as a spec may
        function.values = sorted(ordered, key=lambda p: p in function.defaults)
        for index, call in enumerate(calls):
            function.arguments[call.number] = {
                **{p: params[p][0][index] for p in function.values},
                **{extra: values[index] for extra, values in self._extras.items()},
            }
        function.extras = list(self._extras)
        return function

    def _scope(self, calls: list[Call], params: dict, top: bool, taken=frozenset(), function=None) -> Scope | None:
        """The body every one of `calls` is, or None when their bodies differ."""
        runs = [self._entries(call.items) for call in calls]
        if len({len(run) for run in runs}) != 1:
            return None
        self._extras: dict[str, list] = {}
        self._taken = set(taken)
        outputs = [{self._output(item): k for k, item in enumerate(run)} for run in runs]
        sites, outer = [], []  # outer reads: (entry, position) and its target in each call
        entries = []
        for k in range(len(runs[0])):
            items = [run[k] for run in runs]
            entry = self._entry(items, calls, params, outputs, top)
            if entry is None:
                return None
            for position, read in enumerate(entry.reads):
                if read is None:
                    sites.append((k, position))
                    outer.append(tuple(self._reads(run[k])[position] for run in runs))
            entries.append(entry)
        if function is not None:
            self._tensor_parameters(function, calls, entries, sites, outer, params)
        else:  # build_model: what no layer made is the model's input
            for k, position in sites:
                entries[k].reads[position] = Name(INPUTS)
        self._name_variables(entries, top)
        return Scope(entries)

    def _output(self, item) -> int:
        return item.output if isinstance(item, Call) else item

    def _reads(self, item) -> tuple[int, ...]:
        if isinstance(item, Call):
            return self.functions[item.block].targets[item.number]
        return self.spec.reads(item)

    def _entry(self, items, calls, params, outputs, top) -> Entry | None:
        """Entry k of a scope, the same in every call, or None."""
        first = items[0]
        kinds = {(i.block, i.end - i.start) if isinstance(i, Call) else ("", self.layer_calls[i].layer)
                 for i in items}
        if len(kinds) != 1 or len({type(i) for i in items}) != 1 or len({len(self._reads(i)) for i in items}) != 1:
            return None
        reads = []
        for position in range(len(self._reads(first))):
            local = {
                ("outer",) if not call.start <= self._reads(item)[position] < call.end
                else outputs[n].get(self._reads(item)[position], "inside")
                for n, (item, call) in enumerate(zip(items, calls))
            }
            if len(local) != 1 or "inside" in local:
                return None
            (where,) = local
            reads.append(None if where == ("outer",) else Local(where))
        # A name differing between calls (the last layer's, given by each call's `-> out`)
        # is no name of the body: the variable is then `x`, which naming keeps faithful.
        labels = {self._label(self._output(item), top) for item in items}
        labels = labels if len(labels) == 1 else {None}
        offsets = {(self._start(item) - call.start, self._output(item) + 1 - call.start)
                   for item, call in zip(items, calls)}
        if len(offsets) != 1:
            return None
        line = self.lines[self._line(first) - 1] if 0 < self._line(first) <= len(self.lines) else ""
        if isinstance(first, Call):
            function = self.functions[first.block]
            values = [[function.arguments[item.number][p] for item in items] for p in function.values]
            extras = [[function.arguments[item.number][e] for item in items] for e in function.extras]
            args = [self._express(v, params, line, p) for v, p in zip(values, function.values)]
            kwargs = [(e, self._express(v, params, line, e)) for v, e in zip(extras, function.extras)]
            entry = Entry(None, function, reads, args, kwargs, offsets.pop(), self._line(first), labels.pop(),
                          calls=tuple(items))
            return entry
        made = [self.layer_calls[i] for i in items]
        keys = {tuple(key for key, _ in call.kwargs if key != "name") for call in made}
        if len(keys) != 1 or len({len(call.args) for call in made}) != 1:
            return None
        args = [
            self._express([call.args[p] for call in made], params, line, positional_name(made[0].layer, p))
            for p in range(len(made[0].args))
        ]
        kwargs = [
            (key, self._express([dict(call.kwargs)[key] for call in made], params, line, key))
            for key in keys.pop()
        ]
        return Entry(first, None, reads, args, kwargs, offsets.pop(), self._line(first), labels.pop())

    def _start(self, item) -> int:
        return item.start if isinstance(item, Call) else item

    def _line(self, item) -> int:
        return item.line if isinstance(item, Call) else self.spec.layers[item].span.line

    def _label(self, index: int, top: bool) -> str | None:
        label = self.spec.labels[index] if self.spec.labels else None
        written = self.written.as_written(label) if label else None
        if written == BLOCK_INPUT and label != written:  # the expander's name for a call's input
            return None
        return label if top else written

    def _express(self, values: list, params: dict, line: str, name: str):
        """What writes `values` (one per call): a literal, a parameter, or a new keyword."""
        found = expression(values, params, line)
        if found is not None:
            return found
        extra = self._unique(self.variable(name), self._taken | set(self._extras))
        self._extras[extra] = values
        return Name(extra)

    def _tensor_parameters(self, function: Function, calls, entries, sites, outer, params: dict) -> None:
        """One parameter per tensor read from outside, two only where some call tells them apart."""
        groups: dict[tuple, str] = {}
        values = {part.name for entry in entries for part in _names_in(entry)}
        inputs = tuple(call.start - 1 for call in calls)
        if inputs in outer:
            groups[inputs] = INPUTS
        for targets in outer:
            if targets not in groups:
                labels = [self.spec.labels[t] if t >= 0 and self.spec.labels else "input" for t in targets]
                base = self._tensor_name(labels, calls)
                # `@$x` reads the tensor parameter `x` names: the block's parameter, as a tensor
                given = [python for python, (_, raw) in params.items() if raw == base and python not in values]
                taken = self._taken | set(self._extras) | set(groups.values())
                free = given and given[0] not in set(self._extras) | set(groups.values())
                groups[targets] = given[0] if free else self._unique(
                    self.variable(base), taken)
        self._taken |= set(groups.values())
        for (k, position), targets in zip(sites, outer):
            entries[k].reads[position] = Name(groups[targets])
        function.tensors = list(groups.values())
        for index, call in enumerate(calls):
            function.targets[call.number] = tuple(targets[index] for targets in groups)

    def _tensor_name(self, labels: list, calls: list[Call]) -> str:
        """The name a body reads an outer tensor by: `@skip`'s `skip`, or `x` for `@$x`."""
        if len(set(labels)) == 1 and labels[0] is not None:
            return self.written.as_written(labels[0])
        given = [param for param, _ in calls[0].arguments
                 if all(dict(call.arguments)[param] == label for call, label in zip(calls, labels))]
        return given[0] if given else "tensor"

    def _name_variables(self, entries: list[Entry], top: bool) -> None:
        """Each entry's variable: its label as written, else `x`, renamed where a later
        assignment would hide it from a reader."""
        taken = self._taken | set(self._extras)
        for entry in entries:
            entry.variable = self._unique(self.variable(entry.label), taken) if entry.label else "x"
        while True:
            bound, hidden = {}, set()
            for k, entry in enumerate(entries):
                for read in entry.reads:
                    if isinstance(read, Local) and bound.get(entries[read.entry].variable) != read.entry:
                        hidden.add(read.entry)
                bound[entry.variable] = k
            if not hidden:
                return
            used = {entry.variable for entry in entries} | taken
            for k in sorted(hidden):
                number = 1
                while f"{entries[k].variable}_{number}" in used:
                    number += 1
                entries[k].variable = f"{entries[k].variable}_{number}"
                used.add(entries[k].variable)


def expression(values: list, params: dict, line: str):
    """`values` (one per call) as a literal, a parameter or a tuple of those; None if neither.

    A value the same in every call is a literal unless exactly one parameter gives it and
    `$parameter` is on its line (so `conv 3x3x$f` called once still reads `filters=f`).

    >>> expression([16, 32], {"f": ([16, 32], "f")}, "")
    Name(name='f')
    >>> expression([(2, 2), (1, 1)], {"s": ([2, 1], "s")}, "")
    Elements(parts=(Name(name='s'), Name(name='s')))
    >>> expression([(3, 3), (3, 3)], {"f": ([16, 32], "f")}, ""), expression([1, 2], {}, "")
    (Literal(value=(3, 3)), None)
    """
    first = values[0]
    constant = all(same(value, first) for value in values)
    matches = [name for name, (given, _) in params.items() if all(same(v, g) for v, g in zip(values, given))]
    if matches and not constant:
        return Name(matches[0])
    if len(matches) == 1 and constant and re.search(rf"\${re.escape(params[matches[0]][1])}\b", line):
        return Name(matches[0])
    if isinstance(first, tuple) and first and all(isinstance(v, tuple) and len(v) == len(first) for v in values):
        parts = tuple(expression([v[i] for v in values], params, line) for i in range(len(first)))
        # a constant tuple is a literal unless a parameter gives one of its elements
        if None not in parts and (not constant or any(isinstance(part, Name) for part in parts)):
            return Elements(parts)
    return Literal(first) if constant else None


def _names_in(entry: Entry):
    """The parameter names an entry's value arguments use."""
    stack = [*entry.args, *(value for _, value in entry.kwargs)]
    while stack:
        part = stack.pop()
        if isinstance(part, Name):
            yield part
        elif isinstance(part, Elements):
            stack.extend(part.parts)
