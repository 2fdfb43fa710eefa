"""`python -m planner ...`: the core for batch use, scripts and tests.

Each feature registers its subcommands in its own module of this package (a `register(subparsers)`
function), listed in COMMAND_MODULES; this module only parses, dispatches and turns every user error into one
clear line on stderr with exit code 2, in Vietnamese unless `--lang en` is given anywhere on the line.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from planner.cli.output import fail
from planner.core.errors import PlannerError
from planner.core.i18n import DEFAULT_LANG, Lang, t

COMMAND_MODULES: tuple[str, ...] = (
    "planner.cli.methodology",
    "planner.cli.field",
    "planner.cli.optimise",
    "planner.cli.files",
    "planner.cli.store",
    "planner.cli.review",
    "planner.cli.combine",
)
#: Which module registers each command, so that running one command imports only its module (the store
#: pulls in SQLAlchemy, the optimiser SciPy: a `score` call should not pay for them). A command missing
#: here still works: the parser then imports every module.
COMMAND_OWNERS: dict[str, str] = {
    "methodologies": "planner.cli.methodology",
    "score": "planner.cli.methodology",
    "methodology": "planner.cli.methodology",
    "baseline": "planner.cli.methodology",
    "rank": "planner.cli.field",
    "optimise": "planner.cli.optimise",
    "plan": "planner.cli.optimise",
    "template": "planner.cli.files",
    "scenarios": "planner.cli.store",
    "review": "planner.cli.review",
    "combine": "planner.cli.combine",
}

Handler = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """A command line argparse cannot make sense of."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser with every command, or, when `command` is known, with just the module that owns it."""
    parser = _Parser(
        prog="python -m planner", description="PAR Planner: PAR INDEX scenarios, ranks and plans."
    )
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    owner = COMMAND_OWNERS.get(command or "")
    for name in (owner,) if owner else COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(subparsers)
    return parser


def _split_lang(argv: list[str]) -> tuple[Lang, list[str]]:
    lang: Lang = DEFAULT_LANG
    rest: list[str] = []
    skip = False
    for i, arg in enumerate(argv):
        if skip:
            skip = False
            continue
        if arg == "--lang" and i + 1 < len(argv):
            lang = "en" if argv[i + 1].lower().startswith("en") else "vi"
            skip = True
        elif arg.startswith("--lang="):
            lang = "en" if arg.split("=", 1)[1].lower().startswith("en") else "vi"
        else:
            rest.append(arg)
    return lang, rest


def main(argv: Sequence[str] | None = None) -> int:
    lang, args = _split_lang(list(sys.argv[1:] if argv is None else argv))
    command = next((a for a in args if not a.startswith("-")), None)
    parser = build_parser(command)
    try:
        namespace = parser.parse_args(args)
    except UsageError as exc:
        return fail(t("cli.usage_error", lang, detail=str(exc)))
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    namespace.lang = lang
    handler: Handler = namespace.run
    try:
        return handler(namespace)
    except PlannerError as exc:
        return fail(exc.one_line(lang))
    except FileNotFoundError as exc:
        return fail(t("cli.file_not_found", lang, path=exc.filename or str(exc)))
    except (IsADirectoryError, PermissionError) as exc:
        return fail(t("cli.file_unreadable", lang, path=getattr(exc, "filename", "") or str(exc)))
    except BrokenPipeError:
        return 0
