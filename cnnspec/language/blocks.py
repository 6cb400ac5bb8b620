"""Blocks: named, parameterised pieces of a spec, expanded as text before parsing (a macro).

    block bottleneck f s=1          # a definition: its name, parameters, defaults
      conv 1x1x$f s$s linear | batchnorm
      add @in                       # @in: the tensor the call reads
    end
    bottleneck 64 x3                # a call: arguments by position or name=value, xN repeats
    bottleneck 128 s=2 -> stage2    # '-> name' names the block's output

Each call's lines are the body with `$name` replaced by the argument, the body's own
names made unique per call (`a` becomes `a__3`) and `@in` bound to the line above the
call. Nothing is executed: a block is text that becomes statements. Every expanded line
remembers where it came from (`Origin`), so an error inside a call points at the body's
line and column and names the call's line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cnnspec.errors import Diagnostic, SpecSyntaxError
from cnnspec.layers.spec import BLOCK_INPUT, BlockCall, Origin, made_name

_HEADER = re.compile(r"^([ \t]*)block\b[ \t]*(.*)$")
_END = re.compile(r"^[ \t]*end[ \t]*$")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PIECE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)|@([A-Za-z_][A-Za-z0-9_]*)|->([ \t]*)([A-Za-z_][A-Za-z0-9_]*)")
_OUTPUT = re.compile(r"[ \t]*->[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*$")
_REPEAT = re.compile(r"x([0-9]+)$")
MAX_DEPTH = 32  # calls inside calls
MAX_LINES = 100_000  # expanded lines: far beyond any real network, and a bound on `x1000000`
_HAS_BLOCK = re.compile(r"^[ \t]*block\b", re.MULTILINE)


@dataclass(frozen=True)
class Block:
    name: str
    params: tuple[str, ...]
    defaults: dict
    body: tuple[tuple[int, str], ...]  # (line number, code) of each body line
    line: int


@dataclass(frozen=True)
class Expansion:
    text: str
    origins: tuple[Origin, ...]


def has_blocks(text: str) -> bool:
    return bool(_HAS_BLOCK.search(text))


def _code(line: str) -> str:
    """The line without its comment (block bodies hold no quoted names)."""
    return line.split("#", 1)[0].rstrip()


class _Expander:
    def __init__(self, text: str, source: str):
        self.source, self.lines = source, text.split("\n")
        self.blocks: dict[str, Block] = {}
        self.out: list[tuple[str, Origin]] = []
        self.calls = 0  # calls expanded so far: each call's names end in its number
        self.active: list[str] = []  # the blocks being expanded, outermost first

    def error(self, message: str, line: int, column: int) -> SpecSyntaxError:
        line_text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return SpecSyntaxError([Diagnostic(message, line, column, self.source, line_text)])

    def definitions(self) -> list[int]:
        """Collect every block; the numbers of the lines outside them."""
        from cnnspec.layers import BY_KEYWORD

        outside, number = [], 0
        while number < len(self.lines):
            line = self.lines[number]
            number += 1
            header = _HEADER.match(_code(line))
            if not header:
                outside.append(number)
                continue
            words = header.group(2).split()
            column = len(header.group(1)) + 1
            if not words or not _WORD.fullmatch(words[0]):
                raise self.error("a block needs a name: block NAME [PARAMETER[=DEFAULT] ...]", number, column)
            name = words[0]
            if name in BY_KEYWORD or name in ("name", "input", "block", "end"):
                raise self.error(f"'{name}' is a keyword; give the block another name", number, line.index(name) + 1)
            if name in self.blocks:
                raise self.error(f"block '{name}' is defined twice (first on line {self.blocks[name].line})",
                                 number, line.index(name) + 1)
            params, defaults = [], {}
            for word in words[1:]:
                key, _, default = word.partition("=")
                if not _WORD.fullmatch(key) or key in params or (word.endswith("=")):
                    raise self.error(f"a block parameter is a name, or name=default, got '{word}'",
                                     number, line.index(word) + 1)
                params.append(key)
                if default:
                    defaults[key] = default
            body, start = [], number
            while number < len(self.lines) and not _END.match(_code(self.lines[number])):
                if _HEADER.match(_code(self.lines[number])):
                    raise self.error("a block cannot be defined inside another; close this one with 'end' first",
                                     number + 1, 1)
                body.append((number + 1, _code(self.lines[number])))
                number += 1
            if number == len(self.lines):
                raise self.error(f"block '{name}' has no 'end'; close it on a line of its own", start, column)
            number += 1  # the `end`
            self.blocks[name] = Block(name, tuple(params), defaults, tuple(body), start)
        return outside

    def expand(self) -> Expansion:
        for number in self.definitions():
            line = self.lines[number - 1]
            self.line(line, number, {}, {}, ())
        return Expansion("\n".join(text for text, _ in self.out), tuple(origin for _, origin in self.out))

    def line(self, code: str, number: int, values: dict, names: dict, calls: tuple) -> None:
        """Emit one line: a call expands, any other line is copied (with substitution in a body)."""
        stripped = _code(code)
        first = stripped.split()[0] if stripped.split() else ""
        if first in self.blocks:
            self.call(stripped, number, values, names, calls)
            return
        if first == "end" or _HEADER.match(stripped):
            raise self.error("'end' closes a block, but none is open" if first == "end" else "unexpected block",
                             number, len(code) - len(code.lstrip()) + 1)
        text, columns = self.substitute(code if not calls else stripped, number, values, names)
        self.out.append((text, Origin(number, columns, calls)))
        if len(self.out) > MAX_LINES:
            where = (calls[0].line, calls[0].column) if calls else (number, 1)  # the call the user wrote
            raise self.error(f"the blocks expand to more than {MAX_LINES:,} lines", *where)

    def substitute(self, code: str, number: int, values: dict, names: dict):
        """`code` with $params and local names replaced; (text, column breakpoints)."""
        if not values and not names:
            return code, ((1, 1),)
        pieces, columns, position = [], [(1, 1)], 0
        for match in _PIECE.finditer(code):
            pieces.append(code[position:match.start()])
            at = sum(map(len, pieces)) + 1
            param, ref, space, target = match.groups()
            if param is not None:
                if param not in values:
                    raise self.error(f"'${param}' is no parameter of this block; its parameters are "
                                     f"{', '.join('$' + p for p in values) or 'none'}", number, match.start() + 1)
                new = values[param]
            elif ref is not None:
                new = "@" + names.get(ref, ref)
            else:
                new = "->" + space + names.get(target, target)
            pieces.append(new)
            columns.append((at, match.start() + 1))
            columns.append((at + len(new), match.end() + 1))
            position = match.end()
        pieces.append(code[position:])
        return "".join(pieces), tuple(columns)

    def call(self, code: str, number: int, values: dict, names: dict, calls: tuple) -> None:
        output = _OUTPUT.search(code)
        words = (code[: output.start()] if output else code).split()
        name = words[0]
        block = self.blocks[name]
        column = self.lines[number - 1].find(name) + 1 if not calls else code.find(name) + 1
        where = (number, max(column, 1))
        if name in self.active:
            chain = " -> ".join([*self.active, name])
            raise self.error(f"block '{name}' calls itself ({chain}); a block cannot be recursive", *where)
        if len(calls) >= MAX_DEPTH:
            raise self.error(f"blocks nested more than {MAX_DEPTH} deep", *where)
        repeat, given = 1, {}
        positional = 0
        for word in words[1:]:
            word = self.substitute(word, number, values, names)[0]
            if _REPEAT.fullmatch(word):
                repeat = int(word[1:])
                if repeat < 1:
                    raise self.error("a block repeats at least once: x1, x2, ...", *where)
                continue
            key, equals, value = word.partition("=")
            if equals:
                if key not in block.params:
                    raise self.error(f"block '{name}' has no parameter '{key}'; its parameters are "
                                     f"{', '.join(block.params) or 'none'}", *where)
                if key in given:
                    raise self.error(f"'{key}' given twice in this call of '{name}'", *where)
                given[key] = value
            else:
                if positional >= len(block.params):
                    raise self.error(f"block '{name}' takes {len(block.params)} argument"
                                     f"{'s' * (len(block.params) != 1)} ({' '.join(block.params)}), got more", *where)
                given[block.params[positional]] = word
                positional += 1
        missing = [p for p in block.params if p not in given and p not in block.defaults]
        if missing:
            raise self.error(f"block '{name}' needs {', '.join(missing)} (defined on line {block.line}: "
                             f"block {name} {' '.join(block.params)})", *where)
        arguments = {**block.defaults, **given}
        local = {m.group(4) for _, body in block.body for m in _PIECE.finditer(body) if m.group(4)}
        uses_input = any(m.group(2) == BLOCK_INPUT for _, body in block.body for m in _PIECE.finditer(body))
        self.active.append(name)
        written = tuple((param, arguments[param]) for param in block.params)
        for _ in range(repeat):
            self.calls += 1
            this = BlockCall(name, *where, self.calls, written)
            renamed = {n: made_name(n, self.calls) for n in local}
            if uses_input:
                renamed[BLOCK_INPUT] = self.name_previous(number)
            for body_number, body in block.body:
                if body.strip():
                    self.line(body, body_number, arguments, renamed, (*calls, this))
        self.active.pop()
        if output:  # inside a body, the call's output is one of the body's own names
            self.name_last(names.get(output.group(1), output.group(1)))

    def name_previous(self, number: int) -> str:
        """The name of the tensor the next line reads: the last line's own, or one given to it."""
        for index in range(len(self.out) - 1, -1, -1):
            text, origin = self.out[index]
            code = _code(text).rstrip()
            if not code.strip():
                continue
            last = code.split("|")[-1].split()
            if last and last[0] in ("name", "input"):
                return "input"
            named = _OUTPUT.search(code)
            if named:
                return named.group(1)
            self.calls += 1  # the call's number + 1: cnnspec.layers.provenance finds the call by it
            label = made_name(BLOCK_INPUT, self.calls)
            self.out[index] = (code + f" -> {label}" + text[len(code):], origin)
            return label
        return "input"

    def name_last(self, label: str) -> None:
        for index in range(len(self.out) - 1, -1, -1):
            text, origin = self.out[index]
            code = _code(text).rstrip()
            if code.strip():
                self.out[index] = (code + f" -> {label}", origin)
                return


def definitions(text: str, source: str = "<string>") -> dict[str, Block]:
    """The blocks `text` defines, by name (none when it defines none)."""
    if not has_blocks(text):
        return {}
    expander = _Expander(text, source)
    expander.definitions()
    return expander.blocks


def expand(text: str, source: str = "<string>") -> Expansion | None:
    """The text with every block call expanded, or None when it defines no block."""
    if not has_blocks(text):
        return None
    return _Expander(text, source).expand()
