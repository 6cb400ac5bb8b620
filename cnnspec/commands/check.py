from __future__ import annotations

import sys

from cnnspec.errors import SpecError, UsageError
from cnnspec.commands.types import positive_int

HELP = "Check .cnn files: one line per valid file, every error and warning at its line and column."


def add_arguments(parser):
    parser.add_argument("files", nargs="+", metavar="FILE", help=".cnn files (a folder means its *.cnn)")
    parser.add_argument("--ignore", action="append", default=[], metavar="ID",
                        help="silence a warning by its id (repeatable, or comma-separated)")
    parser.add_argument("--classes", type=positive_int, default=10, metavar="N",
                        help="number of classes the output layer should have (default: 10, MNIST)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors and warnings")


def run(args) -> int:
    from cnnspec.analysis.analyzer import analyze
    from cnnspec.layers.spec import suggestion
    from cnnspec.analysis.lints import LINTS, lint
    from cnnspec.commands import read_spec, spec_paths

    ignored = {code.strip() for item in args.ignore for code in item.split(",")}
    for code in sorted(ignored - LINTS.keys()):
        raise UsageError(f"--ignore {code}: no such warning{suggestion(code, LINTS)}; "
                         f"the ids are {', '.join(LINTS)}")
    status = 0
    for path in spec_paths(args.files):
        try:
            analysis = analyze(read_spec(path))
        except SpecError as error:
            print(error, file=sys.stderr)
            status = 1
            continue
        for warning in lint(analysis, ignored, args.classes):
            print(warning.render(), file=sys.stderr)
        if not args.quiet:
            layers = len(analysis.rows)
            print(f"{analysis.spec.source}: {analysis.spec.name}: {layers} layer{'s' * (layers != 1)}, {analysis.total_params:,} params")
    return status
