"""`scenarios ...`: the saved-scenario store from the command line.

    python -m planner scenarios list [--owner NAME] [--all] [--json]
    python -m planner scenarios export ID OUT.json [--version N]
    python -m planner scenarios import FILE [--owner NAME] [--name NAME]
    python -m planner scenarios history ID [--json]
    python -m planner scenarios restore ID VERSION [--owner NAME]
    python -m planner scenarios rename ID NAME [--owner NAME]
    python -m planner scenarios delete ID  |  undelete ID

Every subcommand takes `--database URL` (else PAR_PLANNER_DATABASE_URL, else the per-user SQLite file). An ID
may be shortened to its first characters (at least 4) when that is unambiguous. `import` prints the new
scenario's id alone on stdout, so scripts can capture it. The paths given here are used exactly as typed: this
is the user's own command, unlike the app, which never turns a scenario name into a path.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from planner.cli.output import emit_json
from planner.core.i18n import Lang, t
from planner.store import ScenarioStore, ScenarioSummary, VersionInfo
from planner.store.labels import clean_text


def register(subparsers: Any) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database", metavar="URL", help="SQLAlchemy URL (default: PAR_PLANNER_DATABASE_URL)"
    )

    scenarios = subparsers.add_parser("scenarios", help="saved scenarios: list, export, import, history")
    commands = scenarios.add_subparsers(
        dest="scenarios_command",
        metavar="{list,export,import,history,restore,rename,delete,undelete}",
        required=True,
        parser_class=type(scenarios),
    )

    listing = commands.add_parser("list", parents=[common], help="list saved scenarios")
    listing.add_argument("--owner", help="only the scenarios of this owner label")
    listing.add_argument("--all", action="store_true", help="include deleted scenarios")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(run=run_list)

    export = commands.add_parser("export", parents=[common], help="write a saved scenario to a JSON file")
    export.add_argument("id")
    export.add_argument("out", help="output .json file")
    export.add_argument("--version", type=int, help="a version number (default: the newest)")
    export.set_defaults(run=run_export)

    importing = commands.add_parser("import", parents=[common], help="save a scenario file (.json or .xlsx)")
    importing.add_argument("file")
    importing.add_argument("--owner", default="", help="who saves it (a label)")
    importing.add_argument("--name", help="the name to save it under (default: its own, else the file name)")
    importing.set_defaults(run=run_import)

    history = commands.add_parser("history", parents=[common], help="the versions of a saved scenario")
    history.add_argument("id")
    history.add_argument("--json", action="store_true", help="print JSON")
    history.set_defaults(run=run_history)

    restore = commands.add_parser("restore", parents=[common], help="save an old version as the newest")
    restore.add_argument("id")
    restore.add_argument("version", type=int)
    restore.add_argument("--owner", default="", help="who restores it (a label)")
    restore.set_defaults(run=run_restore)

    rename = commands.add_parser("rename", parents=[common], help="rename a saved scenario")
    rename.add_argument("id")
    rename.add_argument("name")
    rename.add_argument("--owner", default="", help="who renames it (a label)")
    rename.set_defaults(run=run_rename)

    remove = commands.add_parser("delete", parents=[common], help="hide a scenario (its versions are kept)")
    remove.add_argument("id")
    remove.set_defaults(run=run_delete)

    undelete = commands.add_parser("undelete", parents=[common], help="bring a deleted scenario back")
    undelete.add_argument("id")
    undelete.set_defaults(run=run_undelete)


def summary_json(summary: ScenarioSummary) -> dict[str, Any]:
    """The stable JSON form of one listed scenario."""
    return summary.model_dump(mode="json")


def version_json(info: VersionInfo) -> dict[str, Any]:
    return info.model_dump(mode="json")


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _cell(text: str) -> str:
    return clean_text(text).replace("\t", " ")


def _write(line: str) -> None:
    sys.stdout.write(line + "\n")


def run_list(args: argparse.Namespace) -> int:
    lang: Lang = args.lang
    with ScenarioStore.open(args.database) as store:
        rows = store.list_scenarios(args.owner, include_deleted=args.all)
        if args.json:
            emit_json([summary_json(row) for row in rows])
            return 0
        if not rows:
            _write(t("store.cli.empty", lang, url=store.url))
            return 0
    _write(t("store.cli.header_list", lang))
    for row in rows:
        name = _cell(row.name) + (f" ({t('store.cli.deleted_mark', lang)})" if row.deleted else "")
        fields = [row.id, name, _cell(row.owner), _cell(row.province or ""), str(row.year or "")]
        _write("\t".join([*fields, str(row.current_version), _local(row.updated_at)]))
    return 0


def run_export(args: argparse.Namespace) -> int:
    with ScenarioStore.open(args.database) as store:
        scenario_id = store.resolve_id(args.id)
        stored = store.get(scenario_id, args.version)
        path = store.export_json(scenario_id, args.out, stored.version_number)
    _write(
        t("store.cli.exported", args.lang, name=stored.name, version=stored.version_number, path=str(path))
    )
    return 0


def run_import(args: argparse.Namespace) -> int:
    with ScenarioStore.open(args.database) as store:
        stored = store.import_file(args.file, args.owner, name=args.name)
    _write(stored.id)
    return 0


def run_history(args: argparse.Namespace) -> int:
    lang: Lang = args.lang
    with ScenarioStore.open(args.database) as store:
        versions = store.history(store.resolve_id(args.id))
    if args.json:
        emit_json([version_json(v) for v in versions])
        return 0
    _write(t("store.cli.header_history", lang))
    for v in versions:
        note = _cell(v.note)
        if v.restored_from is not None:
            restored = t("store.cli.restored_from", lang, version=v.restored_from)
            note = f"{restored}; {note}" if note else restored
        _write("\t".join([str(v.version), _local(v.saved_at), _cell(v.saved_by), _cell(v.name), note]))
    return 0


def run_restore(args: argparse.Namespace) -> int:
    with ScenarioStore.open(args.database) as store:
        stored = store.restore(store.resolve_id(args.id), args.version, args.owner)
    message = t(
        "store.cli.restored", args.lang, name=stored.name, source=args.version, version=stored.version_number
    )
    _write(message)
    return 0


def run_rename(args: argparse.Namespace) -> int:
    with ScenarioStore.open(args.database) as store:
        stored = store.rename(store.resolve_id(args.id), args.name, args.owner)
    _write(t("store.cli.renamed", args.lang, name=stored.name, version=stored.version_number))
    return 0


def run_delete(args: argparse.Namespace) -> int:
    with ScenarioStore.open(args.database) as store:
        scenario_id = store.resolve_id(args.id)
        store.delete(scenario_id)
        name = store.get(scenario_id).name
    _write(t("store.cli.deleted", args.lang, name=name))
    return 0


def run_undelete(args: argparse.Namespace) -> int:
    with ScenarioStore.open(args.database) as store:
        scenario_id = store.resolve_id(args.id)
        store.undelete(scenario_id)
        name = store.get(scenario_id).name
    _write(t("store.cli.undeleted", args.lang, name=name))
    return 0
