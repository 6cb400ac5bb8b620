"""Grid text -> variant texts: `{a,b,c}` choices and `[...]?` optional pieces, expanded before parsing.

A grid is a .cnn text with places that vary. `{5,7}` stands for one of its alternatives
wherever a number, size, stride, padding or activation stands (`conv {5,7}x{5,7}x16`,
`{s1,s2}`, `{same,valid}`, `dense 128 {sigmoid,relu}`); `[dense 256 sigmoid]?` is present
or absent. Comments and quoted names are taken as written.

Expansion order: the slots (choices and optional pieces) are numbered in source order and
a variant's index is a mixed-radix number whose first slot is the most significant digit,
as in nested loops or `itertools.product`. A choice's alternatives count in the order
written; an optional piece counts as its present forms first (one per combination of the
choices inside it, in the same order) and then absent. So a grid's size is the product of
its slots' sizes: a choice's number of alternatives, an optional piece's 2 (or, with
choices inside, their product + 1, since the absent piece does not repeat per inner choice).

A variant's id is `v` and its index, zero-padded to the width of the largest index
(`v0`..`v7` for 8 variants, `v0000`..`v9999` for 10,000): stable for as long as the
grid's slots and alternatives are unchanged. A text without grid syntax is a grid of one.

Each variant keeps its own spec text; an absent optional piece leaves its line in place
(blank or shortened), so line numbers of a variant match the grid's, and `Grid.locate`
maps any position of a variant back to the grid text for error messages.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from cnnspec.errors import Diagnostic, SpecError, SpecSyntaxError
from cnnspec.language.parser import COMMENT_PATTERN, STRING_PATTERN

# A sweep analyses every variant: the streaming CLI sweep keeps 17 bytes per variant (a table
# of survivors 140) and 4-19 us of CPU each (README, Sweeps): 10 million is under a minute in JSON.
MAX_VARIANTS = 10_000_000

GRID_CHARACTERS = re.compile(r"[{}\[\]?]")
# A comment or a quoted name is literal text; the grid characters are found between them.
_TOKEN = re.compile(f'{COMMENT_PATTERN}|{STRING_PATTERN}|[{{}}\\[\\]?]|[^#"{{}}\\[\\]?]+')
# Characters that end a choice's alternative or may not appear in one.
_NOT_IN_CHOICE = {"[": "'['", "]": "']'", "?": "'?'", "|": "'|'", "#": "a comment", '"': "a quoted name"}


@dataclass(frozen=True)
class Slot:
    """One place that varies: its alternative texts, a label for each, where each came from.

    `origins[i]` lists (offset in alternative i, offset in the grid text) at each point
    where the alternative's text stops being a contiguous copy of the grid text.
    """

    offset: int
    alternatives: tuple[str, ...]
    labels: tuple[str, ...]
    origins: tuple[tuple[tuple[int, int], ...], ...]
    optional: bool = False


@dataclass(frozen=True)
class Variant:
    """One expanded spec: its index in expansion order, stable id, chosen labels and text."""

    index: int
    id: str
    choices: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Grid:
    """A grid text split into literal pieces and the slots between them (len(pieces) == len(slots) + 1)."""

    text: str
    source: str
    pieces: tuple[str, ...]
    piece_offsets: tuple[int, ...]
    slots: tuple[Slot, ...]

    @property
    def size(self) -> int:
        return math.prod(len(slot.alternatives) for slot in self.slots)

    def variant_id(self, index: int) -> str:
        """`v` and the index, as wide as the largest index.

        >>> parse_grid("conv 3x3x{" + ",".join(map(str, range(1, 12))) + "}").variant_id(7)
        'v07'
        """
        return f"v{index:0{len(str(self.size - 1))}d}"

    def variants(self) -> Iterator[Variant]:
        """Every variant in expansion order (see the module's docstring)."""
        # One str.format per variant over the pre-split pieces: no per-variant parsing here.
        template = "{}".join(piece.replace("{", "{{").replace("}", "}}") for piece in self.pieces)
        width = len(str(self.size - 1))
        indices = [range(len(slot.alternatives)) for slot in self.slots]
        for index, picks in enumerate(itertools.product(*indices)):
            texts = [slot.alternatives[pick] for slot, pick in zip(self.slots, picks)]
            labels = tuple(slot.labels[pick] for slot, pick in zip(self.slots, picks))
            yield Variant(index, f"v{index:0{width}d}", labels, template.format(*texts))

    def variant(self, index: int) -> Variant:
        """The variant at `index` without expanding the others."""
        if not 0 <= index < self.size:
            raise IndexError(f"variant index {index} out of range for a grid of {self.size}")
        picks = self.picks(index)
        texts = [slot.alternatives[pick] for slot, pick in zip(self.slots, picks)]
        text = "".join(piece + alternative for piece, alternative in zip(self.pieces, texts)) + self.pieces[-1]
        labels = tuple(slot.labels[pick] for slot, pick in zip(self.slots, picks))
        return Variant(index, self.variant_id(index), labels, text)

    def picks(self, index: int) -> list[int]:
        """The alternative chosen in each slot by the variant at `index` (mixed radix)."""
        picks = []
        for slot in reversed(self.slots):
            index, pick = divmod(index, len(slot.alternatives))
            picks.append(pick)
        return picks[::-1]

    def locate(self, variant: Variant, line: int, column: int) -> tuple[int, int]:
        """The grid text's (line, column) that a variant's (line, column) was copied from."""
        starts, origins = zip(*_segments(self.pieces, self.piece_offsets, self.slots, self.picks(variant.index)))
        offset = _offset(variant.text, line, column)
        segment = bisect.bisect_right(starts, offset) - 1
        return _line_column(self.text, origins[segment] + offset - starts[segment])

    def relocate(self, variant: Variant, error: SpecError) -> SpecError:
        """A variant's error pointed at the grid file, each message naming the variant.

        A text without grid syntax is a plain spec: its errors are returned as they are.
        """
        if not self.slots:
            return error
        lines = self.text.split("\n")
        diagnostics = []
        for diagnostic in error.diagnostics:
            line, column = self.locate(variant, diagnostic.line, diagnostic.column)
            diagnostics.append(replace(
                diagnostic, line=line, column=column, source=self.source,
                line_text=lines[line - 1] if diagnostic.line_text else "",
                message=f"variant {variant.id} ({' '.join(variant.choices)}): {diagnostic.message}",
            ))
        return type(error)(diagnostics)


def _offset(text: str, line: int, column: int) -> int:
    start = 0
    for _ in range(max(line, 1) - 1):
        found = text.find("\n", start)
        if found < 0:
            break
        start = found + 1
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    return min(start + max(column, 1) - 1, end)


def _line_column(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


class _Reader:
    """Splits a grid text into pieces and slots, raising at the exact character that is wrong."""

    def __init__(self, text: str, source: str):
        self.text, self.source = text, source
        self.lines = text.split("\n")

    def fail(self, offset: int, message: str):
        line, column = _line_column(self.text, offset)
        raise SpecSyntaxError(Diagnostic(message, line, column, self.source, self.lines[line - 1]))

    def split(self, start: int, end: int, inside_optional: bool):
        """Literal pieces, their offsets and the slots in text[start:end]."""
        pieces, offsets, slots = [], [start], []
        piece_start = position = start
        count = 1
        while position < end:
            match = _TOKEN.match(self.text, position, end)
            token = match.group()
            if token == "{":
                slot, after = self.choice(position)
            elif token == "[" and not inside_optional:
                slot, after = self.optional(position)
            elif token in "[]?}" and len(token) == 1:
                self.fail(position, self.stray(token, inside_optional))
            else:
                position = match.end()
                continue
            count *= len(slot.alternatives)
            if count > MAX_VARIANTS:
                self.fail(position, f"the grid grows past {MAX_VARIANTS:,} variants here; sweep a smaller grid")
            pieces.append(self.text[piece_start:position])
            slots.append(slot)
            offsets.append(after)
            piece_start = position = after
        pieces.append(self.text[piece_start:end])
        return pieces, offsets, slots

    def stray(self, token: str, inside_optional: bool) -> str:
        if token == "[":
            return "an optional layer cannot hold another; write [dense 128]? once, without nesting"
        if token == "]":
            return "']' closes nothing; an optional layer is written [dense 128]?"
        if token == "}":
            return "'}' closes nothing; a choice is written {5,7}"
        return "'?' marks an optional layer and follows its brackets, like [dense 128]?"

    def choice(self, open_at: int) -> tuple[Slot, int]:
        alternatives, labels, origins = [], [], []
        start = open_at + 1
        position = start
        while True:
            char = self.text[position] if position < len(self.text) else "\n"
            if char == "\n" or (char in _NOT_IN_CHOICE and "}" not in self.text[position:self._line_end(position)]):
                self.fail(open_at, "'{' is not closed on its line; a choice is written {5,7}")
            if char == "{":
                self.fail(position, "choices cannot be nested; write the alternatives in one {a,b,c}")
            if char in _NOT_IN_CHOICE:
                self.fail(position, f"{_NOT_IN_CHOICE[char]} cannot stand inside a choice; a choice holds alternatives like {{5,7}}")
            if char in ",}":
                raw = self.text[start:position]
                alternative = raw.strip()
                if not alternative:
                    if char == "}" and not alternatives and not raw:
                        self.fail(open_at, "an empty choice {}: write its alternatives, like {5,7}")
                    self.fail(start if raw else position, "an empty alternative: write each one, like {5,7}")
                if alternative in alternatives:
                    self.fail(start + len(raw) - len(raw.lstrip()), f"'{alternative}' is already an alternative of this choice")
                alternatives.append(alternative)
                labels.append(alternative)
                origins.append(((0, start + len(raw) - len(raw.lstrip())),))
                start = position + 1
                if char == "}":
                    slot = Slot(open_at, tuple(alternatives), tuple(labels), tuple(origins))
                    return slot, position + 1
            position += 1

    def _line_end(self, position: int) -> int:
        end = self.text.find("\n", position)
        return len(self.text) if end < 0 else end

    def optional(self, open_at: int) -> tuple[Slot, int]:
        line_end = self._line_end(open_at)
        close = self._closing_bracket(open_at + 1, line_end)
        if close is None:
            self.fail(open_at, "'[' is not closed on its line; an optional layer is written [dense 128]?")
        if self.text[close + 1 : close + 2] != "?":
            self.fail(close + 1, "expected '?' after ']'; an optional layer is written [dense 128]?")
        body = self.text[open_at + 1 : close]
        if not body.strip():
            self.fail(open_at, "an empty optional layer; write the layer inside, like [dense 128]?")
        pieces, offsets, slots = self.split(open_at + 1, close, inside_optional=True)
        alternatives, labels, origins = [], [], []
        for picks in itertools.product(*(range(len(slot.alternatives)) for slot in slots)):
            text = "".join(piece + slot.alternatives[pick] for piece, slot, pick in zip(pieces, slots, picks)) + pieces[-1]
            alternatives.append(text)
            labels.append("+" + " ".join(text.split()))
            origins.append(tuple(_segments(pieces, offsets, slots, picks)))
        alternatives.append("")
        labels.append("-" + " ".join(body.split()))
        origins.append(((0, open_at),))
        return Slot(open_at, tuple(alternatives), tuple(labels), tuple(origins), optional=True), close + 2

    def _closing_bracket(self, start: int, end: int) -> int | None:
        position = start
        while position < end:
            match = _TOKEN.match(self.text, position, end)
            if match.group() == "]":
                return position
            position = match.end()
        return None



def _segments(pieces, offsets, slots, picks) -> Iterator[tuple[int, int]]:
    """(offset in the expanded text, offset in the grid text) wherever a copied stretch starts."""
    position = 0
    for piece, offset, slot, pick in itertools.zip_longest(pieces, offsets, slots, picks):
        yield position, offset
        position += len(piece)
        if slot is not None:
            for inside, origin in slot.origins[pick]:
                yield position + inside, origin
            position += len(slot.alternatives[pick])


def parse_grid(text: str, source: str = "<string>") -> Grid:
    """Split a grid text into pieces and slots; a `SpecSyntaxError` at the first malformed place.

    >>> grid = parse_grid("conv {5,7}x{5,7}x16 | [dense 256]? | dense 10")
    >>> grid.size, [variant.text for variant in grid.variants()][:2]
    (8, ['conv 5x5x16 | dense 256 | dense 10', 'conv 5x5x16 |  | dense 10'])
    """
    if not GRID_CHARACTERS.search(text):
        return Grid(text, source, (text,), (0,), ())
    reader = _Reader(text, source)
    pieces, offsets, slots = reader.split(0, len(text), inside_optional=False)
    return Grid(text, source, tuple(pieces), tuple(offsets), tuple(slots))


def expand(text: str, source: str = "<string>") -> list[Variant]:
    """Every variant of a grid text, in expansion order."""
    return list(parse_grid(text, source).variants())


def load_grid(path) -> Grid:
    """Read a grid (or plain .cnn) file; an unreadable file is a `SpecSyntaxError` at 1:1."""
    from cnnspec.language.source import read_source

    return parse_grid(read_source(path), str(path))
