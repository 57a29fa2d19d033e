"""`charter`: the operator's command line, the gateway's areas (`audit`, `parked`) and the deployment's (`topics`,
`keys`)."""

from __future__ import annotations

import sys

from services.gateway.audit import cli as gateway_cli

from . import keys, topics


def main(argv: list[str] | None = None) -> int:
    """Parse and carry out one `charter` command."""
    args = gateway_cli.parser(topics.add_commands, keys.add_commands).parse_args(argv)
    if args.area == "topics":
        return topics.run(args, gateway_cli.settings())
    if args.area == "keys":
        return keys.run(args, gateway_cli.settings())
    return gateway_cli.run(args)


if __name__ == "__main__":
    sys.exit(main())
