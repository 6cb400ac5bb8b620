from __future__ import annotations

from cnnspec.errors import UsageError

HELP = (
    "Compare specs layer by layer: shapes, params and MACs side by side, and what changed "
    "from the first spec to each other one."
)


def add_arguments(parser):
    from cnnspec.render.diff import DIFF_FORMATS

    parser.add_argument("files", nargs="+", metavar="FILE", help="two or more .cnn files; the first is the baseline")
    parser.add_argument("--format", "-f", choices=DIFF_FORMATS, default="text")


def run(args) -> int:
    from cnnspec.analysis.analyzer import analyze
    from cnnspec.analysis.diff import diff
    from cnnspec.render.diff import render_diff
    from cnnspec.commands import read_spec, spec_paths, write_stdout

    paths = spec_paths(args.files)
    if len(paths) < 2:
        raise UsageError("give at least two .cnn files to compare")
    analyses = [analyze(read_spec(path)) for path in paths]
    write_stdout(render_diff(diff(analyses), args.format))
    return 0
