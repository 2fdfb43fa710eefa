"""A PAR INDEX methodology as validated data: areas -> criteria -> sub-criteria, each with a maximum.

The ministry changes the methodology every few years and a province holds the official table, so no scheme is
hard-coded: a methodology is data (see data/methodologies/ and planner.methodology.files), and this module only says
what a well-formed one is. A *scored item* is a node that carries a rule: a sub-criterion, or a criterion scored
directly (1.1 or 5.4 in the 2018 table). Validation collects every problem (duplicate codes, children whose
maxima do not sum to the parent, negative points, rules that exceed the maximum or fall as achievement rises,
totals that differ from the declared ones) and raises one MethodologyError listing them all, so a user fixing a
spreadsheet sees everything at once.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from planner.core.errors import MethodologyError, Problem
from planner.core.i18n import Lang
from planner.core.model import FrozenModel
from planner.core.text import clean_agency
from planner.methodology.rules import Rule, rule_problems, to_centi

Assessment = Literal["self", "survey"]
MaxBasis = Literal["source", "inference", "assumption"]
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,30}$"


class _Frozen(FrozenModel):
    """Node and methodology fields: hand-written YAML may give a code as a number (1.1); it is read as text."""

    model_config = ConfigDict(frozen=True, extra="forbid", coerce_numbers_to_str=True)


class _Node(_Frozen):
    """Fields every node of the tree carries; the plan columns follow the Lào Cai 2019 appendix."""

    code: str = Field(pattern=CODE_PATTERN)
    name_vi: str = Field(min_length=1)
    name_en: str = ""
    max_points: Decimal
    #: Where the maximum comes from: the source table, an inference (e.g. the 10 / 25.5 survey split), or an
    #: assumption. Anything but "source" is shown as such in the UI.
    max_basis: MaxBasis = "source"
    #: "Mục tiêu đạt được": the points the plan aims for (the table sets it to the maximum).
    target_points: Decimal | None = None
    #: "Thẩm quyền ban hành": the document and who issues it (first evidence column).
    evidence_document: str = ""
    #: "Chất lượng / Nội dung": what the evidence must contain.
    evidence_content: str = ""
    #: "Mức độ hoàn thành": the completion target, e.g. "100% số TTHC".
    completion_target: str = ""
    #: "Thời gian ban hành": the deadline text as the table writes it.
    deadline: str = ""
    #: "Chủ trì": the lead agency or agencies.
    lead_agencies: tuple[str, ...] = ()
    #: "Phối hợp": the partner agencies.
    partner_agencies: tuple[str, ...] = ()
    source: str = ""
    notes: str = ""

    def name(self, lang: Lang = "vi") -> str:
        return self.name_vi if lang == "vi" else (self.name_en or self.name_vi)

    @property
    def max_centi(self) -> int:
        return to_centi(self.max_points)


class SubCriterion(_Node):
    """Tiêu chí thành phần: always scored by its rule."""

    assessment: Assessment = "self"
    rule: Rule


class Criterion(_Node):
    """Tiêu chí: either split into sub-criteria or scored directly by its own rule (never both)."""

    assessment: Assessment = "self"
    rule: Rule | None = None
    sub_criteria: tuple[SubCriterion, ...] = ()


class Area(_Node):
    """Lĩnh vực."""

    criteria: tuple[Criterion, ...] = Field(min_length=1)


ScoredNode = Criterion | SubCriterion


@dataclass(frozen=True, slots=True)
class ScoredItem:
    """A node that carries a rule, with its place in the tree (what the scorer and optimiser iterate over)."""

    node: ScoredNode
    area: Area
    criterion: Criterion
    index: int

    @property
    def code(self) -> str:
        return self.node.code

    @property
    def rule(self) -> Rule:
        assert self.node.rule is not None
        return self.node.rule

    @property
    def max_centi(self) -> int:
        return self.node.max_centi

    @property
    def assessment(self) -> Assessment:
        return self.node.assessment

    @property
    def is_survey(self) -> bool:
        return self.node.assessment == "survey"

    @property
    def lead_agencies(self) -> tuple[str, ...]:
        """ "Chủ trì": the item's own lead agencies or, when the table leaves that cell empty (merged cells),
        its criterion's and then its area's (the plan body names a lead per area)."""
        return _first_agencies(n.lead_agencies for n in (self.node, self.criterion, self.area))

    @property
    def partner_agencies(self) -> tuple[str, ...]:
        """ "Phối hợp", with the same fallback as the leads."""
        return _first_agencies(n.partner_agencies for n in (self.node, self.criterion, self.area))


def _first_agencies(candidates: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    for agencies in candidates:
        cleaned = tuple(name for name in (clean_agency(a) for a in agencies) if name)
        if cleaned:
            return cleaned
    return ()


_DECISION_DATE = re.compile(r" ngày (\d{1,2}/\d{1,2}/\d{4})")


class Methodology(_Frozen):
    """One scheme of the PAR INDEX, e.g. QĐ 2636/QĐ-BNV (index years 2018-2019)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{1,60}$")
    #: The index the scheme scores (planner.methodology.index): "par" or "papi"; a province's own index later.
    index: str = Field(default="par", pattern=r"^[a-z][a-z0-9_-]{1,30}$")
    name_vi: str = Field(min_length=1)
    name_en: str = ""
    decision: str = ""
    index_years: tuple[int, ...] = ()
    source: str = ""
    notes: str = ""
    total_points: Decimal = Decimal(100)
    self_assessed_points: Decimal | None = None
    survey_points: Decimal | None = None
    areas: tuple[Area, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _well_formed(self) -> Methodology:
        problems = methodology_problems(self)
        if problems:
            raise MethodologyError("methodology.invalid", problems=problems, id=self.id)
        return self

    def name(self, lang: Lang = "vi") -> str:
        return self.name_vi if lang == "vi" else (self.name_en or self.name_vi)

    def decision_label(self, lang: Lang = "vi") -> str:
        """The decision as a reader of `lang` writes it: "2636/QĐ-BNV ngày 10/12/2018" in Vietnamese, "2636/QĐ-BNV
        of 10/12/2018" in English (the number stays the document's own)."""
        text = self.decision or self.id
        return text if lang == "vi" else _DECISION_DATE.sub(r" of \1", text)

    @cached_property
    def scored_items(self) -> tuple[ScoredItem, ...]:
        """Every node with a rule, in table order."""
        return tuple(_scored_items(self))

    @cached_property
    def item_index(self) -> dict[str, int]:
        return {item.code: item.index for item in self.scored_items}

    @cached_property
    def nodes_by_code(self) -> dict[str, Area | Criterion | SubCriterion]:
        nodes: dict[str, Area | Criterion | SubCriterion] = {}
        for area in self.areas:
            nodes[area.code] = area
            for criterion in area.criteria:
                nodes[criterion.code] = criterion
                for sub in criterion.sub_criteria:
                    nodes[sub.code] = sub
        return nodes

    def item(self, code: str) -> ScoredItem:
        return self.scored_items[self.item_index[code]]

    @property
    def max_centi(self) -> int:
        return to_centi(self.total_points)

    @property
    def criteria_count(self) -> int:
        return sum(len(a.criteria) for a in self.areas)

    def assumption_codes(self) -> tuple[str, ...]:
        """Codes of the items whose rule is an assumption, not a sourced rule."""
        return tuple(i.code for i in self.scored_items if i.rule.is_assumption)

    def inferred_codes(self) -> tuple[str, ...]:
        """Codes of the nodes whose maximum is an inference or assumption rather than a source."""
        return tuple(code for code, node in self.nodes_by_code.items() if node.max_basis != "source")


_DIGESTS: dict[int, tuple[Methodology, str]] = {}


def content_digest(m: Methodology) -> str:
    """A hash of everything in the scheme, its id included: the key for anything cached across sessions.

    Never key a shared cache on the id alone: two sessions can each load a different scheme under the same id
    (an upload whose id is taken is renamed the same way in every session). Memoised by object identity, since
    serialising the tree costs about a millisecond."""
    hit = _DIGESTS.get(id(m))
    if hit is not None and hit[0] is m:
        return hit[1]
    digest = hashlib.sha256(m.model_dump_json().encode("utf-8")).hexdigest()[:32]
    if len(_DIGESTS) > 64:
        _DIGESTS.clear()
    _DIGESTS[id(m)] = (m, digest)
    return digest


def _scored_items(m: Methodology) -> list[ScoredItem]:
    items: list[ScoredItem] = []
    for area in m.areas:
        for criterion in area.criteria:
            if criterion.sub_criteria:
                for sub in criterion.sub_criteria:
                    items.append(ScoredItem(sub, area, criterion, len(items)))
            elif criterion.rule is not None:
                items.append(ScoredItem(criterion, area, criterion, len(items)))
    return items


def _sum_problem(code: str, children: list[Decimal], parent: Decimal) -> Problem | None:
    total = sum(children, Decimal(0))
    if to_centi(total) != to_centi(parent):
        return Problem(
            "methodology.children_sum",
            {"code": code, "sum": float(total), "max": float(parent)},
        )
    return None


def methodology_problems(m: Methodology) -> list[Problem]:
    """Every structural and arithmetic problem of `m` (empty when it is well formed)."""
    problems: list[Problem] = []
    codes: list[str] = []
    for area in m.areas:
        codes.append(area.code)
        for criterion in area.criteria:
            codes.append(criterion.code)
            codes.extend(sub.code for sub in criterion.sub_criteria)
    for code, count in Counter(codes).items():
        if count > 1:
            problems.append(Problem("methodology.duplicate_code", {"code": code, "count": count}))

    def check_points(node: _Node) -> None:
        if node.max_points < 0:
            problems.append(
                Problem("methodology.negative_points", {"code": node.code, "points": float(node.max_points)})
            )
        elif node.max_points != Decimal(to_centi(node.max_points)) / 100:
            problems.append(
                Problem("methodology.points_precision", {"code": node.code, "points": float(node.max_points)})
            )
        if node.target_points is not None and not (0 <= node.target_points <= node.max_points):
            problems.append(
                Problem(
                    "methodology.target_out_of_range",
                    {"code": node.code, "points": float(node.target_points), "max": float(node.max_points)},
                )
            )

    self_total = Decimal(0)
    survey_total = Decimal(0)
    for area in m.areas:
        check_points(area)
        if (p := _sum_problem(area.code, [c.max_points for c in area.criteria], area.max_points)) is not None:
            problems.append(p)
        for criterion in area.criteria:
            check_points(criterion)
            if criterion.sub_criteria and criterion.rule is not None:
                problems.append(Problem("methodology.rule_and_children", {"code": criterion.code}))
            elif not criterion.sub_criteria and criterion.rule is None:
                problems.append(Problem("methodology.missing_rule", {"code": criterion.code}))
            if criterion.sub_criteria:
                children = [s.max_points for s in criterion.sub_criteria]
                if (p := _sum_problem(criterion.code, children, criterion.max_points)) is not None:
                    problems.append(p)
                for sub in criterion.sub_criteria:
                    check_points(sub)
                    problems.extend(rule_problems(sub.rule, sub.max_centi, sub.code))
                    if sub.assessment == "survey":
                        survey_total += sub.max_points
                    else:
                        self_total += sub.max_points
            elif criterion.rule is not None:
                problems.extend(rule_problems(criterion.rule, criterion.max_centi, criterion.code))
                if criterion.assessment == "survey":
                    survey_total += criterion.max_points
                else:
                    self_total += criterion.max_points

    if (p := _sum_problem(m.id, [a.max_points for a in m.areas], m.total_points)) is not None:
        problems.append(Problem("methodology.total_mismatch", dict(p.params)))
    for declared, actual, key in (
        (m.self_assessed_points, self_total, "methodology.self_total_mismatch"),
        (m.survey_points, survey_total, "methodology.survey_total_mismatch"),
    ):
        if declared is not None and to_centi(declared) != to_centi(actual):
            problems.append(Problem(key, {"declared": float(declared), "sum": float(actual)}))
    return problems
