"""README's command examples, run: every `$ cnnspec ...` transcript of a static command
prints what README shows (a line ending in '...' or holding '(...)' stands for the rest of
a line, a line '...' for lines left out)."""

import shlex

import pytest

from cnnspec.cli import main
from conftest import ROOT

STATIC = {"check", "summary", "explain", "diff", "sweep", "verify"}


def code_blocks(text: str) -> list[list[str]]:
    blocks, current = [], None
    for line in text.splitlines():
        if line.startswith("```"):
            if current is None:
                current = []
            else:
                blocks.append(current)
                current = None
        elif current is not None:
            current.append(line)
    return blocks


def transcripts():
    """(command, shown lines) for each `$ cnnspec COMMAND ...` line in a README code block."""
    found = []
    for lines in code_blocks((ROOT / "README.md").read_text()):
        for index, line in enumerate(lines):
            if line.startswith("$ cnnspec ") and "&&" not in line and "|" not in line:
                shown = []
                for after in lines[index + 1:]:
                    if after.startswith("$ "):
                        break
                    shown.append(after)
                argv = shlex.split(line[len("$ cnnspec "):])
                if argv[0] in STATIC:
                    found.append((argv, shown))
    return found


def matches(shown: str, printed: str) -> bool:
    if "(...)" in shown:
        head, _, tail = shown.partition("(...)")
        return printed.startswith(head) and printed.endswith(tail)
    if shown.endswith("..."):
        return printed.startswith(shown[:-3].rstrip())
    return printed == shown


@pytest.mark.parametrize("argv, shown", transcripts(), ids=lambda v: " ".join(v) if isinstance(v, list) and v and v[0] in STATIC else "")
def test_readme_transcripts_print_what_they_show(argv, shown, capsys, monkeypatch):
    if argv[0] == "verify":
        pytest.importorskip("keras")
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("COLUMNS", "200")
    main(argv)
    captured = capsys.readouterr()
    printed = (captured.out + captured.err).splitlines()
    position = 0
    for line in shown:
        if line.strip() == "...":
            continue
        while position < len(printed) and not matches(line, printed[position]):
            position += 1
        assert position < len(printed), f"README shows {line!r}, which `cnnspec {' '.join(argv)}` does not print in order"
        position += 1


def test_the_readme_has_transcripts_of_every_static_command():
    assert {argv[0] for argv, _ in transcripts()} == STATIC
