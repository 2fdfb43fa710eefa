"""A methodology from the criteria table of a decision's appendix (.docx or .pdf), with a list for review.

The ministry publishes each scheme as an appendix table; provinces copy it into their plans with more columns.
The table is found by its headers in any order (STT; lĩnh vực / tiêu chí / tiêu chí thành phần; điểm tối đa;
and where present ghi chú or cách chấm, mục tiêu, tài liệu kiểm chứng, chủ trì, phối hợp, thời gian). The tree
comes from the codes: `1`, `1.1`, `1.1.1`; Roman numerals or capital letters for areas, with criteria numbered
inside them (`I`, `1`, `1.1`); `a)`, `-` or no code for a sub-criterion by its position under a criterion.
A header repeated on a new page, a column-number row, a totals row and a row split across a page break are
recognised as such. Vietnamese decimals (0,5) are read as numbers.

Each scored item's rule is read from its scoring brackets (planner.methodology.brackets), in the note column
or on the lines under its name; items named as surveys (SIPAS, khảo sát lãnh đạo, quản lý, điều tra xã hội
học) become survey items. Nothing is guessed silently: an item with no brackets gets an all-or-nothing rule
labelled as an assumption, an area whose written maximum is not the sum of its parts takes the sum (labelled),
and every such row is listed in `review` with where it is in the document and its text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from planner.core.errors import ImportFileError, MethodologyError, Problem
from planner.core.i18n import Lang, t
from planner.core.text import fold
from planner.methodology.brackets import read_brackets, read_points
from planner.methodology.files import methodology_from_mapping
from planner.methodology.model import Methodology
from planner.tables.documents import DocumentRow, read_document_rows

SURVEY_WORDS = (
    "sipas",
    "khao sat",
    "dieu tra xa hoi hoc",
    "dieu tra xhh",
    "muc do hai long",
    "danh gia cua lanh dao",
    "lanh dao, quan ly",
)
_ROMAN = re.compile(r"^(?=[IVXL]+$)L?X{0,3}(IX|IV|V?I{0,3})$")
_DOTTED = re.compile(r"^\d+(\.\d+)*$")
_LETTER = re.compile(r"^[a-zđ]$")
_NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")
_AGENCY_SPLIT = re.compile(r"\s*(?:;|\n|^-\s*|\n-\s*)\s*")

#: A column is found by folded words its header contains (`exact`: the header is exactly one of them).
_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # key: (contains any, exact any)
    "code": ((), ("stt", "tt", "ma", "ma so", "so tt", "so thu tu", "ky hieu", "ma tieu chi", "muc")),
    "name": (("tieu chi", "linh vuc", "noi dung", "ten chi so"), ()),
    "max": (("diem toi da", "thang diem", "so diem toi da"), ("diem", "so diem")),
    "note": (
        ("ghi chu", "cach cham", "huong dan cham", "cach tinh", "phuong phap cham", "cach thuc cham"),
        (),
    ),
    "target": (("muc tieu",), ()),
    "evidence": (("kiem chung",), ()),
    "lead": (("chu tri",), ()),
    "partners": (("phoi hop",), ()),
    "deadline": (("thoi gian", "thoi han"), ()),
}


@dataclass(frozen=True)
class ReviewRow:
    """A row the reader could not take as it stands: where it is, its text, and what was done about it."""

    where: str
    text: str
    problem: Problem

    def as_json(self, lang: Lang) -> dict[str, str]:
        return {
            "where": self.where,
            "text": self.text,
            "problem": t(self.problem.key, lang, **self.problem.params),
        }


@dataclass(frozen=True)
class MethodologyImport:
    """A methodology read from a file, what needs a look (nothing for YAML, JSON and the Excel template, which
    state every rule), and how many table rows were read (documents only)."""

    methodology: Methodology
    review: tuple[ReviewRow, ...]
    rows_read: int


@dataclass
class _Node:
    code: str
    level: int  # 0 area, 1 criterion, 2 sub-criterion
    name: str
    row: DocumentRow
    max_text: str = ""
    max_points: Decimal | None = None
    note: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    children: list[_Node] = field(default_factory=list)


def methodology_from_document(
    name: str, payload: bytes, *, methodology_id: str | None = None, lang: Lang = "vi"
) -> MethodologyImport:
    """Read the criteria table of `payload` (a .docx or .pdf named `name`) into a validated methodology."""
    rows = read_document_rows(name, payload)
    return methodology_from_rows(rows, source=PurePath(name).name, methodology_id=methodology_id, lang=lang)


def methodology_from_rows(
    rows: Sequence[DocumentRow], *, source: str, methodology_id: str | None = None, lang: Lang = "vi"
) -> MethodologyImport:
    header_at, columns = _find_columns(rows)
    reader = _Reader(rows, columns, source, lang)
    reader.read(header_at)
    return reader.result(methodology_id or _slug(PurePath(source).stem))


_MERGED = re.compile(r"^(?P<code>[IVXL]+|[A-Z]|\d+(?:\.\d+)*)[.):]?\s+(?P<name>.+)$", re.DOTALL)
_POINTS_IN_NAME = re.compile(r"\(\s*(?P<points>\d+(?:[.,]\d+)?)\s*điểm\s*\)\s*$", re.IGNORECASE)


def _split_merged(text: str, max_text: str) -> tuple[str, str, str]:
    """Code, name and maximum of a row whose code and name sit in one merged cell, the maximum possibly
    written in the name ("… (9 điểm)")."""
    match = _MERGED.match(text.strip())
    if match is None:
        return re.sub(r"\s+", "", text), "", max_text
    name = match.group("name").strip()
    points = _POINTS_IN_NAME.search(name)
    if points is not None and not max_text:
        max_text = points.group("points")
        name = name[: points.start()].strip()
    return match.group("code"), name, max_text


_BRACKET_LINE = re.compile(r"^\s*(?:[-+•*–]|[a-zđ]\))\s*|:\s*\d")
_JOINING_END = re.compile(r"(?:\b(?:và|của|các|với|thuộc)|[,\-–])$", re.IGNORECASE)


def _name_and_brackets(cell: str) -> tuple[str, str]:
    """An item's name (its lines up to the first that starts a bracket, joined: a PDF wraps long names) and the
    brackets written under it."""
    lines = cell.split("\n")
    for index, line in enumerate(lines):
        if index and _BRACKET_LINE.search(line):
            return " ".join(lines[:index]).strip(" :"), "\n".join(lines[index:])
    return " ".join(lines).strip(" :"), ""


def prose(text: str) -> str:
    """Free text with the line wraps of a PDF cell undone; a line that starts with a bullet stays a line."""
    lines: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if lines and line and not re.match(r"^[-+•–]", line):
            lines[-1] = f"{lines[-1]} {line}"
        elif line:
            lines.append(line)
    return "\n".join(lines)


def agencies_of(text: str) -> list[str]:
    """The agencies of a Chủ trì or Phối hợp cell: one per line or between semicolons. A line that starts in
    lower case, or follows one ending in "và", "của" or a comma, continues the name a PDF wrapped."""
    names: list[str] = []
    for part in text.split(";"):
        for raw in part.split("\n"):
            line = raw.strip().lstrip("-–+• ").strip()
            if not line:
                continue
            if (
                names
                and (line[:1].islower() or _JOINING_END.search(names[-1]))
                and not raw.strip().startswith("-")
            ):
                names[-1] = f"{names[-1]} {line}"
            else:
                names.append(line)
        names.append("")  # a semicolon always ends a name
    return [n.strip(" ,.;") for n in names if n.strip(" ,.;")]


def _slug(stem: str) -> str:
    slug = re.sub(r"[^a-z0-9._-]+", "-", fold(stem)).strip("-._")
    return (slug or "phuong-phap")[:60] if len(slug) >= 2 else "phuong-phap"


def _column_of(header: str) -> str | None:
    folded = fold(header).strip(" .:")
    for key, (contains, exact) in _COLUMNS.items():
        if key == "max" and any(
            word in folded for word in ("nam ", "dat ", "tu danh gia", "tham dinh", "ket qua")
        ):
            continue
        if folded in exact or any(word in folded for word in contains):
            return key
    return None


def _find_columns(rows: Sequence[DocumentRow]) -> tuple[int, dict[str, int]]:
    """The first row holding a name and a maximum column (and the row under it, for a two-row header)."""
    for index, row in enumerate(rows[:200]):
        found: dict[str, int] = {}
        for position, cell in enumerate(row.cells):
            key = _column_of(cell)
            if key is not None and key not in found:
                found[key] = position
        if "name" in found and "max" in found:
            if index + 1 < len(
                rows
            ):  # sub-headers under a group header ("Cơ quan thực hiện": chủ trì, phối hợp)
                for position, cell in enumerate(rows[index + 1].cells):
                    key = _column_of(cell)
                    if key is not None and key not in found:
                        found[key] = position
            return index, found
    raise ImportFileError("appendix.no_criteria_table")


class _Reader:
    def __init__(self, rows: Sequence[DocumentRow], columns: dict[str, int], source: str, lang: Lang) -> None:
        self.rows = rows
        self.columns = columns
        self.source = source
        self.lang = lang
        self.areas: list[_Node] = []
        self.review: list[ReviewRow] = []
        self.header = tuple(fold(c) for c in rows[0].cells)
        self.roman_areas = False
        self.last: _Node | None = None
        self.declared_total: Decimal | None = None
        self.read_count = 0

    # --- reading rows -----------------------------------------------------------------------------------------

    def cell(self, row: DocumentRow, key: str) -> str:
        position = self.columns.get(key)
        if position is None or position >= len(row.cells):
            return ""
        return row.cells[position].strip()

    def flag(self, row: DocumentRow, key: str, **params: Any) -> None:
        self.review.append(
            ReviewRow(row.where(self.lang), row.text[:300], Problem(f"appendix.problem.{key}", params))
        )

    def read(self, header_at: int) -> None:
        self.header = tuple(fold(c) for c in self.rows[header_at].cells)
        for row in self.rows[header_at + 1 :]:
            if self._skippable(row):
                continue
            self.read_count += 1
            self._row(row)

    def _skippable(self, row: DocumentRow) -> bool:
        folded = tuple(fold(c) for c in row.cells)
        if folded == self.header[: len(folded)] or sum(_column_of(c) is not None for c in row.cells) >= 2:
            return True  # the header again, on a new page (or its second row)
        filled = [c for c in row.cells if c.strip()]
        return bool(filled) and all(_NUMBERING.match(c.strip()) for c in filled) and len(filled) >= 3

    def _row(self, row: DocumentRow) -> None:
        # A PDF wraps "1.1.1" in a narrow column: a code never holds spaces.
        code = re.sub(r"\s+", "", self.cell(row, "code")).rstrip(".")
        name = self.cell(row, "name")
        max_text = self.cell(row, "max")
        if not name and len(code) > 6:  # "I. CÔNG TÁC CHỈ ĐẠO ... (9 điểm)" in one cell merged across the row
            code, name, max_text = _split_merged(self.cell(row, "code"), max_text)
        if not code and fold(name).startswith(("tong cong", "tong diem", "tong so diem", "cong")):
            self._total(row, max_text)
            return
        if not code and not max_text:
            if self.last is not None and (name or self.cell(row, "note")):
                self._continue(self.last, row)  # the rest of a row cut by a page break, or a line of brackets
            return
        level, full_code = self._place(code, row)
        if level is None:
            self.flag(row, "unknown_code", code=code)
            return
        first, rest = _name_and_brackets(name)
        node = _Node(full_code, level, first, row, max_text=max_text)
        node.note = "\n".join(x for x in (rest, self.cell(row, "note")) if x)
        for key in ("target", "evidence", "lead", "partners", "deadline"):
            value = self.cell(row, key)
            if value:
                node.extra[key] = value
        node.max_points = read_points(max_text)
        if not node.name:
            self.flag(row, "no_name", code=full_code)
            node.name = full_code
        self._attach(node)
        self.last = node

    def _total(self, row: DocumentRow, max_text: str) -> None:
        total = read_points(max_text)
        if total is not None:
            self.declared_total = total

    def _continue(self, node: _Node, row: DocumentRow) -> None:
        name = self.cell(row, "name")
        note = self.cell(row, "note")
        if name and node.level < 2 and not node.children and read_brackets(name) is None:
            node.name = f"{node.name} {name}".strip()
        elif name:
            node.note = "\n".join(x for x in (node.note, name) if x)
        if note:
            node.note = "\n".join(x for x in (node.note, note) if x)
        for key in ("target", "evidence", "lead", "partners", "deadline"):
            value = self.cell(row, key)
            if value:
                node.extra[key] = "\n".join(x for x in (node.extra.get(key, ""), value) if x)

    def _place(self, code: str, row: DocumentRow) -> tuple[int | None, str]:
        """The level and the full dotted code of a row's code."""
        area = self.areas[-1] if self.areas else None
        criterion = area.children[-1] if area is not None and area.children else None
        if _ROMAN.match(code) or (len(code) == 1 and code.isalpha() and code.isupper()):
            self.roman_areas = True
            return 0, str(len(self.areas) + 1)
        if _DOTTED.match(code):
            parts = code.split(".")
            if self.roman_areas:
                if area is None:
                    return None, code
                return (1 if len(parts) == 1 else 2 if len(parts) == 2 else None), f"{area.code}.{code}"
            return (len(parts) - 1 if len(parts) <= 3 else None), code
        if (_LETTER.match(code.rstrip(")").lower()) or code in ("-", "+", "•")) and criterion is not None:
            return 2, f"{criterion.code}.{len(criterion.children) + 1}"
        if not code and criterion is not None:
            return 2, f"{criterion.code}.{len(criterion.children) + 1}"
        return None, code

    def _attach(self, node: _Node) -> None:
        if node.level == 0:
            self.areas.append(node)
            return
        if not self.areas:
            self.flag(node.row, "no_parent", code=node.code)
            return
        area = self.areas[-1]
        if node.level == 1:
            area.children.append(node)
            return
        if not area.children:
            self.flag(node.row, "no_parent", code=node.code)
            return
        area.children[-1].children.append(node)

    # --- building the methodology ----------------------------------------------------------------------------

    def result(self, methodology_id: str) -> MethodologyImport:
        areas = [a for a in map(self._area, self.areas) if a is not None]
        if not areas:
            raise ImportFileError("appendix.no_items")
        total = sum((Decimal(str(a["max_points"])) for a in areas), Decimal(0))
        survey = sum(
            (
                Decimal(str(node["max_points"]))
                for a in areas
                for c in a["criteria"]
                for node in (c.get("sub_criteria") or [c])
                if node.get("assessment") == "survey"
            ),
            Decimal(0),
        )
        if self.declared_total is not None and self.declared_total != total:
            self.review.append(
                ReviewRow(
                    "-",
                    "",
                    Problem(
                        "appendix.problem.total",
                        {"declared": float(self.declared_total), "sum": float(total)},
                    ),
                )
            )
        data = {
            "id": methodology_id,
            "name_vi": t("appendix.name", "vi", file=self.source),
            "name_en": t("appendix.name", "en", file=self.source),
            "source": self.source,
            "notes": t("appendix.notes", "vi", file=self.source, review=len(self.review)),
            "total_points": total,
            "self_assessed_points": total - survey,
            "survey_points": survey,
            "areas": areas,
        }
        try:
            methodology = methodology_from_mapping(data)
        except MethodologyError as exc:
            raise ImportFileError("appendix.invalid", problems=exc.problems) from None
        return MethodologyImport(methodology, tuple(self.review), self.read_count)

    def _common(self, node: _Node) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": node.code,
            "name_vi": node.name,
            "source": f"{self.source}, {node.row.where('vi')}",
        }
        extra = node.extra
        for key, field_name in (
            ("target", "completion_target"),
            ("evidence", "evidence_document"),
            ("deadline", "deadline"),
        ):
            if key in extra:
                data[field_name] = prose(extra[key])
        for key, field_name in (("lead", "lead_agencies"), ("partners", "partner_agencies")):
            if key in extra:
                data[field_name] = agencies_of(extra[key])
        return data

    def _area(self, node: _Node) -> dict[str, Any] | None:
        criteria = [c for c in map(self._criterion, node.children) if c is not None]
        if not criteria:
            self.flag(node.row, "empty_area", code=node.code)
            return None
        data = self._common(node)
        self._summed(node, data, criteria)
        data["criteria"] = criteria
        return data

    def _criterion(self, node: _Node) -> dict[str, Any] | None:
        data = self._common(node)
        if node.children:
            subs = [s for s in map(self._item, node.children) if s is not None]
            if not subs:
                return None
            self._summed(node, data, subs)
            data["sub_criteria"] = subs
            return data
        item = self._item(node)
        return item

    def _summed(self, node: _Node, data: dict[str, Any], children: list[dict[str, Any]]) -> None:
        """A parent's maximum is the sum of its children's: a different written maximum is flagged, a missing
        one is labelled as an inference."""
        total = sum((Decimal(str(child["max_points"])) for child in children), Decimal(0))
        if node.max_points is not None and node.max_points != total:
            self.flag(node.row, "sum", code=node.code, written=float(node.max_points), sum=float(total))
        data["max_points"] = total
        if node.max_points is None:
            data["max_basis"] = "inference"

    def _item(self, node: _Node) -> dict[str, Any] | None:
        data = self._common(node)
        survey = any(word in fold(f"{node.name} {node.max_text} {node.note}") for word in SURVEY_WORDS)
        if node.max_points is None:
            self.flag(node.row, "no_max", code=node.code)
            return None
        data["max_points"] = node.max_points
        if survey:
            data["assessment"] = "survey"
            data["rule"] = {
                "type": "survey",
                "basis": "assumption",
                "assumption": t("appendix.survey_assumption", "vi"),
            }
            return data
        brackets = (
            read_brackets(
                node.note,
                max_points=node.max_points,
                source=f"{self.source}: “{' '.join(node.note.split())[:240]}”",
            )
            if node.note
            else None
        )
        if brackets is not None and brackets.rule is not None:
            data["rule"] = brackets.rule.model_dump(mode="json", exclude_defaults=True)
            return data
        if brackets is not None:
            self.flag(node.row, f"brackets_{brackets.problem}", code=node.code)
        else:
            self.flag(node.row, "no_brackets", code=node.code)
        data["rule"] = {
            "type": "yes_no",
            "basis": "assumption",
            "assumption": t("appendix.all_or_nothing", "vi"),
        }
        return data
