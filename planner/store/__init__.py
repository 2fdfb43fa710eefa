"""The scenario store: saved scenarios with version history and autosave, in SQLite or PostgreSQL.

See docs/store.md for where the data lives, PostgreSQL, migrations, conflicts and autosave.

May import: every layer below it (core, tables, methodology, field, optimiser, tracking, charts, files); in
practice planner.core, planner.tables, planner.methodology, planner.tracking (tracked plans), planner.optimiser
(the overlap links' model) and planner.files.
"""

from planner.store.errors import StoreConflictError
from planner.store.paths import data_home, default_database_path
from planner.store.records import Autosave, SavedMethodology, ScenarioSummary, StoredScenario, VersionInfo
from planner.store.repository import ScenarioStore, database_url

__all__ = [
    "Autosave",
    "SavedMethodology",
    "ScenarioStore",
    "ScenarioSummary",
    "StoreConflictError",
    "StoredScenario",
    "VersionInfo",
    "data_home",
    "database_url",
    "default_database_path",
]
