"""The base of every domain model.

Frozen, so a model is a value: it cannot change under a page that holds it, it hashes by value and can key a
cache; `extra="forbid"`, so a misspelt field in a data file or a newer file format is refused rather than
silently dropped.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class FrozenModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
