"""Saved methodologies: a scheme a province loaded, kept in the store for every session, each save a version;
on a real SQLite file and a real PostgreSQL server."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from planner.core.errors import StoreError
from planner.methodology.catalog import load_bundled_methodology
from planner.methodology.files import methodology_from_mapping, methodology_to_mapping
from planner.methodology.model import Methodology
from planner.store import ScenarioStore


def scheme(scheme_id: str = "qd-tinh-2026", *, name: str = "Bộ chỉ số của tỉnh 2026") -> Methodology:
    data: dict[str, Any] = methodology_to_mapping(load_bundled_methodology("qd2636-2018"))
    return methodology_from_mapping({**data, "id": scheme_id, "name_vi": name})


def test_a_saved_scheme_reads_back_equal_and_saving_it_again_writes_nothing(store: ScenarioStore) -> None:
    first = store.save_methodology(scheme(), "Sở Nội vụ", note="đọc từ phụ lục")
    assert (first.scheme_id, first.version, first.items, first.saved_by) == (
        "qd-tinh-2026",
        1,
        84,
        "Sở Nội vụ",
    )
    again = store.save_methodology(scheme(), "Người khác")
    assert again == first  # the same content: no new version
    saved, m = store.get_methodology("qd-tinh-2026")
    assert saved == first and m == scheme()


def test_every_change_is_a_new_version_and_old_ones_stay(store: ScenarioStore) -> None:
    store.save_methodology(scheme(), "An")
    second = store.save_methodology(scheme(name="Bộ chỉ số của tỉnh 2026 (sửa)"), "Bình")
    assert second.version == 2
    assert [v.version for v in store.methodology_history("qd-tinh-2026")] == [2, 1]
    assert store.get_methodology("qd-tinh-2026", 1)[1].name_vi == "Bộ chỉ số của tỉnh 2026"
    assert store.get_methodology("qd-tinh-2026")[1].name_vi.endswith("(sửa)")
    assert [(s.scheme_id, s.version) for s in store.list_methodologies()] == [("qd-tinh-2026", 2)]


def test_another_session_of_the_server_sees_what_one_saved(store: ScenarioStore, store_url: str) -> None:
    store.save_methodology(scheme("qd-a"), "An")
    with ScenarioStore.open(store_url) as other:
        assert [s.scheme_id for s in other.list_methodologies()] == ["qd-a"]
        assert other.get_methodology("qd-a")[1].id == "qd-a"


def test_a_bundled_id_and_an_unknown_id_are_refused(store: ScenarioStore) -> None:
    with pytest.raises(StoreError) as bundled:
        store.save_methodology(load_bundled_methodology("qd2636-2018"), "An")
    assert bundled.value.key == "store.methodology_bundled_id"
    with pytest.raises(StoreError) as missing:
        store.get_methodology("khong-co")
    assert missing.value.key == "store.methodology_not_found"
    assert store.list_methodologies() == [] and store.methodology_history("khong-co") == []


def test_concurrent_saves_of_one_scheme_lose_no_version(store: ScenarioStore) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def saver(n: int) -> None:
        try:
            barrier.wait()
            store.save_methodology(scheme(name=f"Bản {n}"), f"người {n}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=saver, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    history = store.methodology_history("qd-tinh-2026")
    assert sorted(v.version for v in history) == [1, 2, 3, 4, 5, 6]
    assert len({v.name for v in history}) == 6
