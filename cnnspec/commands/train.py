from __future__ import annotations

import sys

from cnnspec.errors import UsageError
from cnnspec.training.recipe import Recipe
from cnnspec.commands.types import positive_float, positive_int, seed

_REPORT = Recipe()
HELP = (f"Train a spec on MNIST (or --data, --dataset) with the report's recipe (SGD lr {_REPORT.lr}, batch {_REPORT.batch_size}, "
        f"{_REPORT.epochs} epochs, seed {_REPORT.seed}) and write its run directory.")


def add_arguments(parser):
    parser.add_argument("file", metavar="SPEC", help="the .cnn file to train")
    add_training_arguments(parser)
    parser.add_argument("--out", metavar="DIR",
                        help="the run directory (default: runs/<spec name>-<timestamp>)")
    parser.add_argument("--resume", action="store_true",
                        help="continue the run in --out DIR from its last finished epoch, with "
                             "its own settings; --epochs may raise the total, also of a finished "
                             "run (the same epochs: nothing to do; fewer: an error)")


def add_training_arguments(parser) -> None:
    """The recipe's options, shared by `train` and `compare`; None means the report's value."""
    from cnnspec.training.recipe import DISTRIBUTE, SPLITS

    report = _REPORT
    group = parser.add_argument_group("training (defaults: the report's general setup)")
    group.add_argument("--epochs", type=positive_int, metavar="N", help=f"default {report.epochs}")
    group.add_argument("--batch-size", type=positive_int, metavar="N",
                       help=f"default {report.batch_size}")
    group.add_argument("--lr", type=positive_float, metavar="RATE",
                       help=f"SGD learning rate, default {report.lr}")
    group.add_argument("--seed", type=seed, metavar="N",
                       help=f"for initialisation, the split and shuffling; default {report.seed}")
    group.add_argument("--split", choices=SPLITS,
                       help="fold: the report's first of 5 folds, 48,000 train / 12,000 "
                            "validation (default); full: all 60,000 train, as in its 2.b")
    group.add_argument("--limit", type=positive_int, metavar="N",
                       help="train on the first N training images only (smoke tests)")
    add_data_arguments(group)
    group.add_argument("--distribute", choices=DISTRIBUTE,
                       help="mirrored: tf.distribute.MirroredStrategy over all GPUs "
                            "(default: the one best device)")
    add_max_params_argument(group)


def add_data_arguments(parser) -> None:
    """--data and --dataset, shared by the training commands and `evaluate`."""
    from cnnspec.training.recipe import DATASETS

    parser.add_argument("--data", metavar="PATH",
                        help="an .npz with x_train, y_train, x_test, y_test (MNIST's own, see "
                             "`cnnspec data`, or any image size, channels and classes), or a "
                             "folder with one subfolder of images per class (default: MNIST)")
    parser.add_argument("--dataset", choices=DATASETS,
                        help="a keras.datasets set, downloaded once and cached (default: mnist)")


def add_max_params_argument(parser) -> None:
    parser.add_argument("--max-params", type=positive_int, metavar="N",
                        help="refuse a model with more parameters (default: what fits in free memory; "
                             "a model that needs more memory than is free is refused either way)")


def config_from_args(args, out: str | None, resume: bool):
    """A TrainConfig from the options given; on resume, the run's stored ones fill the rest."""
    from cnnspec.training.recipe import TrainConfig
    from cnnspec.training.trainer import resume_config

    given = {"epochs": args.epochs, "batch_size": args.batch_size, "lr": args.lr,
             "seed": args.seed, "split": args.split, "limit": args.limit, "data": args.data, "dataset": args.dataset,
             "distribute": args.distribute, "max_params": args.max_params}
    if resume:
        return resume_config(out, **given)
    return TrainConfig(**{name: value for name, value in given.items() if value is not None},
                       out=out)


def run(args) -> int:
    from cnnspec.training.trainer import train
    from cnnspec.commands import read_spec

    if args.resume and not args.out:
        raise UsageError("--resume needs --out DIR, the run to continue")
    spec = read_spec(args.file)
    config = config_from_args(args, args.out, args.resume)
    train(spec, config, log=_print, progress_bar=sys.stdout.isatty())
    return 0


def _print(message: str) -> None:
    print(message, flush=True)
