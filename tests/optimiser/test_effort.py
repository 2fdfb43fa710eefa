"""The effort model: labelled defaults, and the CSV a province fills in (`code,level_or_points,effort`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from optimiser_fixtures import qd2636

from planner.core.errors import ImportFileError
from planner.methodology.scenario import ItemSetting, Scenario
from planner.optimiser.effort import (
    DEFAULT_FIRST_STEP,
    EffortEntry,
    EffortTable,
    ItemConstraint,
    agency_budgets_from_csv,
    default_effort,
    describe_default,
    effort_table_from_csv,
    effort_table_to_csv,
    resolve_level,
)
from planner.optimiser.levers import build_levers


def test_default_effort_grows_faster_than_the_distance() -> None:
    first = DEFAULT_FIRST_STEP["thresholds"]["person_days"]
    assert default_effort("thresholds", 0, "person_days") == 0
    assert default_effort("thresholds", 1, "person_days") == first
    assert default_effort("thresholds", 2, "person_days") == 2.5 * first
    assert default_effort("thresholds", 3, "person_days") == 4.5 * first
    assert default_effort("yes_no", 1, "million_vnd") == DEFAULT_FIRST_STEP["yes_no"]["million_vnd"]


def test_default_difficulty_is_a_score_from_1_to_5() -> None:
    assert default_effort("yes_no", 1, "difficulty") == 2
    assert default_effort("thresholds", 2, "difficulty") == 4
    assert default_effort("thresholds", 9, "difficulty") == 5


def test_every_uncosted_upgrade_gets_a_labelled_default() -> None:
    m = qd2636()
    baseline = Scenario(methodology=m.id, items={"1.3.1": ItemSetting(level="ge_10")})
    costed = EffortTable(entries=(EffortEntry(code="1.1", level="dung_han", effort=3),))
    levers = build_levers(m, baseline, costed)
    one = levers.by_code["1.1"]
    assert [(c.level, c.effort, c.effort_is_default) for c in one.upgrades] == [
        ("cham", default_effort("levels", 1, "person_days"), True),
        ("dung_han", 3, False),
    ]
    # Steps count from the current level: 1.3.1 is at "≥ 10%", so "≥ 30%" is two steps up.
    assert [c.effort for c in levers.by_code["1.3.1"].upgrades] == [
        default_effort("thresholds", 1, "person_days"),
        default_effort("thresholds", 2, "person_days"),
    ]
    for lever in levers.levers:
        for steps, choice in enumerate(lever.upgrades, start=1):
            if choice.effort_is_default:
                assert choice.effort == default_effort(lever.item.rule.type, steps, "person_days")


def test_levels_are_named_by_id_label_or_points() -> None:
    m = qd2636()
    item = m.item("1.2.1")  # levels 0 / 0.25 / 0.5
    top = item.rule.options(item.max_centi)[-1]
    assert resolve_level(item, "dung_han") == top
    assert resolve_level(item, "DUNG THOI GIAN QUY DINH") == top  # the label, without diacritics
    assert resolve_level(item, "0,5") == top
    assert resolve_level(item, "0.50") == top
    assert resolve_level(item, "0.3") is None
    assert resolve_level(item, "") is None


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> bytes:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path.read_bytes()


def test_a_vietnamese_excel_csv_with_semicolons_and_decimal_commas_is_read(tmp_path: Path) -> None:
    m = qd2636()
    data = _write(
        tmp_path,
        "effort.csv",
        "\ufeffcode;level_or_points;effort;locked;feasible_max\n"
        "1.2.1;0,5;12,5;;\n"
        "1.3.1;≥ 20%;40;;\n"
        "2.1.1;yes;7;Không;\n"
        "4.1.2;;;có;\n"
        "1.5;;;;1,3\n",
    )
    table = effort_table_from_csv(data, m, unit="million_vnd")
    assert table.unit == "million_vnd"
    assert table.entries == (
        EffortEntry(code="1.2.1", level="dung_han", effort=12.5),
        EffortEntry(code="1.3.1", level="ge_20", effort=40),
        EffortEntry(code="2.1.1", level="yes", effort=7),
    )
    assert table.constraint("4.1.2").locked
    assert not table.constraint("2.1.1").locked
    assert table.constraint("1.5").feasible_max_level == "ge_2"


def test_every_bad_row_is_reported_with_its_row_and_column(tmp_path: Path) -> None:
    m = qd2636()
    data = _write(
        tmp_path,
        "bad.csv",
        "code,level_or_points,effort,locked\n"
        "9.9.9,yes,1,\n"  # unknown code
        "2.1.1,maybe,1,\n"  # unknown level
        "2.1.1,yes,abc,\n"  # not a number
        "2.1.2,day_du,-3,\n"  # negative
        "4.1.2,,,perhaps\n",  # not a yes/no
    )
    with pytest.raises(ImportFileError) as info:
        effort_table_from_csv(data, m)
    keys = [(p.key, p.params.get("row")) for p in info.value.problems]
    assert keys == [
        ("effort.unknown_code", 2),
        ("effort.unknown_level", 3),
        ("excel.not_a_number", 4),
        ("effort.negative", 5),
        ("excel.not_a_boolean", 6),
    ]
    messages = info.value.messages("vi")
    assert any("Dòng 3" in line and "maybe" in line for line in messages)


def test_yes_no_cells_take_the_same_words_as_in_the_workbooks(tmp_path: Path) -> None:
    data = _write(tmp_path, "flags.csv", "code,level,effort,locked\n4.1.2,,,Đúng\n2.1.1,,,Sai\n")
    table = effort_table_from_csv(data, qd2636())
    assert table.constraint("4.1.2").locked
    assert not table.constraint("2.1.1").locked


def test_a_problem_names_the_row_a_spreadsheet_shows_blank_lines_included(tmp_path: Path) -> None:
    data = _write(tmp_path, "gaps.csv", "code,level,effort\n\n2.1.1,yes,1\n\n9.9.9,yes,1\n")
    with pytest.raises(ImportFileError) as info:
        effort_table_from_csv(data, qd2636())
    assert [(p.key, p.params["row"]) for p in info.value.problems] == [("effort.unknown_code", 5)]


def test_missing_columns_and_non_utf8_files_are_refused(tmp_path: Path) -> None:
    m = qd2636()
    with pytest.raises(ImportFileError) as info:
        effort_table_from_csv(_write(tmp_path, "a.csv", "code,effort\n1.1,3\n"), m)
    assert info.value.key == "excel.missing_columns"
    with pytest.raises(ImportFileError) as info:
        effort_table_from_csv(_write(tmp_path, "b.csv", "code,level,effort\n1.1,Chậm,3\n", "utf-16"), m)
    assert info.value.key == "effort.csv_not_utf8"


def test_a_table_written_to_csv_reads_back_equal(tmp_path: Path) -> None:
    m = qd2636()
    table = EffortTable(
        entries=(
            EffortEntry(code="1.3.1", level="ge_30", effort=41.0),
            EffortEntry(code="2.1.1", level="yes", effort=3.25),
        ),
        constraints=(
            ItemConstraint(code="2.1.1", feasible_max_level="yes"),
            ItemConstraint(code="4.1.2", locked=True),
        ),
    )
    data = _write(tmp_path, "round.csv", effort_table_to_csv(table))
    assert effort_table_from_csv(data, m) == table


def test_rows_add_to_a_base_table_and_keep_its_budgets(tmp_path: Path) -> None:
    m = qd2636()
    base = EffortTable(
        unit="difficulty",
        entries=(EffortEntry(code="2.1.1", level="yes", effort=2),),
        agency_budgets={"Sở Nội vụ": 10},
    )
    table = effort_table_from_csv(_write(tmp_path, "c.csv", "code,level,effort\n2.1.1,yes,4\n"), m, base=base)
    assert table.unit == "difficulty"
    assert table.entries == (EffortEntry(code="2.1.1", level="yes", effort=4),)
    assert table.agency_budgets == {"Sở Nội vụ": 10}


def test_agency_budgets_come_from_an_agency_budget_csv(tmp_path: Path) -> None:
    data = _write(tmp_path, "b.csv", "agency;budget\nSở Nội vụ;120\nSở Tư pháp;45,5\n")
    assert agency_budgets_from_csv(data) == {"Sở Nội vụ": 120.0, "Sở Tư pháp": 45.5}
    with pytest.raises(ImportFileError) as info:
        agency_budgets_from_csv(_write(tmp_path, "c.csv", "agency,budget\nSở Nội vụ,-1\n,3\n"))
    assert [p.key for p in info.value.problems] == ["effort.negative", "excel.missing_value"]


def test_the_editable_table_lists_every_upgrade_with_defaults_labelled(tmp_path: Path) -> None:
    m = qd2636()
    baseline = Scenario(methodology=m.id, items={"1.3.1": ItemSetting(level="ge_10")})
    given = EffortTable(
        unit="million_vnd",
        entries=(EffortEntry(code="1.1", level="dung_han", effort=3),),
        constraints=(ItemConstraint(code="4.1.2", locked=True),),
        agency_budgets={"Sở Nội vụ": 50},
    )
    levers = build_levers(m, baseline, given)
    table = levers.effort_table()
    assert len(table.entries) == sum(len(lever.upgrades) for lever in levers.levers)
    assert table.entry("1.1", "dung_han") == EffortEntry(code="1.1", level="dung_han", effort=3)
    cham = table.entry("1.1", "cham")
    assert cham is not None and cham.basis == "default"
    assert (table.unit, table.constraints, table.agency_budgets) == (
        "million_vnd",
        given.constraints,
        {"Sở Nội vụ": 50},
    )
    # Saved and loaded again, the table costs the same plan.
    again = build_levers(
        m, baseline, effort_table_from_csv(effort_table_to_csv(table), m, unit="million_vnd")
    )
    assert [(c.level, c.effort) for c in again.by_code["1.3.1"].upgrades] == [
        (c.level, c.effort) for c in levers.by_code["1.3.1"].upgrades
    ]


def test_a_default_says_how_it_was_made() -> None:
    assert "thresholds" in describe_default("thresholds", 2, "en") and "2" in describe_default(
        "thresholds", 2, "en"
    )
    assert "mặc định" in describe_default("yes_no", 1, "vi")
