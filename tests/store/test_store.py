"""The scenario store, against a real SQLite file always and a real PostgreSQL server when one can be started.

Every test that takes `store` or `store_url` runs on both backends: the same code must behave the same way.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import unicodedata
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text

from planner.core.errors import ImportFileError, ScenarioError, StoreError
from planner.methodology.scenario import ItemSetting, Scenario, scenario_from_json
from planner.store import ScenarioStore, StoreConflictError, data_home, database_url
from planner.store.engine import create_store_engine
from planner.store.migrate import VERSION_TABLE, current_revision, head_revision, upgrade
from planner.store.models import Base
from planner.store.paths import DATA_HOME_ENV, DATABASE_URL_ENV

ROOT = Path(__file__).resolve().parents[2]


def lao_cai(name: str = "Lào Cai 2024 – mục tiêu top 10", marker: str = "") -> Scenario:
    return Scenario(
        name=name,
        province="Lào Cai",
        year=2024,
        items={
            "1.1.1": ItemSetting(level="yes", note="Đã ban hành kế hoạch"),
            "2.3": ItemSetting(value=95.5),
            "4.2.1": ItemSetting(points=Decimal("0.75")),
        },
        notes=marker,
    )


# Saving and reading -------------------------------------------------------------------------------------


def test_a_created_scenario_reads_back_identically_with_its_metadata(store: ScenarioStore) -> None:
    scenario = lao_cai()
    stored = store.create(scenario, owner="Sở Nội vụ Lào Cai", note="bản đầu")
    again = store.get(stored.id)
    assert again.scenario == scenario
    assert again.version_number == 1 and again.current_version == 1 and again.is_current
    summary = again.summary
    assert (summary.name, summary.owner, summary.province, summary.year) == (
        "Lào Cai 2024 – mục tiêu top 10",
        "Sở Nội vụ Lào Cai",
        "Lào Cai",
        2024,
    )
    assert summary.methodology == "qd2636-2018"
    assert summary.created_at.tzinfo is not None and summary.created_at.utcoffset() == timedelta(0)
    assert again.version.saved_by == "Sở Nội vụ Lào Cai" and again.version.note == "bản đầu"
    assert str(uuid.UUID(stored.id)) == stored.id


def test_every_save_is_a_new_version_and_old_versions_never_change(store: ScenarioStore) -> None:
    first = store.create(lao_cai(marker="v1"), owner="An")
    second = store.save(first.id, lao_cai(marker="v2"), owner="Bình", expected_version=1)
    third = store.save(second.id, lao_cai(marker="v3"), owner="An", expected_version=2, note="sau họp")
    assert [second.version_number, third.version_number] == [2, 3]
    assert [store.get(first.id, v).scenario.notes for v in (1, 2, 3)] == ["v1", "v2", "v3"]
    assert store.get(first.id).scenario.notes == "v3"
    history = store.history(first.id)
    assert [(v.version, v.saved_by, v.note) for v in history] == [
        (3, "An", "sau họp"),
        (2, "Bình", ""),
        (1, "An", ""),
    ]
    assert store.get(first.id, 1).is_current is False
    assert history[0].saved_at >= history[1].saved_at >= history[2].saved_at
    assert store.list_scenarios()[0].updated_at == history[0].saved_at


def test_a_save_on_top_of_an_older_version_is_refused_with_the_newer_one_attached(
    store: ScenarioStore,
) -> None:
    first = store.create(lao_cai(marker="v1"), owner="An")
    store.save(first.id, lao_cai(marker="Bình's edit"), owner="Bình", expected_version=1)
    with pytest.raises(StoreConflictError) as info:
        store.save(first.id, lao_cai(marker="An's stale edit"), owner="An", expected_version=1)
    conflict = info.value
    assert conflict.key == "store.conflict" and isinstance(conflict, StoreError)
    assert conflict.current.version_number == 2 and conflict.current.version.saved_by == "Bình"
    assert conflict.current.scenario.notes == "Bình's edit" and conflict.expected_version == 1
    assert "Bình" in conflict.message("vi") and "phiên bản 2" in conflict.message("vi")
    assert "version 2" in conflict.message("en")
    assert len(store.history(first.id)) == 2, "nothing may be written on a conflict"
    assert store.get(first.id).scenario.notes == "Bình's edit"

    copy = store.save_as_copy(first.id, lao_cai(marker="An's stale edit"), owner="An")
    assert copy.id != first.id and copy.version_number == 1
    assert copy.name == "Lào Cai 2024 – mục tiêu top 10 (bản sao)" and copy.summary.copied_from == first.id
    assert copy.scenario.notes == "An's stale edit"
    assert store.save_as_copy(first.id, lao_cai(), "An", lang="en").name.endswith("(copy)")
    assert store.save_as_copy(first.id, lao_cai(), "An", name="Phương án B").name == "Phương án B"


def test_restore_appends_the_old_content_as_a_new_version(store: ScenarioStore) -> None:
    first = store.create(lao_cai(name="Tên cũ", marker="v1"), owner="An")
    store.save(first.id, lao_cai(name="Tên mới", marker="v2"), owner="An", expected_version=1)
    restored = store.restore(first.id, 1, owner="Bình", note="quay lại")
    assert restored.version_number == 3 and restored.version.restored_from == 1
    assert restored.scenario == store.get(first.id, 1).scenario and restored.name == "Tên cũ"
    assert store.get(first.id, 2).scenario.notes == "v2", "restoring keeps the version it replaced"
    assert store.history(first.id)[0].restored_from == 1
    with pytest.raises(StoreConflictError):
        store.restore(first.id, 2, owner="An", expected_version=2)
    with pytest.raises(StoreError) as info:
        store.restore(first.id, 9, owner="An")
    assert info.value.key == "store.version_not_found"
    assert len(store.history(first.id)) == 3


def test_rename_is_a_version_and_an_empty_name_in_a_save_keeps_the_stored_one(store: ScenarioStore) -> None:
    first = store.create(lao_cai(name="Kịch bản A"), owner="An")
    renamed = store.rename(first.id, "  Kịch bản   B ", owner="An")
    assert (
        renamed.name == "Kịch bản B" and renamed.version_number == 2 and renamed.scenario.name == "Kịch bản B"
    )
    assert store.rename(first.id, "Kịch bản B", owner="An").version_number == 2, "same name: nothing to save"
    saved = store.save(first.id, lao_cai(name=""), owner="An", expected_version=2)
    assert saved.name == "Kịch bản B" and saved.scenario.name == "Kịch bản B"
    with pytest.raises(StoreError) as info:
        store.rename(first.id, " \t ", owner="An")
    assert info.value.key == "store.name_empty"


def test_delete_hides_a_scenario_and_keeps_every_version(store: ScenarioStore) -> None:
    kept = store.create(lao_cai(name="Giữ lại"), owner="An")
    gone = store.create(lao_cai(name="Bỏ đi"), owner="An")
    store.save(gone.id, lao_cai(name="Bỏ đi", marker="v2"), owner="An", expected_version=1)
    store.delete(gone.id)
    assert [s.id for s in store.list_scenarios()] == [kept.id]
    assert {s.id for s in store.list_scenarios(include_deleted=True)} == {kept.id, gone.id}
    assert store.get(gone.id).summary.deleted and len(store.history(gone.id)) == 2
    with pytest.raises(StoreError) as info:
        store.save(gone.id, lao_cai(), owner="An", expected_version=2)
    assert info.value.key == "store.deleted"
    store.undelete(gone.id)
    assert {s.id for s in store.list_scenarios()} == {kept.id, gone.id}
    assert store.save(gone.id, lao_cai(), owner="An", expected_version=2).version_number == 3


def test_the_list_is_newest_first_and_filters_by_owner(store: ScenarioStore) -> None:
    a = store.create(lao_cai(name="A"), owner="Sở Nội vụ")
    b = store.create(lao_cai(name="B"), owner="Văn phòng UBND")
    c = store.create(lao_cai(name="C"), owner="Sở Nội vụ")
    store.save(a.id, lao_cai(name="A"), owner="Sở Nội vụ", expected_version=1)
    assert [s.name for s in store.list_scenarios()] == ["A", "C", "B"]
    assert [s.id for s in store.list_scenarios(owner="Sở Nội vụ")] == [a.id, c.id]
    assert [s.id for s in store.list_scenarios(owner=" Văn phòng  UBND ")] == [b.id]
    assert store.list_scenarios(owner="Không ai") == []


def test_unknown_ids_and_versions_are_clear_errors(store: ScenarioStore) -> None:
    unknown = str(uuid.uuid4())
    for call in (
        lambda: store.get(unknown),
        lambda: store.history(unknown),
        lambda: store.save(unknown, lao_cai(), "An", expected_version=1),
        lambda: store.restore(unknown, 1, "An"),
        lambda: store.delete(unknown),
    ):
        with pytest.raises(StoreError) as info:
            call()
        assert info.value.key == "store.not_found" and unknown in info.value.message("vi")
    stored = store.create(lao_cai(), "An")
    with pytest.raises(StoreError) as version_info:
        store.get(stored.id, 2)
    assert version_info.value.key == "store.version_not_found"
    assert "phiên bản 2" in version_info.value.message("vi")


def test_short_ids_resolve_when_unambiguous(store: ScenarioStore, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = iter(["abcd1234-0000-4000-8000-000000000001", "abcd9999-0000-4000-8000-000000000002"])
    monkeypatch.setattr("planner.store.repository.uuid.uuid4", lambda: uuid.UUID(next(ids)))
    first = store.create(lao_cai(name="Một"), "An")
    second = store.create(lao_cai(name="Hai"), "An")
    assert store.resolve_id("ABCD1") == first.id
    assert store.resolve_id(second.id) == second.id
    for bad, key in (("abcd", "store.ambiguous_id"), ("abc", "store.not_found"), ("ffff", "store.not_found")):
        with pytest.raises(StoreError) as info:
            store.resolve_id(bad)
        assert info.value.key == key
    with pytest.raises(StoreError):
        store.resolve_id("abcd%")  # LIKE wildcards are refused, not interpreted


# Names are labels, never paths -------------------------------------------------------------------------

HOSTILE_NAMES = [
    "../../etc/passwd",
    "..\\..\\Windows\\win.ini",
    "CON",
    "NUL.txt",
    "a/b",
    "/tmp/evil",
    "C:\\evil",
    "~/x",
    "$(touch pwned)",
    "' OR 1=1; DROP TABLE scenario; --",
    '=HYPERLINK("http://x")',
    "<script>alert(1)</script>",
]


def test_names_that_look_like_paths_are_stored_as_plain_text_and_create_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "data-home"
    monkeypatch.setenv(DATA_HOME_ENV, str(home))
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    with ScenarioStore.open() as store:
        ids = {name: store.create(lao_cai(name=name), owner=name[:100]).id for name in HOSTILE_NAMES}
        for name, scenario_id in ids.items():
            stored = store.get(scenario_id)
            assert (stored.name, stored.scenario.name, stored.summary.owner) == (name, name, name[:100])
        assert {s.name for s in store.list_scenarios()} == set(HOSTILE_NAMES)
        nul = store.create(lao_cai(name="bad\x00name\u202e"), owner="a\x00b")
        assert (store.get(nul.id).name, store.get(nul.id).summary.owner) == ("bad name", "a b")
        with pytest.raises(StoreError) as info:
            store.create(lao_cai(name="\x00"), owner="An")
        assert info.value.key == "store.name_empty"
    created = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert created == ["data-home", "data-home/scenarios.sqlite3"], created
    assert not Path("/tmp/evil").exists()


def test_names_are_unicode_normalised_so_the_same_vietnamese_name_is_one_name(store: ScenarioStore) -> None:
    decomposed = unicodedata.normalize("NFD", "Quảng Ngãi")
    stored = store.create(lao_cai(name=decomposed), owner=decomposed)
    assert stored.name == "Quảng Ngãi" and stored.summary.owner == "Quảng Ngãi"
    assert [s.id for s in store.list_scenarios(owner="Quảng Ngãi")] == [stored.id]
    with pytest.raises(StoreError) as info:
        store.create(lao_cai(), owner="An", name="x" * 201)
    assert info.value.key == "store.name_too_long"


# Autosave ----------------------------------------------------------------------------------------------


def test_autosave_replaces_the_working_copy_and_survives_a_restart(store_url: str) -> None:
    with ScenarioStore.open(store_url) as store:
        assert store.load_autosave("phiên-1") is None
        stored = store.create(lao_cai(), "An")
        store.autosave("phiên-1", lao_cai(marker="draft 1"), scenario_id=stored.id, base_version=1)
        saved_at = store.autosave("phiên-1", lao_cai(marker="draft 2"), scenario_id=stored.id, base_version=1)
        store.autosave("phiên-2", lao_cai(marker="other tab"))
    with ScenarioStore.open(store_url) as reopened:  # a server restart
        working = reopened.load_autosave("phiên-1")
        assert working is not None
        assert (working.scenario.notes, working.scenario_id, working.base_version) == (
            "draft 2",
            stored.id,
            1,
        )
        assert working.updated_at == saved_at and working.scenario == lao_cai(marker="draft 2")
        other = reopened.load_autosave("phiên-2")
        assert other is not None and other.scenario_id is None and other.scenario.notes == "other tab"
        reopened.clear_autosave("phiên-1")
        assert reopened.load_autosave("phiên-1") is None
        assert reopened.prune_autosaves(timedelta(days=1)) == 0
        assert reopened.prune_autosaves(timedelta(seconds=-1)) == 1
        assert reopened.load_autosave("phiên-2") is None
        for bad in ("", "x" * 201, "a\x00b", "tab\tkey"):
            with pytest.raises(StoreError) as info:
                reopened.autosave(bad, lao_cai())
            assert info.value.key == "store.bad_session_key"


# Files -------------------------------------------------------------------------------------------------


def test_export_then_import_gives_back_the_same_scenario(store: ScenarioStore, tmp_path: Path) -> None:
    first = store.create(lao_cai(marker="v1"), "An")
    store.save(first.id, lao_cai(marker="v2"), "An", expected_version=1)
    folder = tmp_path / "exports"
    folder.mkdir()
    out = store.export_json(first.id, folder / "xuất.json", version=1)
    assert sorted(p.name for p in folder.iterdir()) == ["xuất.json"], "no temporary file may be left"
    assert scenario_from_json(out.read_bytes()) == lao_cai(marker="v1")
    imported = store.import_json(out, owner="Bình")
    assert imported.id != first.id and imported.scenario == lao_cai(marker="v1")
    assert imported.summary.owner == "Bình" and imported.name == lao_cai().name


def test_import_names_an_unnamed_scenario_after_its_file(store: ScenarioStore, tmp_path: Path) -> None:
    path = tmp_path / "Phương án tăng tốc.json"
    path.write_text(lao_cai(name="").to_json(), encoding="utf-8")
    assert store.import_json(path, owner="An").name == "Phương án tăng tốc"
    assert store.import_json(path, owner="An", name="Tên khác").name == "Tên khác"


def test_json_and_excel_files_are_named_after_their_file_by_one_rule(
    store: ScenarioStore, tmp_path: Path
) -> None:
    from planner.files.excel.scenario import write_scenario_workbook
    from planner.methodology.catalog import load_bundled_methodology

    stem = "Phương án " + "x" * 230  # longer than a name may be: cut to it, not refused
    unnamed = Scenario(name="", province="Lào Cai", year=2024, items={"2.3": ItemSetting(value=95.5)})
    (tmp_path / f"{stem}.json").write_text(unnamed.to_json(), encoding="utf-8")
    (tmp_path / f"{stem}.xlsx").write_bytes(
        write_scenario_workbook(load_bundled_methodology(unnamed.methodology), unnamed)
    )
    names = {
        store.import_file(tmp_path / f"{stem}{suffix}", owner="An").name for suffix in (".json", ".xlsx")
    }
    assert names == {stem[:200]}


def test_bad_json_files_are_refused_and_nothing_is_saved(store: ScenarioStore, tmp_path: Path) -> None:
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({**json.loads(lao_cai().to_json()), "schema_version": 99}), encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_bytes(lao_cai().to_json().encode()[:50])
    huge = tmp_path / "huge.json"
    huge.write_bytes(b" " * (5 * 1024 * 1024 + 1))
    for path, error, key in (
        (newer, ScenarioError, "scenario.newer_schema"),
        (broken, ScenarioError, "scenario.bad_json"),
        (huge, ImportFileError, "excel.too_large"),
    ):
        with pytest.raises(error) as info:
            store.import_json(path, owner="An")
        assert info.value.key == key
    assert store.list_scenarios(include_deleted=True) == []


# Concurrency -------------------------------------------------------------------------------------------


def test_concurrent_saves_lose_no_version(store_url: str) -> None:
    """Eight writers, each with its own connection pool, race read-modify-write saves on one scenario: every
    attempt either lands as its own version or gets a clean conflict, and the history holds exactly the landed
    ones, each with the content its writer saved."""
    writers, attempts = 8, 12
    with ScenarioStore.open(store_url) as setup:
        scenario_id = setup.create(lao_cai(marker="start"), "setup").id
    landed: dict[int, str] = {}
    conflicts: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(writers)

    def writer(number: int) -> None:
        try:
            with ScenarioStore.open(store_url) as store:
                barrier.wait()
                for attempt in range(attempts):
                    marker = f"w{number}-a{attempt}"
                    current = store.get(scenario_id).current_version
                    try:
                        saved = store.save(scenario_id, lao_cai(marker=marker), f"w{number}", current)
                    except StoreConflictError:
                        with lock:
                            conflicts.append(marker)
                        continue
                    with lock:
                        assert saved.version_number not in landed
                        landed[saved.version_number] = marker
        except BaseException as exc:  # reported below, with the thread's traceback
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(landed) + len(conflicts) == writers * attempts
    assert len(landed) >= attempts, "at least one writer must make progress each round"
    with ScenarioStore.open(store_url) as store:
        history = store.history(scenario_id)
        assert [v.version for v in history] == list(range(len(landed) + 1, 0, -1))
        assert store.get(scenario_id).current_version == len(landed) + 1
        for version, marker in landed.items():
            assert store.get(scenario_id, version).scenario.notes == marker


def test_concurrent_saves_that_retry_on_conflict_all_land(store: ScenarioStore) -> None:
    writers, saves = 6, 5
    scenario_id = store.create(lao_cai(), "setup").id
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            for n in range(saves):
                while True:
                    current = store.get(scenario_id).current_version
                    try:
                        store.save(scenario_id, lao_cai(marker=f"{number}-{n}"), f"w{number}", current)
                        break
                    except StoreConflictError:
                        continue
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    notes = sorted(store.get(scenario_id, v).scenario.notes for v in range(2, writers * saves + 2))
    assert notes == sorted(f"{w}-{n}" for w in range(writers) for n in range(saves))
    assert store.get(scenario_id).current_version == writers * saves + 1


def test_concurrent_autosaves_and_creates_never_fail_or_mix(store: ScenarioStore) -> None:
    errors: list[BaseException] = []

    def worker(number: int) -> None:
        try:
            for n in range(10):
                store.autosave("shared-key", lao_cai(marker=f"{number}-{n}"))
                store.autosave(f"own-{number}", lao_cai(marker=f"{number}-{n}"))
                store.create(lao_cai(name=f"T{number}-{n}"), f"w{number}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    shared = store.load_autosave("shared-key")
    assert shared is not None and shared.scenario.notes.endswith("-9")
    for number in range(6):
        own = store.load_autosave(f"own-{number}")
        assert own is not None and own.scenario.notes == f"{number}-9"
    assert len(store.list_scenarios()) == 60


def test_several_processes_opening_a_new_database_at_once_migrate_it_once(store_url: str) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(5)

    def opener() -> None:
        try:
            barrier.wait()
            with ScenarioStore.open(store_url) as store:
                store.create(lao_cai(), "An")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    with ScenarioStore.open(store_url) as store:
        assert len(store.list_scenarios()) == 5
        with store.engine.connect() as connection:
            assert current_revision(connection) == head_revision()


# A process killed while saving ------------------------------------------------------------------------

KILLED_SAVER = textwrap.dedent(
    """
    import sys, time
    from sqlalchemy import event
    from sqlalchemy.orm import Session
    from planner.methodology.scenario import ItemSetting, Scenario
    from planner.store import ScenarioStore

    url, scenario_id, hang_after = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = ScenarioStore.open(url)
    committed = 0

    @event.listens_for(Session, "after_flush")
    def hang_inside_the_transaction(session, context):
        if hang_after >= 0 and committed >= hang_after:
            print("IN_TRANSACTION", flush=True)
            time.sleep(600)

    items = {f"{a}.{c}.{s}": ItemSetting(level="yes", note="x" * 200) for a in range(1, 9) for c in range(1, 6)
             for s in range(1, 4)}
    current = store.get(scenario_id).current_version
    print("READY", flush=True)
    while True:
        version = current + 1
        saved = store.save(scenario_id, Scenario(name="Kill test", items=items, notes=f"v{version}"), "killed",
                           expected_version=current)
        current = saved.version_number
        committed += 1
        print(f"COMMITTED {current}", flush=True)
        store.autosave("killed-session", Scenario(name="Kill test", items=items, notes=f"auto {current}"))
    """
)


def _run_and_kill(url: str, scenario_id: str, hang_after: int, kill_after: float, script: Path) -> list[int]:
    """Run the saver, SIGKILL it (inside a transaction when `hang_after` >= 0, else after `kill_after` s of
    saving), and return the versions it reported committed."""
    in_transaction = False
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, str(script), url, scenario_id, str(hang_after)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    committed: list[int] = []
    deadline = time.monotonic() + 60
    started: float | None = None
    try:
        while time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            if line.startswith("READY"):
                started = time.monotonic()
            elif line.startswith("COMMITTED"):
                committed.append(int(line.split()[1]))
            elif line.startswith("IN_TRANSACTION"):
                in_transaction = True
                break
            if hang_after < 0 and started is not None and time.monotonic() - started >= kill_after:
                break
    finally:
        child.send_signal(signal.SIGKILL)
        rest, errors = child.communicate(timeout=30)
    committed += [int(line.split()[1]) for line in rest.splitlines() if line.startswith("COMMITTED")]
    assert child.returncode == -signal.SIGKILL, errors
    assert in_transaction or hang_after < 0, "the saver should have been caught inside its transaction"
    return committed


@pytest.mark.slow
def test_a_process_killed_while_saving_leaves_the_database_consistent(store_url: str, tmp_path: Path) -> None:
    script = tmp_path / "saver.py"
    script.write_text(KILLED_SAVER, encoding="utf-8")
    with ScenarioStore.open(store_url) as store:
        scenario_id = store.create(Scenario(name="Kill test", notes="v1"), "setup").id

    reported: list[int] = []
    runs = [(3, 0.0), (-1, 0.7), (-1, 1.3), (0, 0.0)]  # killed inside a transaction, then at random moments
    for hang_after, kill_after in runs:
        reported += _run_and_kill(store_url, scenario_id, hang_after, kill_after, script)
        with ScenarioStore.open(store_url) as store:
            if store_url.startswith("sqlite"):
                with store.engine.connect() as connection:
                    assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            current = store.get(scenario_id).current_version
            history = store.history(scenario_id)
            assert [v.version for v in history] == list(range(current, 0, -1)), "versions must be contiguous"
            assert set(reported) <= {v.version for v in history}, "a reported commit was lost"
            for version in range(1, current + 1):
                assert store.get(scenario_id, version).scenario.notes == f"v{version}"
            autosaved = store.load_autosave("killed-session")
            assert autosaved is None or autosaved.scenario.notes.startswith("auto ")
            # The killed writer's lock is gone: a new save goes through at once.
            assert store.save(
                scenario_id, Scenario(name="Kill test", notes=f"v{current + 1}"), "after", current
            )
    assert len(reported) >= 6, "the saver should have committed several versions before being killed"


# Migrations --------------------------------------------------------------------------------------------


def test_a_database_at_the_first_revision_is_upgraded_with_its_data_intact(store_url: str) -> None:
    engine = create_store_engine(store_url)
    try:
        upgrade(engine, "0001")
        with engine.begin() as connection:
            assert current_revision(connection) == "0001"
            connection.execute(
                text(
                    "INSERT INTO scenario (id, name, owner, methodology, province, year, created_at, updated_at,"
                    " current_version, deleted) VALUES ('11111111-2222-4333-8444-555555555555', 'Từ bản cũ',"
                    " 'Sở Nội vụ', 'qd2636-2018', 'Hà Giang', 2021, :t, :t, 2, :f)"
                ),
                {"t": "2021-05-01 08:00:00", "f": False},
            )
            for version, notes in ((1, "đầu"), (2, "sau")):
                connection.execute(
                    text(
                        "INSERT INTO scenario_version (scenario_id, version, name, content, saved_at, saved_by, note)"
                        " VALUES ('11111111-2222-4333-8444-555555555555', :v, 'Từ bản cũ', :c, :t, 'Sở Nội vụ', '')"
                    ),
                    {
                        "v": version,
                        "c": lao_cai(name="Từ bản cũ", marker=notes).to_json(),
                        "t": "2021-05-01 08:00:00",
                    },
                )
    finally:
        engine.dispose()

    with ScenarioStore.open(store_url) as store:
        old_id = "11111111-2222-4333-8444-555555555555"
        with store.engine.connect() as connection:
            assert current_revision(connection) == head_revision()
        stored = store.get(old_id)
        assert (stored.name, stored.summary.province, stored.summary.year) == ("Từ bản cũ", "Hà Giang", 2021)
        assert stored.scenario.notes == "sau" and store.get(old_id, 1).scenario.notes == "đầu"
        assert stored.summary.created_at == datetime(2021, 5, 1, 8, 0, tzinfo=UTC)
        assert [v.restored_from for v in store.history(old_id)] == [None, None]
        assert store.save(old_id, lao_cai(marker="mới"), "An", expected_version=2).version_number == 3
        assert store.restore(old_id, 1, "An").version.restored_from == 1
        store.autosave("k", lao_cai())  # the table added by revision 0002 works on the upgraded database


def test_the_migrations_build_exactly_the_schema_the_models_describe(store_url: str) -> None:
    with ScenarioStore.open(store_url) as store, store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = [
            d for d in compare_metadata(context, Base.metadata) if "par_planner_schema_version" not in str(d)
        ]
        assert diff == []


def test_opening_again_changes_nothing_and_a_newer_database_is_refused(store_url: str) -> None:
    with ScenarioStore.open(store_url) as store:
        store.create(lao_cai(), "An")
    with ScenarioStore.open(store_url) as store:
        assert len(store.list_scenarios()) == 1
        with store.engine.begin() as connection:
            connection.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '9999'"))
    with pytest.raises(StoreError) as info:
        ScenarioStore.open(store_url)
    assert info.value.key == "store.newer_database" and "9999" in info.value.message("vi")


# SQLite settings, locations and unreachable databases ---------------------------------------------------


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    with ScenarioStore.open(f"sqlite:///{tmp_path / 's.db'}") as store, store.engine.connect() as connection:
        pragma = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
        }
    assert pragma == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 15000, "synchronous": 2}


def test_the_data_folder_follows_the_documented_order(tmp_path: Path) -> None:
    home = Path.home()
    assert data_home({DATA_HOME_ENV: "/srv/par", "XDG_DATA_HOME": "/x"}, "linux") == Path("/srv/par")
    assert data_home({"XDG_DATA_HOME": "/x"}, "linux") == Path("/x/par-planner")
    assert data_home({}, "linux") == home / ".local/share/par-planner"
    assert data_home({"APPDATA": "C:/Users/an/AppData/Roaming"}, "win32") == Path(
        "C:/Users/an/AppData/Roaming/par-planner"
    )
    assert data_home({}, "darwin") == home / "Library/Application Support/par-planner"


def test_the_database_url_comes_from_the_argument_then_the_environment_then_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATA_HOME_ENV, str(tmp_path / "home"))
    monkeypatch.setenv(DATABASE_URL_ENV, "sqlite:////elsewhere/x.db")
    assert database_url("sqlite:///given.db") == "sqlite:///given.db"
    assert database_url() == "sqlite:////elsewhere/x.db"
    monkeypatch.delenv(DATABASE_URL_ENV)
    assert database_url() == f"sqlite:///{tmp_path / 'home' / 'scenarios.sqlite3'}"
    assert (tmp_path / "home").is_dir() and (tmp_path / "home").stat().st_mode & 0o777 == 0o700


def test_an_unreachable_or_malformed_database_is_one_clear_error_without_the_password(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as info:
        ScenarioStore.open(f"postgresql://planner:s3cret@/par?host={tmp_path}/no-socket&connect_timeout=2")
    assert info.value.key == "store.unavailable"
    assert "s3cret" not in info.value.message("vi") and "***" in info.value.message("vi")
    with pytest.raises(StoreError) as sqlite_info:
        ScenarioStore.open(f"sqlite:///{tmp_path}/missing/folder/x.db")
    assert sqlite_info.value.key == "store.unavailable"
    with pytest.raises(StoreError) as bad_info:
        ScenarioStore.open("not a url")
    assert bad_info.value.key == "store.bad_url"


def test_closing_the_store_releases_the_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = ScenarioStore.open(f"sqlite:///{path}")
    store.create(lao_cai(), "An")
    assert path.with_name("s.db-wal").exists()
    store.close()
    assert not path.with_name("s.db-wal").exists(), "every connection closed: SQLite folds the WAL back in"
    probe = create_engine(f"sqlite:///{path}")
    with probe.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM scenario_version").scalar() == 1
    probe.dispose()


def test_an_in_memory_store_is_one_database_for_every_thread() -> None:
    with ScenarioStore.open("sqlite://") as store:
        stored = store.create(lao_cai(), "An")
        seen: list[str] = []
        reader = threading.Thread(target=lambda: seen.append(store.get(stored.id).name))
        reader.start()
        reader.join()
        assert seen == [lao_cai().name]
        assert store.save(stored.id, lao_cai(marker="v2"), "An", expected_version=1).version_number == 2
