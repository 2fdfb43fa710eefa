"""One plan for two indices (issue 13): PAR sub-criteria and PAPI dimensions by lead agency, each index totalled
alone, one action serving both noted, never counted twice; the workbook written and read back."""

from __future__ import annotations

import io

import openpyxl
import pytest
from papi_fixtures import quang_ngai_cases

from planner.core.data import data_dir
from planner.core.text import agency_name
from planner.files.excel.combined import write_combined_workbook
from planner.methodology.model import Methodology
from planner.optimiser.combined import Overlap, Side, combine_plans, documented_overlaps
from planner.optimiser.plan import Plan
from planner.optimiser.plan_builder import plan_from_result
from planner.optimiser.solver import optimise_for_rank

EXAMPLES = data_dir() / "examples"


@pytest.fixture(scope="module")
def plans() -> list[tuple[Methodology, Plan]]:
    """Quảng Ngãi to rank 30 in 2025 on both indices (the seed's 25-30 band, its worse end)."""
    out = []
    for m, levers, competition in quang_ngai_cases():
        result = optimise_for_rank(levers, competition, 30)
        assert result.status == "optimal"
        out.append((m, plan_from_result(levers, result, competition=competition)))
    return out


def test_every_change_of_both_plans_is_listed_under_each_lead_with_its_index(
    plans: list[tuple[Methodology, Plan]],
) -> None:
    combined = combine_plans(plans)
    listed = {(r.index, r.change.code) for r in combined.rows}
    assert listed == {(m.index, c.code) for m, p in plans for c in p.changes}
    assert {r.index for r in combined.rows} == {"par", "papi"}
    for row in combined.rows:
        assert row.agency in {agency_name(a) for a in row.change.lead_agencies}
    # an item with two leads appears under both (P6: Sở Y tế, Sở Giáo dục và Đào tạo, Công an tỉnh)
    for m, plan in plans:
        for change in plan.changes:
            leads = {agency_name(a) for a in change.lead_agencies}
            assert {
                r.agency for r in combined.rows if r.change.code == change.code and r.methodology == m.id
            } == leads
    agencies = [agency for agency, _ in combined.by_agency()]
    assert len(agencies) == len(set(agencies))


def test_each_index_is_totalled_alone_never_summed(plans: list[tuple[Methodology, Plan]]) -> None:
    combined = combine_plans(plans)
    by_index = {t.index: t for t in combined.totals}
    (_, par), (_, papi) = plans
    assert (by_index["par"].baseline, by_index["par"].planned, by_index["par"].max_points) == (
        par.baseline_total,
        par.planned_total,
        100,
    )
    assert (by_index["papi"].planned, by_index["papi"].max_points) == (papi.planned_total, 80)
    # a linked row still counts only in its own index: the rows of each index sum to that plan's gain
    for m, plan in plans:
        rows = {r.change.code: r.change for r in combined.rows if r.methodology == m.id}
        assert round(sum(c.points_gain for c in rows.values()), 2) == plan.points_gain


def test_a_documented_overlap_is_a_note_on_both_sides(plans: list[tuple[Methodology, Plan]]) -> None:
    combined = combine_plans(plans)
    papi_e_gov = [r for r in combined.rows if r.index == "papi" and r.change.code == "P8"]
    assert papi_e_gov and "PAR INDEX 7 Hiện đại hóa hành chính" in papi_e_gov[0].also_serves
    par_online = [r for r in combined.rows if r.index == "par" and r.change.code.startswith("7.")]
    assert par_online and all("PAPI P8 Quản trị điện tử" in r.also_serves for r in par_online)
    assert all(r.also_serves == () for r in combined.rows if r.change.code.startswith(("1.", "2.")))
    assert len(documented_overlaps()) == 2 and all("Seed 003" in o.basis for o in documented_overlaps())


def test_a_users_link_is_added_and_no_link_means_no_note(plans: list[tuple[Methodology, Plan]]) -> None:
    mine = Overlap(
        left=Side(methodology="qd2636-2018", codes=("2",)),
        right=Side(methodology="papi-2018", codes=("P3",)),
        note_vi="Phổ biến pháp luật phục vụ cả hai",
    )
    linked = combine_plans(plans, overlaps=(*documented_overlaps(), mine))
    assert any("PAPI P3" in s for r in linked.rows if r.change.code.startswith("2.") for s in r.also_serves)
    bare = combine_plans(plans, overlaps=())
    assert all(r.also_serves == () and r.notes == () for r in bare.rows)


def test_the_combined_workbook_reads_back_with_both_indices_by_agency(
    plans: list[tuple[Methodology, Plan]],
) -> None:
    combined = combine_plans(plans)
    data = write_combined_workbook(combined, "vi")
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    assert str(cells[0][0]).startswith("KẾ HOẠCH NÂNG CAO CHỈ SỐ PAR INDEX VÀ CHỈ SỐ PAPI: Quảng Ngãi 2025")
    assert cells[1][0].startswith("PAR INDEX: từ 86,45") and cells[2][0].startswith("PAPI: từ 42,02")
    task_rows = [r for r in cells if isinstance(r[0], int)]
    assert len(task_rows) == len(combined.rows)
    assert {r[1] for r in task_rows} == {"PAR INDEX", "PAPI"}
    assert any(r[2] == "P8" and "PAR INDEX 7" in (r[9] or "") for r in task_rows)
