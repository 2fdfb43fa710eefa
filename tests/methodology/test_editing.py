"""The scheme as a table of nodes and back: unchanged rows give the same scheme; a moved item, a new row, a
deleted row and brackets written by hand all come out as the tree and rules they say; every error at once."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from planner.core.errors import MethodologyError
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.editing import NodeRow, methodology_from_node_rows, node_rows
from planner.methodology.rules import LevelsRule, ThresholdRule

QD2636 = load_bundled_methodology("qd2636-2018")


def test_the_rows_of_a_scheme_rebuild_the_same_scheme() -> None:
    assert methodology_from_node_rows(QD2636, node_rows(QD2636)) == QD2636


def test_an_item_moved_to_another_criterion_and_brackets_written_by_hand() -> None:
    rows = node_rows(QD2636)
    index = next(i for i, r in enumerate(rows) if r.code == "1.2.3")
    moved = replace(rows[index], code="1.3.3", parent="1.3", scoring="Đúng hạn: 0,25 điểm; chậm: 0 điểm")
    rows = [r for i, r in enumerate(rows) if i != index]
    rows.insert(next(i for i, r in enumerate(rows) if r.code == "1.3.2") + 1, moved)
    m = methodology_from_node_rows(QD2636, rows)
    criteria = {c.code: c for a in m.areas for c in a.criteria}
    assert [s.code for s in criteria["1.3"].sub_criteria] == ["1.3.1", "1.3.2", "1.3.3"]
    assert criteria["1.2"].max_points == QD2636.nodes_by_code["1.2"].max_points - Decimal("0.25")
    assert criteria["1.3"].max_points == QD2636.nodes_by_code["1.3"].max_points + Decimal("0.25")
    rule = m.item("1.3.3").rule
    assert isinstance(rule, LevelsRule) and rule.basis == "source"
    assert (
        m.total_points == 100
        and m.item("1.3.3").node.lead_agencies == QD2636.item("1.2.3").node.lead_agencies
    )


def test_a_new_row_with_brackets_and_a_deleted_row() -> None:
    rows = [r for r in node_rows(QD2636) if r.code != "1.2.3"]
    rows.append(
        NodeRow(
            "1.2.9",
            "1.2",
            "Báo cáo chuyên đề",
            Decimal("0.25"),
            False,
            "Hoàn thành 100%: 0,25 điểm; dưới 100%: 0 điểm",
        )
    )
    m = methodology_from_node_rows(QD2636, rows)
    assert "1.2.3" not in m.item_index and isinstance(m.item("1.2.9").rule, ThresholdRule)
    assert m.total_points == 100


def test_every_problem_of_an_edit_is_listed_at_once() -> None:
    rows = node_rows(QD2636)
    rows[1] = replace(rows[1], parent="9.9")  # no such parent
    rows[2] = replace(rows[2], code=rows[3].code)  # a duplicate code
    rows[5] = replace(rows[5], scoring="Hoàn thành: 5 điểm; chưa: 0 điểm")  # tops out above its maximum
    with pytest.raises(MethodologyError) as raised:
        methodology_from_node_rows(QD2636, rows)
    keys = {p.key for p in raised.value.problems}
    assert {"editing.unknown_parent", "methodology.duplicate_code"} <= keys
