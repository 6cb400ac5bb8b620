from __future__ import annotations

import argparse

from cnnspec.report import REPORT_SEED
from cnnspec.commands.train import add_max_params_argument
from cnnspec.commands.types import seed

HELP = "Compile a spec to an untrained Keras 3 model file (.keras), initialised as the report did."


def keras_file(text: str) -> str:
    if not text.endswith(".keras"):
        raise argparse.ArgumentTypeError(f"Keras 3 saves models as .keras files; got '{text}'")
    return text


def add_arguments(parser):
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("-o", "--output", metavar="OUT.keras", type=keras_file,
                        help="where to write the model (default: FILE's name with .keras, in the current folder)")
    parser.add_argument("--seed", type=seed, default=REPORT_SEED,
                        help=f"seed for the initial weights (default: {REPORT_SEED}, the report's)")
    add_max_params_argument(parser)


def run(args) -> int:
    from pathlib import Path

    from cnnspec.analysis.analyzer import analyze
    from cnnspec.analysis.budget import require_fits
    from cnnspec.compiler.build import save_model, to_keras
    from cnnspec.training.outputs import check_file
    from cnnspec.commands import read_spec

    spec = read_spec(args.file)
    analysis = analyze(spec)
    require_fits(analysis, batch=1, training=False, max_params=args.max_params)
    output = args.output or f"{'model' if args.file == '-' else Path(args.file).stem}.keras"
    check_file(output, "the model")  # before Keras is imported and the model built
    save_model(to_keras(spec, args.seed, analysis), output)
    print(f"{output}: {spec.name}: {len(analysis.rows)} layers, {analysis.total_params:,} params, untrained (seed {args.seed})")
    return 0
