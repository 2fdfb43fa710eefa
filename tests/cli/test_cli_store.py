"""`python -m planner scenarios ...` run as a real subprocess against a temporary SQLite store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from planner.methodology.scenario import ItemSetting, Scenario, scenario_from_json
from planner.store import ScenarioStore

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli-store.sqlite3'}"


def planner(database: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PAR_PLANNER_DATABASE_URL": database, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "planner", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


def ha_giang(notes: str = "", name: str = "Hà Giang 2025 – bứt phá") -> Scenario:
    return Scenario(
        name=name,
        province="Hà Giang",
        year=2025,
        items={"1.1.1": ItemSetting(level="yes"), "3.2": ItemSetting(value=98.0)},
        notes=notes,
    )


@pytest.mark.slow
def test_import_prints_the_new_id_and_list_shows_it(database: str, tmp_path: Path) -> None:
    source = tmp_path / "kịch bản.json"
    source.write_text(ha_giang().to_json(), encoding="utf-8")
    imported = planner(database, "scenarios", "import", str(source), "--owner", "Sở Nội vụ Hà Giang")
    assert imported.returncode == 0, imported.stderr
    new_id = imported.stdout.strip()
    with ScenarioStore.open(database) as store:
        stored = store.get(new_id)
        assert stored.scenario == ha_giang() and stored.summary.owner == "Sở Nội vụ Hà Giang"

    listed = planner(database, "scenarios", "list")
    assert listed.returncode == 0, listed.stderr
    header, row = listed.stdout.splitlines()
    assert header.split("\t")[:3] == ["mã", "tên", "người lưu"]
    assert row.split("\t")[:6] == [
        new_id,
        "Hà Giang 2025 – bứt phá",
        "Sở Nội vụ Hà Giang",
        "Hà Giang",
        "2025",
        "1",
    ]

    as_json = planner(database, "scenarios", "list", "--json", "--owner", "Sở Nội vụ Hà Giang")
    [entry] = json.loads(as_json.stdout)
    assert (entry["id"], entry["name"], entry["current_version"], entry["deleted"]) == (
        new_id,
        "Hà Giang 2025 – bứt phá",
        1,
        False,
    )


def test_export_writes_the_chosen_version_and_accepts_a_short_id(database: str, tmp_path: Path) -> None:
    with ScenarioStore.open(database) as store:
        first = store.create(ha_giang(notes="v1"), "An")
        store.save(first.id, ha_giang(notes="v2"), "An", expected_version=1)
    out = tmp_path / "out" / "hà giang.json"
    out.parent.mkdir()
    result = planner(
        database, "scenarios", "export", first.id[:8], str(out), "--version", "1", "--lang", "en"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Exported “Hà Giang 2025 – bứt phá” version 1 to {out}"
    assert scenario_from_json(out.read_bytes()) == ha_giang(notes="v1")


@pytest.mark.slow
def test_history_restore_and_rename_from_the_command_line(database: str) -> None:
    with ScenarioStore.open(database) as store:
        first = store.create(ha_giang(notes="v1"), "An")
        store.save(first.id, ha_giang(notes="v2"), "Bình", expected_version=1, note="sau hội nghị")
    restored = planner(database, "scenarios", "restore", first.id, "1", "--owner", "Chi")
    assert restored.returncode == 0, restored.stderr
    assert "phiên bản 3" in restored.stdout
    history = planner(database, "scenarios", "history", first.id)
    lines = history.stdout.splitlines()
    assert lines[0].startswith("phiên bản\t")
    assert [line.split("\t")[0] for line in lines[1:]] == ["3", "2", "1"]
    assert lines[1].split("\t")[2] == "Chi" and lines[1].endswith("khôi phục từ phiên bản 1")
    assert lines[2].endswith("sau hội nghị")
    renamed = planner(
        database, "scenarios", "rename", first.id[:6], "Hà Giang – phương án 2", "--owner", "Chi"
    )
    assert (
        renamed.returncode == 0
        and renamed.stdout.strip() == "Đã đổi tên thành “Hà Giang – phương án 2” (phiên bản 4)"
    )
    with ScenarioStore.open(database) as store:
        assert store.get(first.id).scenario.notes == "v1" and store.get(first.id, 2).scenario.notes == "v2"
        assert store.get(first.id).name == "Hà Giang – phương án 2" == store.get(first.id).scenario.name


def test_delete_hides_and_undelete_brings_back(database: str) -> None:
    with ScenarioStore.open(database) as store:
        stored = store.create(ha_giang(), "An")
    deleted = planner(database, "scenarios", "delete", stored.id)
    assert deleted.returncode == 0 and "Đã xoá" in deleted.stdout
    with ScenarioStore.open(database) as store:
        assert store.list_scenarios() == [] and store.get(stored.id).summary.deleted
    assert planner(database, "scenarios", "undelete", stored.id).returncode == 0
    with ScenarioStore.open(database) as store:
        assert [s.id for s in store.list_scenarios()] == [stored.id]


def test_errors_exit_2_with_one_line_in_the_users_language(database: str, tmp_path: Path) -> None:
    unknown = planner(database, "scenarios", "export", "deadbeef", str(tmp_path / "x.json"))
    assert (unknown.returncode, unknown.stdout) == (2, "")
    assert unknown.stderr == "Không có kịch bản đã lưu với mã “deadbeef”\n"
    assert not (tmp_path / "x.json").exists()

    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({**json.loads(ha_giang().to_json()), "schema_version": 7}), encoding="utf-8")
    refused = planner(database, "scenarios", "import", str(newer), "--lang", "en")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "format version 7" in refused.stderr
    with ScenarioStore.open(database) as store:
        assert store.list_scenarios(include_deleted=True) == [], "a refused import saves nothing"


def test_an_unreachable_database_named_by_database_overrides_the_environment(
    database: str, tmp_path: Path
) -> None:
    missing = f"sqlite:///{tmp_path}/no/such/folder/x.db"
    result = planner(database, "scenarios", "list", "--database", missing)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("Không kết nối được cơ sở dữ liệu kịch bản")
    empty = planner(database, "scenarios", "list")
    assert empty.returncode == 0 and empty.stdout.startswith("Chưa có kịch bản nào được lưu")


def test_a_filled_excel_scenario_template_can_be_imported(database: str, tmp_path: Path) -> None:
    from planner.files.excel.scenario import write_scenario_workbook
    from planner.methodology.catalog import load_bundled_methodology
    from planner.methodology.scoring import item_options

    methodology = load_bundled_methodology("qd2636-2018")
    first = methodology.scored_items[0]
    top_level = item_options(first)[-1].id
    scenario = Scenario(
        name="Từ Excel", province="Hà Giang", year=2025, items={first.code: ItemSetting(level=top_level)}
    )
    workbook = tmp_path / "kịch bản.xlsx"
    workbook.write_bytes(write_scenario_workbook(methodology, scenario))
    result = planner(database, "scenarios", "import", str(workbook), "--owner", "An")
    assert result.returncode == 0, result.stderr
    with ScenarioStore.open(database) as store:
        stored = store.get(result.stdout.strip())
    assert stored.scenario.items == scenario.items and stored.summary.province == "Hà Giang"
    assert stored.name == "Từ Excel"
