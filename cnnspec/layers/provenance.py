"""Names as the user wrote them: a block-made name shown with the call that made it.

A block call makes its body's names unique (`r` becomes `r__3`) and names the line above
a call whose body reads `@in` (`in__4`; `cnnspec.language.blocks`). Those are the
expanded text's names, stable and fit for machines (JSON keeps them); a person reads
`r (res #2, line 9)`: the name as the body wrote it, then the block, which of its calls
(`#2`, counted over the spec, each copy of `xN` its own; left out when the block is called
once) and the call's line. Every view that shows a tensor's name asks `Written`.
"""

from __future__ import annotations

from cnnspec.layers.spec import BLOCK_INPUT, BlockCall, Spec, split_made_name


class Written:
    """The readable names of one spec's block-made tensors (built once per view: O(layers))."""

    def __init__(self, spec: Spec):
        self.spec = spec
        self.ordinals: dict[int, int] = {}  # call number -> its place among its block's calls (0: the only one)
        self.names: dict[str, tuple[str, BlockCall]] = {}  # machine name -> (name as written, call)
        if not spec.calls or not spec.labels:
            return
        seen: dict[int, BlockCall] = {}
        for chain in spec.calls:
            for call in chain:
                seen.setdefault(call.number, call)
        by_block: dict[str, list[int]] = {}
        for number in sorted(seen):
            by_block.setdefault(seen[number].block, []).append(number)
        for numbers in by_block.values():
            for place, number in enumerate(numbers, 1):
                self.ordinals[number] = place if len(numbers) > 1 else 0
        readers: dict[int, list[int]] = {}
        for index, read in enumerate(spec.inputs):
            for source in read:
                readers.setdefault(source, []).append(index)
        for index, label in enumerate(spec.labels):
            made = split_made_name(label or "")
            if made is None:
                continue
            base, number = made
            call = next((c for c in spec.calls[index] if c.number == number), None)
            if call is None and base == BLOCK_INPUT:  # the line above a call, named for it: the
                # expander counts the call, then the name (`name_previous`), so `in__4` is call 3's
                call = seen.get(number - 1) or self._reading_call(index, readers.get(index, ()))
            if call is not None:
                self.names[label] = (base, call)

    def _reading_call(self, index: int, readers) -> BlockCall | None:
        """The outermost call, among those of `index`'s first reader, that `index` is not in."""
        around = {call.number for call in self.spec.calls[index]}
        for reader in readers:
            for call in self.spec.calls[reader]:
                if call.number not in around:
                    return call
        return None

    def call_title(self, call: BlockCall) -> str:
        """`res #2, line 9`: the block, which of its calls, the call's line."""
        place = self.ordinals.get(call.number, 0)
        return f"{call.block}{f' #{place}' if place else ''}, line {call.line}"

    def call_label(self, call: BlockCall) -> str:
        """`res f=64 s=2 (#2, line 9)`: the call with its arguments, which call, its line."""
        place = self.ordinals.get(call.number, 0)
        return f"{call.text()} ({f'#{place}, ' if place else ''}line {call.line})"

    def name(self, label: str) -> str:
        """`r (res #2, line 9)` for a name a block call made; any other name as it is."""
        found = self.names.get(label)
        return label if found is None else f"{found[0]} ({self.call_title(found[1])})"

    def as_written(self, label: str) -> str:
        """The name alone, as the block's body wrote it (`r`): what `@r` in the body reads."""
        found = self.names.get(label)
        return label if found is None else found[0]

    def words(self, layer) -> list[str]:
        """`layer.statement()`'s words, each `@name` a block made shown by `name` (one word)."""
        words = layer.statement().split(" ")
        if not self.names:
            return words
        return ["@" + self.name(word[1:]) if word.startswith("@") else word for word in words]

    def statement(self, layer) -> str:
        """`layer.statement()` with each `@name` a block made shown by `name`."""
        return " ".join(self.words(layer))
