"""The ``gzpower`` command line: the parser and the command handlers. Nothing in the library imports it."""

from gzpower.cli.main import main

__all__ = ["main"]
