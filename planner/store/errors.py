"""The store's one error that carries data: a version conflict, with the newer version attached."""

from __future__ import annotations

from planner.core.errors import StoreError
from planner.store.records import StoredScenario


class StoreConflictError(StoreError):
    """Someone saved a newer version since the one being edited.

    Nothing was written. `current` is the newer version (who saved it, when, its content), so the app can show
    it and offer to save the user's work as a copy instead of overwriting it.
    """

    def __init__(self, current: StoredScenario, expected_version: int) -> None:
        super().__init__(
            "store.conflict",
            name=current.name,
            expected=expected_version,
            version=current.version_number,
            saved_by=current.version.saved_by or "?",
        )
        self.current = current
        self.expected_version = expected_version
