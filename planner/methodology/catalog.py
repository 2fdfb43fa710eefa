"""The bundled data under data/: methodologies, known scheme versions, examples.

The data folder sits beside the package in a checkout (the app is run from the repository); set
PAR_PLANNER_DATA_DIR to use another folder. Every bundled file is validated when loaded, so a broken edit to the
data fails loudly at start-up and in the tests, never silently in a meeting.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from planner.core.data import data_dir
from planner.core.errors import MethodologyError
from planner.core.i18n import Lang
from planner.core.yaml_text import read_yaml
from planner.methodology.files import methodology_from_mapping
from planner.methodology.model import Methodology


def _methodology_files() -> dict[str, Path]:
    folder = data_dir() / "methodologies"
    files: dict[str, Path] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name.startswith("_") or path.stem == "versions":
            continue
        files[path.stem] = path
    return files


def bundled_methodology_ids() -> tuple[str, ...]:
    return tuple(_methodology_files())


@cache
def load_bundled_methodology(methodology_id: str) -> Methodology:
    """A bundled methodology by id (the file name without .yaml), validated, loaded once per process."""
    files = _methodology_files()
    path = files.get(methodology_id)
    if path is None:
        raise MethodologyError("methodology.unknown", id=methodology_id, known=", ".join(files) or "-")
    data: Any = read_yaml(path.read_text(encoding="utf-8"))
    return methodology_from_mapping(data)


class SchemeVersion(BaseModel):
    """What is known of one methodology decision, whether or not its table is bundled."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    decision: str
    date: str = ""
    #: The years the decision scores, as the sources put it (English notes); `index_years_vi` where those notes
    #: need words, so the Vietnamese page never shows the English ones.
    index_years: str = ""
    index_years_vi: str = ""
    areas: int | None = None
    criteria: int | None = None
    sub_criteria: int | None = None
    total_points: float | None = None
    self_assessed_points: float | None = None
    survey_points: float | None = None
    bundled_methodology: str | None = None
    status_vi: str = ""
    status_en: str = ""
    notes: str = ""
    source_url: str = ""

    def years_text(self, lang: Lang = "vi") -> str:
        return (self.index_years_vi or self.index_years) if lang == "vi" else self.index_years


@cache
def known_scheme_versions() -> tuple[SchemeVersion, ...]:
    """The methodology versions described in data/methodologies/versions.yaml (metadata only)."""
    path = data_dir() / "methodologies" / "versions.yaml"
    if not path.exists():
        return ()
    raw = read_yaml(path.read_text(encoding="utf-8")) or {}
    return tuple(SchemeVersion.model_validate(row) for row in raw.get("versions", []))
