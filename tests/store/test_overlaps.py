"""The overlap links a province draws between the PAR INDEX and PAPI, in the store on SQLite and PostgreSQL: kept
for every connection, one per pair of items, removed by id, and a row changed by hand refused by name."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import update

from planner.core.errors import StoreError
from planner.optimiser.combined import Overlap, Side
from planner.store import ScenarioStore
from planner.store.models import OverlapLinkRow
from planner.store.overlaps import OverlapLinks


def _link(left: str, right: str, note: str = "Tuyên truyền chung") -> Overlap:
    return Overlap(
        left=Side(methodology="qd2636-2018", codes=(left,)),
        right=Side(methodology="papi-2018", codes=(right,)),
        note_vi=note,
        note_en="Joint outreach",
    )


def test_a_link_is_kept_for_every_connection_and_a_pair_once(store: ScenarioStore, store_url: str) -> None:
    links = OverlapLinks(store)
    first = links.add(_link("1", "P1"), "Hội thảo")
    second = links.add(_link("6.2", "P6"), "Hội thảo")
    assert links.add(_link("1", "P1", "Ghi chú khác"), "Người khác") == first  # the pair keeps its first note
    with ScenarioStore.open(store_url) as other:
        kept = OverlapLinks(other).all()
    assert [k.id for k in kept] == [first, second]
    assert kept[0].overlap == _link("1", "P1") and kept[0].overlap.note("en") == "Joint outreach"


def test_the_same_pair_drawn_at_once_by_several_people_is_kept_once(store: ScenarioStore) -> None:
    links = OverlapLinks(store)
    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = set(pool.map(lambda _: links.add(_link("2", "P2"), "Hội thảo"), range(8)))
    assert len(ids) == 1 and [k.id for k in links.all()] == list(ids)


def test_a_link_is_removed_by_id_and_an_unknown_id_says_so(store: ScenarioStore) -> None:
    links = OverlapLinks(store)
    kept = links.add(_link("1", "P1"), "Hội thảo")
    gone = links.add(_link("3", "P3"), "Hội thảo")
    links.remove(gone)
    assert [k.id for k in links.all()] == [kept]
    with pytest.raises(StoreError) as raised:
        links.remove(gone)
    assert raised.value.key == "store.overlap_not_found" and gone in raised.value.message("vi")


def test_a_row_changed_outside_the_app_is_named_not_dropped(store: ScenarioStore) -> None:
    links = OverlapLinks(store)
    link_id = links.add(_link("1", "P1"), "Hội thảo")
    with store.engine.begin() as connection:
        connection.execute(update(OverlapLinkRow).values(content='{"left": "?"}'))
    with pytest.raises(StoreError) as raised:
        links.all()
    assert raised.value.key == "store.overlap_unreadable" and link_id in raised.value.message("en")
