from __future__ import annotations

import sys

from cnnspec.errors import SpecError

HELP = "Build each spec in Keras and compare every row with the static analysis; exit 1 on any difference."


def add_arguments(parser):
    parser.add_argument("files", nargs="+", metavar="FILE", help=".cnn files (a folder means its *.cnn)")


def run(args) -> int:
    from cnnspec.analysis.analyzer import analyze
    from cnnspec.analysis.budget import require_fits
    from cnnspec.compiler.verify import report, verify
    from cnnspec.commands import read_spec, spec_paths

    status = 0
    for path in spec_paths(args.files):
        try:
            analysis = analyze(read_spec(path))
            require_fits(analysis, batch=1, training=False)  # Keras builds the weights
            verification = verify(analysis)
        except SpecError as error:
            print(error, file=sys.stderr)
            status = 1
            continue
        print(report(verification, path))
        if not verification.agrees:
            status = 1
    return status
