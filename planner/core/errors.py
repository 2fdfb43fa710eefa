"""The error families of PAR Planner.

Every failure a user can cause (a malformed file, an unknown code, an out-of-range value) is raised as a
`PlannerError` carrying a translation key and parameters, never as a bare message, so that the CLI and the app
can show it in the user's language and no traceback ever reaches a user. One subclass per failure family lets
callers catch exactly what they can handle.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from planner.core.i18n import Lang, t


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, with where it is (a code, a row and column, a JSON path)."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def message(self, lang: Lang = "vi") -> str:
        return t(self.key, lang, **self.params)


class PlannerError(Exception):
    """Base of every error a user can cause. `key` names a message in translations.yaml."""

    def __init__(self, key: str, /, problems: Sequence[Problem] = (), **params: Any) -> None:
        self.key = key
        self.params: dict[str, Any] = dict(params)
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.message("en"))

    def message(self, lang: Lang = "vi") -> str:
        """The headline in the user's language, without the list of problems."""
        return t(self.key, lang, **self.params)

    def messages(self, lang: Lang = "vi") -> list[str]:
        """The headline followed by every individual problem, for the UI's validation list."""
        return [self.message(lang), *(p.message(lang) for p in self.problems)]

    def one_line(self, lang: Lang = "vi", limit: int = 3) -> str:
        """A single line for the CLI: the headline and the first few problems."""
        parts = [p.message(lang) for p in self.problems[:limit]]
        more = len(self.problems) - limit
        if more > 0:
            parts.append(t("errors.and_more", lang, n=more))
        head = self.message(lang)
        return head if not parts else f"{head}: " + "; ".join(parts)


class MethodologyError(PlannerError):
    """A methodology is malformed: duplicate codes, maxima that do not add up, bad rules."""


class ScenarioError(PlannerError):
    """A scenario does not fit its methodology: unknown codes, levels or values out of range."""


class ImportFileError(PlannerError):
    """A file the user gave cannot be read: wrong type, missing sheet or column, too large, corrupt."""


class FieldError(PlannerError):
    """A competitor field cannot be built or used: unknown province or year, bad results table."""


class OptimiseError(PlannerError):
    """The optimiser cannot run on the given inputs (the solver's infeasibility is a result, not an error)."""


class OptimiseTimeLimit(OptimiseError):
    """The solver stopped on its time limit with nothing proved (key optimise.time_limit). Its own type because
    the path's shortcuts and blocker analysis give up quietly on it, and on nothing else."""


class StoreError(PlannerError):
    """The scenario store failed: unknown id, version conflict, database unreachable."""


class TrackingError(PlannerError):
    """A tracked plan cannot take an update: an unknown row, another agency's row, a workbook for another plan
    or agency, a level the item does not have, a review date that cannot be read."""
