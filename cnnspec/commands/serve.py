from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = ("The playground: a local web page that checks, tables, draws and trains the .cnn specs "
        "of FOLDER as you type (needs cnnspec[serve]).")


def port(text: str) -> int:
    if not (text.isascii() and text.isdecimal()) or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"a port is a whole number from 0 to 65535, got '{text}'")
    return int(text)


def add_arguments(parser):
    parser.add_argument("folder", nargs="?", default=".", metavar="FOLDER",
                        help="the folder whose .cnn files the page may open and save (default: the current one)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default 127.0.0.1; any other needs the token printed at start-up)")
    parser.add_argument("--port", type=port, default=8000, help="port to bind (default 8000)")


def run(args) -> int:
    if not Path(args.folder).is_dir():
        print(f"cnnspec serve: error: not a folder: {args.folder}", file=sys.stderr)
        return 2
    try:
        from cnnspec.servers.playground import serve
    except ModuleNotFoundError as error:
        print(f"cnnspec serve: error: this needs the '{error.name}' package: pip install 'cnnspec[serve]'",
              file=sys.stderr)
        return 1
    serve(args.folder, args.host, args.port)
    return 0
