"""Reading and writing methodologies as YAML or JSON (Excel lives in planner.files.excel).

A province holds the official table of its scheme, so loading one must be as safe and as clear as loading our
own: every failure is a MethodologyError whose problems name the path (`areas.2.criteria.0.max_points`) or the
code at fault, and nothing is returned unless the whole tree validates.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import yaml
from pydantic import ValidationError

from planner.core.errors import MethodologyError
from planner.core.json_text import JsonTooDeep, parse_json, where_json_fails
from planner.core.yaml_text import read_yaml
from planner.methodology.index import get_index
from planner.methodology.model import Methodology
from planner.methodology.scenario import validation_problems


def methodology_from_mapping(data: Any) -> Methodology:
    """A validated Methodology from parsed YAML/JSON."""
    if not isinstance(data, Mapping):
        raise MethodologyError("methodology.invalid_data")
    try:
        methodology = Methodology.model_validate(data)
    except ValidationError as exc:
        raise MethodologyError("methodology.invalid_data", problems=validation_problems(exc)) from None
    _check_index(methodology)
    return methodology


def _check_index(m: Methodology) -> None:
    """A scheme must name a known index. Its total may differ from the index's scale while a province edits
    it (a row added before another is trimmed); a score above the scale is refused where it is ranked."""
    get_index(m.index)


def methodology_to_mapping(m: Methodology) -> dict[str, Any]:
    """A plain mapping that `methodology_from_mapping` reads back to an equal Methodology."""
    data: dict[str, Any] = _plain(m.model_dump(mode="python", exclude_defaults=True))
    data["id"] = m.id
    return {"id": data.pop("id"), **data}


def _plain(value: Any) -> Any:
    """Decimals as numbers (integers when whole) and tuples as lists, so YAML and JSON read naturally."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def methodology_from_yaml(text: str | bytes) -> Methodology:
    try:
        data = read_yaml(text, allow_aliases=False)
    except UnicodeDecodeError as exc:
        raise MethodologyError("methodology.not_utf8", byte=exc.start + 1) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        raise MethodologyError("methodology.bad_yaml", line=line, column=column) from None
    return methodology_from_mapping(data)


def methodology_from_json(text: str | bytes) -> Methodology:
    try:
        data = parse_json(text)
    except JsonTooDeep:
        raise MethodologyError("methodology.json_too_deep") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        kind, where = where_json_fails(exc)
        raise MethodologyError(f"methodology.{kind}", **where) from None
    return methodology_from_mapping(data)


def methodology_to_yaml(m: Methodology) -> str:
    return yaml.safe_dump(methodology_to_mapping(m), allow_unicode=True, sort_keys=False, width=110)


def methodology_to_json(m: Methodology) -> str:
    return json.dumps(methodology_to_mapping(m), ensure_ascii=False, indent=2)


def with_id(m: Methodology, methodology_id: str) -> Methodology:
    """`m` under another id, validated like any loaded scheme (a copy to edit, an upload whose id is taken, a
    user's --id). model_copy would skip the id's pattern check."""
    if methodology_id == m.id:
        return m
    return methodology_from_mapping({**methodology_to_mapping(m), "id": methodology_id})
