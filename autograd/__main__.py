"""`python -m autograd explore "tanh(x*w + b)" x=1 w=0.5 b=-0.2 -o page.html`: the explorer's
page for a typed expression, written to one file (no server needed: open it from disk)."""

from __future__ import annotations

import argparse
import re
import sys
import webbrowser

from autograd.explorer import explore
from autograd.explorer.expression import LANGUAGE, parse_expression

_ASSIGNMENT = re.compile(r"([A-Za-z_]\w*)=(.+)\Z", re.ASCII)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograd", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    page = commands.add_parser(
        "explore",
        help="write the backprop explorer's page for an expression",
        description=f"Write the explorer's page for an expression of {LANGUAGE}.",
    )
    page.add_argument("expression", help='for example "tanh(x*w + b)"')
    page.add_argument("values", nargs="*", metavar="NAME=VALUE", help="each name's value: x=1")
    page.add_argument("-o", "--output", default="explorer.html", help="the page to write")
    page.add_argument("--open", action="store_true", help="open the page in a browser")
    args = parser.parse_args(argv)

    values: dict[str, float] = {}
    for assignment in args.values:
        match = _ASSIGNMENT.match(assignment)
        if match is None:
            parser.error(f"cannot read {assignment!r}: give each name's value as NAME=VALUE, x=1")
        try:
            values[match[1]] = float(match[2])
        except ValueError:
            parser.error(f"{match[1]}={match[2]}: {match[2]!r} is not a number")
    try:
        root = parse_expression(args.expression, values)
        explorer = explore(
            root,
            title=f"Backprop explorer: {args.expression}",
            expression=args.expression,
            values=" ".join(f"{name}={value:g}" for name, value in values.items()),
        )
    except ValueError as error:
        parser.error(str(error))
    path = explorer.save(args.output)
    print(f"wrote {path} ({len(explorer.record['nodes'])} nodes); open it in any browser")
    if args.open:
        webbrowser.open(path.resolve().as_uri())
    return 0


if __name__ == "__main__":
    sys.exit(main())
