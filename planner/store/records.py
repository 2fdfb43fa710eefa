"""What the store hands back: frozen values, detached from any database session."""

from __future__ import annotations

from datetime import datetime

from planner.core.model import FrozenModel
from planner.methodology.scenario import Scenario


class ScenarioSummary(FrozenModel):
    """One line of the scenario list: what a user needs to pick a scenario, without its content."""

    id: str
    name: str
    owner: str
    methodology: str
    province: str | None
    year: int | None
    created_at: datetime
    updated_at: datetime
    current_version: int
    deleted: bool
    copied_from: str | None = None


class VersionInfo(FrozenModel):
    """One entry of a scenario's history."""

    scenario_id: str
    version: int
    name: str
    saved_at: datetime
    saved_by: str
    note: str
    restored_from: int | None = None


class StoredScenario(FrozenModel):
    """A scenario as saved: its metadata, the version read (the current one unless asked otherwise), content."""

    summary: ScenarioSummary
    version: VersionInfo
    scenario: Scenario

    @property
    def id(self) -> str:
        return self.summary.id

    @property
    def name(self) -> str:
        return self.summary.name

    @property
    def version_number(self) -> int:
        return self.version.version

    @property
    def current_version(self) -> int:
        return self.summary.current_version

    @property
    def is_current(self) -> bool:
        """Whether this is the newest version (saving on top of an older one is a conflict)."""
        return self.version.version == self.summary.current_version


class Autosave(FrozenModel):
    """A session's working scenario as last autosaved, and which stored version it started from, if any."""

    session_key: str
    scenario: Scenario
    scenario_id: str | None
    base_version: int | None
    updated_at: datetime


class SavedMethodology(FrozenModel):
    """One saved version of a scheme: which, when, by whom, and how big (its content is read on demand)."""

    scheme_id: str
    version: int
    name: str
    digest: str
    items: int
    saved_at: datetime
    saved_by: str
    note: str
