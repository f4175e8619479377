"""Command line: ``python -m rnncore examples [--json]``."""
from __future__ import annotations

import argparse
import json
import sys

from . import examples


def _table(kind: str | None) -> str:
    rows = [(e.id, json.dumps(examples.plain(e.value), ensure_ascii=False), e.expression)
            for e in examples.all_examples(kind)]
    headers = ("id", "value", "expression")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers[:2])]
    lines = [f"{headers[0]:<{widths[0]}}  {headers[1]:<{widths[1]}}  {headers[2]}"]
    lines.append(f"{'-' * widths[0]}  {'-' * widths[1]}  {'-' * len(headers[2])}")
    lines += [f"{i:<{widths[0]}}  {v:<{widths[1]}}  {x}" for i, v, x in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rnncore", description="The worked examples of the RNN guide, computed.")
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("examples", help="print every worked example with its value")
    listing.add_argument("--json", action="store_true", help="a JSON list of {id, kind, title, expression, value, page, ...}")
    listing.add_argument("--kind", choices=(*examples.KINDS, "all"), default="worked",
                         help="worked examples (default), exercises (with question and answer) or all")
    args = parser.parse_args(argv)
    if args.command == "examples":
        kind = None if args.kind == "all" else args.kind
        sys.stdout.write((examples.to_json(kind=kind) if args.json else _table(kind)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
