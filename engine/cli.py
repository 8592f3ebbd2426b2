"""One shape for every console script: a parser whose subcommands each live in their own module.

A subcommand module exposes `register(subparsers)`, which adds its parser and sets `func`
(taking the parsed arguments and returning the exit code).
"""

import argparse
from collections.abc import Sequence
from functools import cache
from importlib import import_module, metadata


@cache
def package_version() -> str:
    """The installed version, read once: the code running is the one loaded at start (and
    reading the package metadata took 0.2 ms per health check)."""
    try:
        return metadata.version("pix-kiosk")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def dispatch(
    prog: str, description: str, package: str, modules: Sequence[str], argv: list[str] | None
) -> int:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--version", action="version", version=f"{prog} {package_version()}")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in modules:
        import_module(f"{package}.{name}").register(subparsers)
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)
