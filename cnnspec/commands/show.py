from __future__ import annotations

import sys

HELP = ("Look inside a finished run: the learned kernels of each convolution as image grids, "
        "and with --image FILE or --index N the feature maps of that image after every layer.")


def add_arguments(parser):
    from cnnspec.commands.types import count

    parser.add_argument("run_dir", metavar="RUN", help="a finished run directory")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--image", metavar="FILE", help="a PNG or JPEG, prepared as for `predict`")
    which.add_argument("--index", type=count, metavar="N", help="the N-th test image of the run's data")
    parser.add_argument("--out", metavar="DIR", help="where the PNG files go (default: RUN/show)")


def run(args) -> int:
    from pathlib import Path

    from cnnspec.training.inspection import write_show

    out = Path(args.out) if args.out else Path(args.run_dir) / "show"
    written = write_show(args.run_dir, out, image=args.image, index=args.index,
                       log=lambda line: print(line, file=sys.stderr))
    for path in written:
        print(path)
    return 0
