"""The overlap links a province draws between two indices' schemes, kept in the store for every session.

A link says one action serves an item of the PAR INDEX and one of PAPI (planner.optimiser.combined.Overlap): a note
in the combined plan by agency, never points. Drawn in a workshop, it belongs to the province's plan, not to the
browser tab that drew it, so it is kept where saved methodologies and tracked plans are. One link per pair of
items: drawing the same pair again keeps the first, and its note.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from planner.core.errors import StoreError
from planner.optimiser.combined import Overlap
from planner.store.labels import clean_owner
from planner.store.models import OverlapLinkRow, utc_now
from planner.store.repository import ScenarioStore


@dataclass(frozen=True)
class StoredOverlap:
    id: str
    overlap: Overlap


def pair_of(overlap: Overlap) -> str:
    """The key that makes a link unique: both sides, in the order drawn."""
    sides = (overlap.left, overlap.right)
    return " / ".join(f"{side.methodology}|{','.join(side.codes)}" for side in sides)


class OverlapLinks:
    """The user's overlap links of one store (a ScenarioStore's database)."""

    def __init__(self, store: ScenarioStore) -> None:
        self._store = store

    def add(self, overlap: Overlap, owner: str) -> str:
        """Keep `overlap` and return its id; a pair already linked keeps its first link (that id is returned)."""
        pair = pair_of(overlap)
        if len(pair) > 300:
            raise StoreError("store.overlap_too_long", pair=pair[:80])

        def work(session: Session) -> str:
            found = session.scalars(select(OverlapLinkRow.id).where(OverlapLinkRow.pair == pair)).first()
            if found is not None:
                return found
            link_id = str(uuid.uuid4())
            session.add(
                OverlapLinkRow(
                    id=link_id,
                    pair=pair,
                    content=overlap.model_dump_json(),
                    saved_at=utc_now(),
                    saved_by=clean_owner(owner),
                )
            )
            session.flush()  # two sessions drawing the same pair at once: the second fails here and is retried
            return link_id

        return self._store.write(work)

    def all(self) -> tuple[StoredOverlap, ...]:
        """Every link, oldest first. A row that no longer reads as a link (edited by hand) is a StoreError
        naming it, not a link silently dropped."""
        query = select(OverlapLinkRow).order_by(OverlapLinkRow.saved_at, OverlapLinkRow.id)
        with self._store.reading() as session:
            rows = list(session.scalars(query))
        out: list[StoredOverlap] = []
        for row in rows:
            try:
                out.append(StoredOverlap(row.id, Overlap.model_validate_json(row.content)))
            except ValidationError:
                raise StoreError("store.overlap_unreadable", id=row.id) from None
        return tuple(out)

    def remove(self, link_id: str) -> None:
        def work(session: Session) -> None:
            row = session.get(OverlapLinkRow, link_id)
            if row is None:
                raise StoreError("store.overlap_not_found", id=link_id)
            session.delete(row)

        self._store.write(work)
