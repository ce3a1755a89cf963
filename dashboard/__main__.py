"""Command line: ``python -m dashboard COMMAND ...`` (``--help`` lists them).

Each command lives in ``dashboard/commands/<name>.py`` with ``add_parser(subparsers)``
and ``run(args) -> int``. A store that is in use or cannot be opened ends every
command the same way: one ``error:`` line on standard error and exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

COMMANDS = ("export", "ingest", "boundaries", "changes", "brief", "rivalry", "match", "bench")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard",
        description="Militant-violence dashboard for Khyber Pakhtunkhwa and Afghanistan: command line.",
        epilog="Run the app with: streamlit run dashboard/app.py",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = {}
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"dashboard.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"dashboard.commands.{name}":
                continue
            raise
        module.add_parser(sub)
        modules[name] = module
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    from .store.db import StoreError, StoreLockedError

    try:
        return int(modules[args.command].run(args) or 0)
    except (StoreLockedError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted; nothing half-written was kept (each write is one transaction)", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback for the analyst; DASHBOARD_DEBUG=1 shows it
        if os.environ.get("DASHBOARD_DEBUG"):
            raise
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(f"error: {type(exc).__name__}{': ' + text if text else ''} "
              "(nothing was changed by the failed step; set DASHBOARD_DEBUG=1 for details)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
