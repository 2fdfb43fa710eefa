"""Scoring brackets written in words become rules: "Hoàn thành 100% kế hoạch: 1 điểm; từ 80% đến dưới 100%:
0,5 điểm; dưới 80%: 0 điểm" is a threshold rule, "Đúng hạn: 0,5; chậm: 0" a levels rule, "Có: 1; không: 0" a
yes/no rule.

A decision's appendix writes how each sub-criterion is scored in a cell, under the item's name or in a note
column. The text is split into clauses "label: N [điểm]"; two or more clauses make a rule, with `basis: source`
and the text itself as its source. Anything this cannot read with certainty comes back as a problem (a message
key) for the review list: the caller never gets a guessed rule from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from planner.core.i18n import parse_number
from planner.core.text import fold
from planner.methodology.rules import LevelsRule, Rule, ThresholdRule, YesNoRule

#: Clause separators: semicolons, line breaks, and a full stop that ends a clause before the next one.
_SPLIT = re.compile(r";|\n|(?<=điểm)\.\s+|(?<=\d)\.\s+(?=[^\d\s])")
_BULLET = re.compile(r"^\s*(?:[-+•*–]|[a-zđ]\)|\d\))\s*", re.IGNORECASE)
#: "label: 0,5 điểm" (also "label = 0,5", "label (0,5 điểm)").
_CLAUSE = re.compile(
    r"^(?P<label>.*?\S)\s*(?:[:=]|\(|–|-)\s*(?P<points>\d+(?:[.,]\d+)?)\s*(?:điểm|đ)?\s*\)?\s*\.?$",
    re.IGNORECASE,
)
#: How a line that ends a clause ends: a separator, or points ("0,5", "0,5 điểm").
_CLAUSE_END = re.compile(r"(?:[;.]|\d|điểm|đ)\s*\)?$", re.IGNORECASE)
_NUMBER = r"(\d+(?:[.,]\d+)?)"
_PERCENT = re.compile(_NUMBER + r"\s*%")
_COUNT = re.compile(r"(?<![\d.,])" + _NUMBER + r"(?![\d.,]*\s*%)")
_YES = {"co", "dat", "co thuc hien", "thuc hien", "da thuc hien", "co ban hanh", "da ban hanh", "hoan thanh"}
_NO = {
    "khong",
    "khong dat",
    "chua",
    "chua dat",
    "khong thuc hien",
    "chua thuc hien",
    "khong co",
    "chua ban hanh",
    "khong ban hanh",
    "khong hoan thanh",
    "chua hoan thanh",
}


@dataclass(frozen=True)
class Clause:
    label: str
    points: Decimal


@dataclass(frozen=True)
class Brackets:
    """What the text said: its clauses, the rule they make (None when they make none), and why not."""

    clauses: tuple[Clause, ...]
    rule: Rule | None
    problem: str | None = None  # a message key under "appendix.problem." when the clauses make no rule


def read_points(text: str) -> Decimal | None:
    """Points as a document's cell writes them ("0,5", "1,5 điểm", "2 đ"), to the hundredth; None when the cell
    is empty or holds no number."""
    cleaned = fold(text).replace("diem", "").strip().rstrip("d").strip()
    if not cleaned:
        return None
    try:
        return Decimal(str(round(parse_number(cleaned), 2)))
    except ValueError:
        return None


def _logical_lines(text: str) -> str:
    """`text` with soft line wraps undone: a line that starts no bullet continues the line before it unless that
    one ended a clause (a PDF cell wraps "từ 80% đến dưới" / "100%: 0,5 điểm" over two lines)."""
    lines: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if lines and not _BULLET.match(line) and not _CLAUSE_END.search(lines[-1]):
            lines[-1] = f"{lines[-1]} {line}"
        else:
            lines.append(line)
    return "\n".join(lines)


def clauses_of(text: str) -> tuple[Clause, ...]:
    """The "label: points" clauses of `text`, in order (other sentences are skipped)."""
    found = []
    for part in _SPLIT.split(_logical_lines(text)):
        part = _BULLET.sub("", part).strip().rstrip(".").strip()
        match = _CLAUSE.match(part)
        if not match:
            continue
        points = read_points(match.group("points"))
        if points is None:
            continue
        found.append(Clause(match.group("label").strip(" :-–"), points))
    return tuple(found)


def read_brackets(text: str, *, max_points: Decimal | None = None, source: str = "") -> Brackets | None:
    """The rule that `text` writes in words, or None when it holds fewer than two scoring clauses."""
    clauses = clauses_of(text)
    if len(clauses) < 2:
        return None
    cited = source or " ".join(text.split())[:300]
    if max_points is not None and max(c.points for c in clauses) != max_points:
        return Brackets(clauses, None, "top_not_max")
    labels = [fold(c.label) for c in clauses]
    if any(_PERCENT.search(c.label) for c in clauses):
        return _thresholds(clauses, "percent", cited)
    if len(clauses) == 2 and _yes_no(labels) is not None:
        yes, no = _yes_no(labels) or (0, 1)
        return Brackets(
            clauses,
            YesNoRule(
                basis="source",
                source=cited,
                yes_points=clauses[yes].points,
                no_points=clauses[no].points,
                yes_label_vi=_sentence(clauses[yes].label),
                no_label_vi=_sentence(clauses[no].label),
                yes_label_en="",
                no_label_en="",
            ),
        )
    if all(_COUNT.search(c.label) for c in clauses) and not _has_duplicates(labels):
        counted = _thresholds(clauses, "count", cited)
        if counted.rule is not None:
            return counted
    return _levels(clauses, labels, cited)


def _sentence(label: str) -> str:
    return label[:1].upper() + label[1:]


def _yes_no(labels: list[str]) -> tuple[int, int] | None:
    first, second = labels
    if first in _YES and second in _NO:
        return 0, 1
    if second in _YES and first in _NO:
        return 1, 0
    return None


def _has_duplicates(labels: list[str]) -> bool:
    return len(set(labels)) != len(labels)


def _bound(label: str, measure: str) -> tuple[float, bool] | None:
    """The lower bound a clause starts at and whether it is the region below everything ("dưới 80%")."""
    pattern = _PERCENT if measure == "percent" else _COUNT
    numbers = [parse_number(n) for n in pattern.findall(label)]
    if not numbers:
        return None
    folded = fold(label)
    if re.match(r"^(duoi|nho hon|it hon|<)", folded) or (len(numbers) == 1 and " duoi " in f" {folded} "):
        return numbers[0], True
    return numbers[0], False


def _thresholds(clauses: tuple[Clause, ...], measure: str, cited: str) -> Brackets:
    steps: list[tuple[float, Decimal, str]] = []
    below: Decimal | None = None
    for clause in clauses:
        bound = _bound(clause.label, measure)
        if bound is None:
            return Brackets(clauses, None, "mixed_clauses")
        value, is_below = bound
        if is_below:
            if below is not None:
                return Brackets(clauses, None, "two_below")
            below = clause.points
        else:
            steps.append((value, clause.points, _sentence(clause.label)))
    steps.sort(key=lambda s: s[0])
    bounds = [s[0] for s in steps]
    points = [s[1] for s in steps]
    if not steps or len(set(bounds)) != len(bounds) or points != sorted(points):
        return Brackets(clauses, None, "not_monotone")
    floor = below if below is not None else Decimal(0)
    if floor > points[0]:
        return Brackets(clauses, None, "not_monotone")
    if floor == points[0] and below is not None:
        steps = steps[1:]  # "dưới 80%: 0" beside "từ 0%: 0": the first step adds nothing
    rule = ThresholdRule.model_validate(
        {
            "basis": "source",
            "source": cited,
            "measure": measure,
            "steps": [{"bound": b, "points": p, "label_vi": label} for b, p, label in steps],
            "below_points": floor,
        }
    )
    return Brackets(clauses, rule)


def _levels(clauses: tuple[Clause, ...], labels: list[str], cited: str) -> Brackets:
    if _has_duplicates(labels):
        return Brackets(clauses, None, "duplicate_labels")
    ordered = sorted(zip(clauses, labels, strict=True), key=lambda pair: pair[0].points)
    levels = []
    used: set[str] = set()
    for clause, label in ordered:
        slug = re.sub(r"[^a-z0-9]+", "_", label).strip("_")[:36] or "muc"
        ident, n = slug, 2
        while ident in used:
            ident, n = f"{slug}_{n}", n + 1
        used.add(ident)
        levels.append({"id": ident, "label_vi": _sentence(clause.label), "points": clause.points})
    return Brackets(
        clauses, LevelsRule.model_validate({"basis": "source", "source": cited, "levels": levels})
    )


def words_of(rule: Rule, max_points: Decimal) -> str:
    """A rule written as a decision writes it, in words `read_brackets` reads back as the same rule; "" for a
    rule that words cannot carry (proportional, survey, a threshold on a falling measure), which an editor then
    keeps as it is."""
    if isinstance(rule, YesNoRule):
        top = rule.yes_points if rule.yes_points is not None else max_points
        return f"{rule.yes_label_vi}: {_vi(top)} điểm; {rule.no_label_vi}: {_vi(rule.no_points)} điểm"
    if isinstance(rule, LevelsRule):
        return "; ".join(f"{level.label_vi}: {_vi(level.points)} điểm" for level in reversed(rule.levels))
    if isinstance(rule, ThresholdRule) and rule.direction == "higher":
        unit = "%" if rule.measure == "percent" else ""
        steps = list(rule.steps)
        parts = []
        for index in range(len(steps) - 1, -1, -1):
            step, bound = steps[index], _vi(Decimal(str(steps[index].bound)))
            if index == len(steps) - 1:
                parts.append(f"Từ {bound}{unit} trở lên: {_vi(step.points)} điểm")
            else:
                upper = _vi(Decimal(str(steps[index + 1].bound)))
                parts.append(f"Từ {bound}{unit} đến dưới {upper}{unit}: {_vi(step.points)} điểm")
        parts.append(f"Dưới {_vi(Decimal(str(steps[0].bound)))}{unit}: {_vi(rule.below_points)} điểm")
        return "; ".join(parts)
    return ""


def _vi(value: Decimal) -> str:
    """0,5 rather than 0.50: the way the ministry's tables write points."""
    text = f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}".rstrip("0")
    return text.rstrip(".").replace(".", ",")
