"""A scheme edited as a table of nodes: one row per area, criterion and sub-criterion (code, parent, name,
maximum, survey or not, and the scoring brackets in words), rebuilt into a validated methodology.

This is the review step after a document was read: fix a name, move an item under another criterion (change
its parent), add or delete a row, write the brackets the reader could not. The tree comes from the parents, a
parent's maximum from its children's, and each item's rule from its brackets in words (read by
planner.methodology.brackets, `basis: source`); an item whose words are left as they were keeps its rule (so a
proportional or survey rule, which words cannot carry, survives an edit), and an item with no words gets the
labelled all-or-nothing assumption. A parent's target that no longer fits its new maximum is dropped. Everything
wrong is reported at once, with the existing validation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from planner.core.errors import MethodologyError, Problem
from planner.core.i18n import t
from planner.methodology.brackets import read_brackets, words_of
from planner.methodology.files import methodology_from_mapping, methodology_to_mapping
from planner.methodology.model import Area, Criterion, Methodology, SubCriterion

#: The node fields an editor row does not show, kept from the scheme it started from (by code).
_KEPT = (
    "name_en",
    "max_basis",
    "target_points",
    "evidence_document",
    "evidence_content",
    "completion_target",
    "deadline",
    "lead_agencies",
    "partner_agencies",
    "source",
    "notes",
)


@dataclass(frozen=True)
class NodeRow:
    """One row of the editor: a node of the tree."""

    code: str
    parent: str
    name: str
    max_points: Decimal | None
    survey: bool
    scoring: str
    #: The code the row had in the scheme it was read from ("" for a new row): what it keeps when its code or
    #: its parent changes.
    origin: str = ""


def node_rows(m: Methodology) -> list[NodeRow]:
    """The scheme as editor rows, in table order, each item's rule in words ("" where words cannot carry it)."""
    rows: list[NodeRow] = []
    scored = {item.code: item for item in m.scored_items}

    def row(node: Area | Criterion | SubCriterion, parent: str) -> NodeRow:
        item = scored.get(node.code)
        words = words_of(item.rule, node.max_points) if item is not None else ""
        survey = getattr(node, "assessment", "self") == "survey"  # an area has no assessment of its own
        return NodeRow(node.code, parent, node.name_vi, node.max_points, survey, words, origin=node.code)

    for area in m.areas:
        rows.append(row(area, ""))
        for criterion in area.criteria:
            rows.append(row(criterion, area.code))
            rows.extend(row(sub, criterion.code) for sub in criterion.sub_criteria)
    return rows


def methodology_from_node_rows(base: Methodology, rows: Sequence[NodeRow]) -> Methodology:
    """`rows` rebuilt into a methodology with `base`'s id and metadata (MethodologyError listing every problem)."""
    problems: list[Problem] = []
    codes = [r.code.strip() for r in rows]
    duplicates = sorted({c for c in codes if codes.count(c) > 1 and c})
    if duplicates:
        for code in duplicates:
            problems.append(Problem("methodology.duplicate_code", {"code": code, "count": codes.count(code)}))
    if any(not c for c in codes):
        problems.append(Problem("editing.code_missing", {}))
    by_code = {r.code.strip(): r for r in rows if r.code.strip()}
    children: dict[str, list[NodeRow]] = {}
    for r in rows:
        parent = r.parent.strip()
        if parent and parent not in by_code:
            problems.append(Problem("editing.unknown_parent", {"code": r.code, "parent": parent}))
        children.setdefault(parent, []).append(r)
    old_nodes = base.nodes_by_code
    old_items = {item.code: item for item in base.scored_items}

    def depth(r: NodeRow) -> int:
        level, seen, parent = 0, {r.code}, r.parent.strip()
        while parent:
            if parent in seen or parent not in by_code:
                return 99
            seen.add(parent)
            level, parent = level + 1, by_code[parent].parent.strip()
        return level

    for r in rows:
        if depth(r) > 2:
            problems.append(Problem("editing.too_deep", {"code": r.code}))
    if problems:
        raise MethodologyError("methodology.invalid", problems=problems, id=base.id)

    def kept(code: str) -> dict[str, Any]:
        node = old_nodes.get(code)
        if node is None:
            return {}
        return {
            k: v for k, v in node.model_dump(mode="json").items() if k in _KEPT and v not in ("", [], None)
        }

    def rule(r: NodeRow) -> dict[str, Any]:
        words = r.scoring.strip()
        old = old_items.get(r.origin)
        if r.survey and not words:
            if old is not None and old.is_survey:
                return old.rule.model_dump(mode="json")
            return {
                "type": "survey",
                "basis": "assumption",
                "assumption": t("appendix.survey_assumption", "vi"),
            }
        if (
            old is not None
            and words == words_of(old.rule, old.node.max_points)
            and old.node.max_points == r.max_points
        ):
            return old.rule.model_dump(mode="json")  # unchanged: keep it, words or not
        if not words:
            return {"type": "yes_no", "basis": "assumption", "assumption": t("appendix.all_or_nothing", "vi")}
        read = read_brackets(words, max_points=r.max_points, source=words)
        if read is None or read.rule is None:
            why = t(f"appendix.problem.brackets_{read.problem}", "vi", code=r.code) if read else ""
            problems.append(Problem("editing.brackets_unread", {"code": r.code, "why": why or words[:80]}))
            return {"type": "yes_no", "basis": "assumption", "assumption": ""}
        return read.rule.model_dump(mode="json", exclude_defaults=True)

    def node(r: NodeRow) -> dict[str, Any]:
        data: dict[str, Any] = {**kept(r.origin), "code": r.code.strip(), "name_vi": r.name.strip() or r.code}
        if r.survey:
            data["assessment"] = "survey"
        below = [node(child) for child in children.get(r.code.strip(), [])]
        if below:
            key = "criteria" if depth(r) == 0 else "sub_criteria"
            data[key] = below
            data["max_points"] = sum((Decimal(str(b["max_points"])) for b in below), Decimal(0))
            target = data.get("target_points")
            if target is not None and Decimal(str(target)) > data["max_points"]:
                del data["target_points"]  # the target was set for the old composition and no longer fits
        else:
            if r.max_points is None:
                problems.append(Problem("editing.max_missing", {"code": r.code}))
            data["max_points"] = r.max_points if r.max_points is not None else Decimal(0)
            if depth(r) > 0:
                data["rule"] = rule(r)
        return data

    areas = [node(r) for r in children.get("", [])]
    if problems:
        raise MethodologyError("methodology.invalid", problems=problems, id=base.id)
    total = sum((Decimal(str(a["max_points"])) for a in areas), Decimal(0))
    survey = sum(
        (Decimal(str(leaf["max_points"])) for leaf in _leaves(areas) if leaf.get("assessment") == "survey"),
        Decimal(0),
    )
    data = methodology_to_mapping(base)
    data.update(
        {
            "areas": areas,
            "total_points": total,
            "self_assessed_points": total - survey,
            "survey_points": survey,
        }
    )
    return methodology_from_mapping(data)


def _leaves(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for n in nodes:
        below = n.get("criteria") or n.get("sub_criteria")
        found.extend(_leaves(below) if below else [n])
    return found
