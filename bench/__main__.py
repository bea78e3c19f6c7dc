"""Benchmarks: `python -m bench ingest`, `queries`, `commands`, `extract`, `startup` and `fanout` (see docs/benchmarks.md, docs/quality.md)."""

from __future__ import annotations

import argparse
import sys

from bench import commands as command_answers
from bench import extract, fanout, ingest, startup


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    commands = parser.add_subparsers(dest="command", metavar="BENCHMARK", required=True)
    ingest.add_commands(commands)
    command_answers.add_commands(commands)
    extract.add_commands(commands)
    startup.add_commands(commands)
    fanout.add_commands(commands)
    args = parser.parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
