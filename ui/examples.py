"""The worked examples the app opens on (data/examples/), as workspaces: a baseline and a target.

Lào Cai's 2019 plan is the default: its illustrative 2018 baseline (78.47 points, 21st of 63) and its target,
the top 20 in 2019. Examples of the same province, year and methodology form one workspace: the one opened is the
baseline and the others open beside it as further scenarios (Lào Cai with every target met). A scenario opened
from a share link is measured against the example of its province, year and methodology, else against itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import streamlit as st
import yaml

from planner.core.data import data_dir
from planner.core.i18n import Lang
from planner.methodology.scenario import DEFAULT_METHODOLOGY_ID, Scenario, scenario_from_json
from ui.state import Workspace

DEFAULT_EXAMPLE = "lao-cai-2019"


@dataclass(frozen=True)
class Example:
    """One entry of data/examples/index.yaml with its scenario loaded."""

    id: str
    name_vi: str
    name_en: str
    description_vi: str
    description_en: str
    scenario: Scenario
    illustrative: bool
    target_rank: int | None
    #: The first year of a plan over several years (the path page opens on it; the target is the scenario's).
    path_from: int | None = None

    def name(self, lang: Lang) -> str:
        return self.name_vi if lang == "vi" else (self.name_en or self.name_vi)

    def description(self, lang: Lang) -> str:
        return self.description_vi if lang == "vi" else (self.description_en or self.description_vi)

    @property
    def key(self) -> tuple[str | None, int | None, str]:
        """Examples with the same province, year and methodology belong to one workspace."""
        return (self.scenario.province, self.scenario.year, self.scenario.methodology)


def _index() -> dict[str, Any]:
    index = data_dir() / "examples" / "index.yaml"
    if not index.exists():
        return {}
    raw = yaml.safe_load(index.read_text(encoding="utf-8"))
    return raw if isinstance(raw, dict) else {}


@st.cache_resource(show_spinner=False)
def all_examples() -> dict[str, Example]:
    """Every bundled example, in index order (tests/methodology/test_examples.py holds each one loadable)."""
    folder = data_dir() / "examples"
    out: dict[str, Example] = {}
    for row in _index().get("examples", []):
        scenario = scenario_from_json((folder / row["file"]).read_bytes())
        out[row["id"]] = Example(
            id=row["id"],
            name_vi=row.get("name_vi", row["id"]),
            name_en=row.get("name_en", ""),
            description_vi=row.get("description_vi", ""),
            description_en=row.get("description_en", ""),
            scenario=scenario,
            illustrative=bool(row.get("illustrative", True)),
            target_rank=row.get("target_rank"),
            path_from=row.get("path_from"),
        )
    return out


def default_example_id() -> str | None:
    examples = all_examples()
    wanted = _index().get("default", DEFAULT_EXAMPLE)
    if wanted in examples:
        return str(wanted)
    return next(iter(examples), None)


def siblings(ex: Example) -> list[Example]:
    """The other examples of the same workspace (e.g. Lào Cai with every target met), opened beside it."""
    return [other for other in all_examples().values() if other.key == ex.key and other.id != ex.id]


def companions(ex: Example) -> list[Example]:
    """The examples of the same province and year on another index (Quảng Ngãi's PAPI beside its PAR INDEX):
    one plan for both indices opens with both, each measured against its own baseline."""
    province, year, methodology = ex.key
    return [
        other
        for other in all_examples().values()
        if other.key[:2] == (province, year) and other.key[2] != methodology
    ]


def example(example_id: str) -> Example | None:
    return all_examples().get(example_id)


def workspace_of(ex: Example) -> Workspace:
    n: Literal[63, 34] = 34 if (ex.scenario.year or 0) >= 2026 else 63
    return Workspace(
        baseline=ex.scenario,
        companions=tuple(other.scenario for other in companions(ex)),
        example_id=ex.id,
        illustrative=ex.illustrative,
        target_rank=ex.target_rank,
        n_provinces=n,
    )


def workspace_for(scenario: Scenario) -> Workspace:
    """The workspace a scenario belongs to: the first example of its province, year and methodology."""
    key = (scenario.province, scenario.year, scenario.methodology)
    for ex in all_examples().values():
        if ex.key == key:
            return workspace_of(ex)
    return Workspace(baseline=scenario)


def blank_workspace() -> Workspace:
    return Workspace(baseline=Scenario(methodology=DEFAULT_METHODOLOGY_ID, name="–"))
