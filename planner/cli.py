"""`python -m planner ...`: the core for batch use, scripts and tests.

Each feature registers its subcommands in its own module under planner.commands (a `register(subparsers)`
function), listed in COMMAND_MODULES; this module only parses, dispatches and turns every user error into one
clear line on stderr with exit code 2, in Vietnamese unless `--lang en` is given anywhere on the line.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from planner.errors import PlannerError
from planner.i18n import DEFAULT_LANG, Lang, t

COMMAND_MODULES: tuple[str, ...] = (
    "planner.commands.methodology",
    "planner.commands.field",
    "planner.commands.optimise",
    "planner.commands.files",
    "planner.commands.store",
)
#: Which module registers each command, so that running one command imports only its module (the store
#: pulls in SQLAlchemy, the optimiser SciPy: a `score` call should not pay for them). A command missing
#: here still works: the parser then imports every module.
COMMAND_OWNERS: dict[str, str] = {
    "methodologies": "planner.commands.methodology",
    "score": "planner.commands.methodology",
    "rank": "planner.commands.field",
    "optimise": "planner.commands.optimise",
    "plan": "planner.commands.optimise",
    "template": "planner.commands.files",
    "scenarios": "planner.commands.store",
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


def emit_json(data: Any) -> None:
    """Print `data` as JSON (UTF-8, Vietnamese kept readable)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def fail(message: str) -> int:
    sys.stderr.write(message.replace("\n", " ") + "\n")
    return 2


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
