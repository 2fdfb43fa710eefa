"""PostgreSQL backup and restore, the way the README's deployment notes say to do it: `pg_dump --format=custom`
of the store's schema, the schema lost, `pg_restore` into it, and the store opened again with everything there
(saved scenarios with their versions, saved methodologies, tracked plans with their reports and agency links,
the PAR-PAPI links)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from postgres_server import PostgresServer, find_bin_dir
from sqlalchemy.engine import make_url

from planner.methodology.scenario import Scenario
from planner.optimiser.combined import Overlap, Side
from planner.store import ScenarioStore
from planner.store.overlaps import OverlapLinks
from planner.store.tracked import TrackedPlans
from planner.tracking.model import Progress
from tests.tracking_fixtures import lao_cai_baseline, methodology, tracked_plan


def _connection_args(url: str) -> list[str]:
    parsed = make_url(url)
    host = parsed.query.get("host") or parsed.host or "localhost"
    return [
        "--host",
        str(host),
        "--port",
        str(parsed.port or 5432),
        "--username",
        parsed.username or "postgres",
        "--dbname",
        parsed.database or "postgres",
    ]


def test_a_dump_restored_into_an_empty_schema_brings_everything_back(
    postgres_server: PostgresServer | None, tmp_path: Path
) -> None:
    if postgres_server is None or postgres_server.root is None:
        pytest.skip("needs the suite's own PostgreSQL server (pg_dump and pg_restore beside it)")
    bin_dir = find_bin_dir()
    assert bin_dir is not None
    url, schema = postgres_server.fresh_url()
    try:
        with ScenarioStore.open(url) as store:
            saved = store.create(lao_cai_baseline(), "Sở Nội vụ", name="Lào Cai 2019")
            store.save(
                saved.id,
                lao_cai_baseline().model_copy(update={"notes": "bản 2"}),
                "Sở Nội vụ",
                expected_version=1,
            )
            plans = TrackedPlans(store)
            plan_id = plans.create(tracked_plan(), "Sở Nội vụ")
            plans.report(plan_id, methodology(), [("8.2", Progress(status="done", evidence="QĐ 9"))])
            links = plans.issue_links(plan_id)
            overlap = OverlapLinks(store).add(
                Overlap(
                    left=Side(methodology="qd2636-2018", codes=("1",)),
                    right=Side(methodology="papi-2018", codes=("P1",)),
                    note_vi="Tuyên truyền chung",
                ),
                "Sở Nội vụ",
            )
        dump = tmp_path / "par-planner.dump"
        connection = _connection_args(postgres_server.admin_url)
        subprocess.run(
            [
                str(bin_dir / "pg_dump"),
                *connection,
                "--format=custom",
                f"--schema={schema}",
                f"--file={dump}",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        postgres_server.drop_schema(schema)  # the disaster
        subprocess.run(
            [str(bin_dir / "pg_restore"), *connection, "--exit-on-error", str(dump)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        with ScenarioStore.open(url) as store:
            again = store.get(saved.id)
            assert again.version.version == 2 and again.scenario.notes == "bản 2"
            assert isinstance(store.get(saved.id, version=1).scenario, Scenario)
            plans = TrackedPlans(store)
            assert plans.get(plan_id).progress("8.2").evidence == "QĐ 9"
            assert plans.agency_of(links["Sở Tài chính"]) == (plan_id, "Sở Tài chính")
            assert [k.id for k in OverlapLinks(store).all()] == [overlap]
    finally:
        postgres_server.drop_schema(schema)
