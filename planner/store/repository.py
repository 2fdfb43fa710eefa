"""The scenario store: named scenarios with an append-only version history, and per-session autosave.

Every save appends a version; nothing is overwritten. A save names the version it was based on
(`expected_version`); if someone saved since, nothing is written and a `StoreConflictError` carrying the newer
version is raised, so the app can offer "save as a copy". The version number is read and incremented inside one
transaction that holds the scenario's write lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: SELECT ... FOR UPDATE),
and the (scenario, version) primary key backs this up: two concurrent saves can never both claim a number.

Names and owners are labels in database columns: the store never makes a file path out of them. The only paths
it touches are the ones a caller passes to `export_json`, `import_json` or `import_file` (the CLI, run by the user).

Every method opens its own short session, so one store can be shared by all the threads of a Streamlit server.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, defer, sessionmaker

from planner.core.errors import StoreError
from planner.core.i18n import Lang, t
from planner.files.scenario_file import read_scenario_file
from planner.methodology.catalog import bundled_methodology_ids
from planner.methodology.files import methodology_from_json, methodology_to_json
from planner.methodology.model import Methodology, content_digest
from planner.methodology.scenario import Scenario, scenario_from_json
from planner.store.engine import create_store_engine, is_sqlite, shown_url, writing
from planner.store.errors import StoreConflictError
from planner.store.labels import checked_session_key, clean_name, clean_note, clean_owner, clean_text
from planner.store.migrate import upgrade
from planner.store.models import (
    NAME_LENGTH,
    AutosaveRow,
    MethodologyVersionRow,
    ScenarioRow,
    ScenarioVersionRow,
    utc_now,
)
from planner.store.paths import configured_database_url, default_database_path, sqlite_url
from planner.store.records import Autosave, SavedMethodology, ScenarioSummary, StoredScenario, VersionInfo
from planner.tables.reading import check_upload_size

T = TypeVar("T")

MAX_IMPORT_BYTES = 5 * 1024 * 1024
WRITE_ATTEMPTS = 3
MIN_ID_PREFIX = 4
_ID_CHARS = frozenset("0123456789abcdef-")
_SHORT_FIELD = 100


def database_url(url: str | None = None) -> str:
    """The database to use: `url`, else PAR_PLANNER_DATABASE_URL, else the SQLite file in the data folder
    (the folder is created, readable by the user only)."""
    chosen = url or configured_database_url()
    if chosen:
        return chosen
    path = default_database_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    return sqlite_url(path)


def scenario_content(scenario: Scenario) -> str:
    """The JSON stored for a version: the scenario's own versioned JSON form, compact."""
    return json.dumps(scenario.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))


class ScenarioStore:
    """Repository of saved scenarios. Open with `ScenarioStore.open()`; close (or use as a context manager)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(writing(engine), expire_on_commit=False)

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True) -> ScenarioStore:
        """Connect to the store at `url` (see `database_url`) and bring its schema up to date."""
        resolved = database_url(url)
        engine = create_store_engine(resolved)
        try:
            with _guard(engine):
                if migrate:
                    upgrade(engine)
                else:
                    with engine.connect():
                        pass
        except BaseException:
            engine.dispose()
            raise
        return cls(engine)

    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def url(self) -> str:
        """Where the store is, password masked: for the settings page and error reports."""
        return shown_url(self._engine.url.render_as_string(hide_password=False))

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> ScenarioStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # Reading ----------------------------------------------------------------------------------------------

    def list_scenarios(
        self, owner: str | None = None, *, include_deleted: bool = False
    ) -> list[ScenarioSummary]:
        """The saved scenarios, most recently saved first; only `owner`'s when given."""
        query = select(ScenarioRow).order_by(ScenarioRow.updated_at.desc(), ScenarioRow.name)
        if owner is not None:
            query = query.where(ScenarioRow.owner == clean_owner(owner))
        if not include_deleted:
            query = query.where(ScenarioRow.deleted.is_(False))
        with _guard(self._engine), self._read() as session:
            return [_summary(row) for row in session.scalars(query)]

    def get(self, scenario_id: str, version: int | None = None) -> StoredScenario:
        """A scenario at `version` (the current one when None). Deleted scenarios can still be read."""
        with _guard(self._engine), self._read() as session, session.begin():
            row = _row(session, scenario_id)
            return _stored(
                row, _version_row(session, row, row.current_version if version is None else version)
            )

    def history(self, scenario_id: str) -> list[VersionInfo]:
        """Every version of a scenario, newest first."""
        with _guard(self._engine), self._read() as session, session.begin():
            _row(session, scenario_id)
            rows = session.scalars(
                select(ScenarioVersionRow)
                .options(defer(ScenarioVersionRow.content))  # the history page needs no content
                .where(ScenarioVersionRow.scenario_id == scenario_id)
                .order_by(ScenarioVersionRow.version.desc())
            )
            return [_version_info(row) for row in rows]

    def resolve_id(self, text: str) -> str:
        """The full id of the scenario whose id is `text` or starts with it (at least 4 characters), so the
        CLI accepts the short ids it prints. Ambiguous or unknown prefixes are refused."""
        prefix = text.strip().lower()
        if len(prefix) < MIN_ID_PREFIX or not set(prefix) <= _ID_CHARS:
            raise StoreError("store.not_found", id=text)
        with _guard(self._engine), self._read() as session:
            ids = list(
                session.scalars(select(ScenarioRow.id).where(ScenarioRow.id.startswith(prefix)).limit(3))
            )
        if not ids:
            raise StoreError("store.not_found", id=text)
        if len(ids) > 1 and prefix not in ids:
            raise StoreError("store.ambiguous_id", id=text)
        return prefix if prefix in ids else ids[0]

    # Writing ----------------------------------------------------------------------------------------------

    def create(
        self,
        scenario: Scenario,
        owner: str,
        *,
        name: str | None = None,
        note: str = "",
        copied_from: str | None = None,
    ) -> StoredScenario:
        """Save `scenario` as a new named scenario (version 1). The name is `name`, else the scenario's own."""
        final_name = clean_name(scenario.name if name is None else name)
        owner_label, note_text = clean_owner(owner), clean_note(note)
        content = scenario.model_copy(update={"name": final_name})
        now = utc_now()

        def work(session: Session) -> StoredScenario:
            row = ScenarioRow(
                id=str(uuid.uuid4()),
                created_at=now,
                updated_at=now,
                owner=owner_label,
                current_version=1,
                deleted=False,
                copied_from=copied_from,
            )
            _set_metadata(row, content)
            session.add(row)
            session.flush()  # the scenario row first: the version row refers to it
            first = _version_of(row, 1, content, owner_label, note_text, restored_from=None, now=now)
            session.add(first)
            session.flush()
            return _stored(row, first, content)

        return self._write_txn(work)

    def save(
        self, scenario_id: str, scenario: Scenario, owner: str, expected_version: int, *, note: str = ""
    ) -> StoredScenario:
        """Save `scenario` as the next version of `scenario_id`, if the current version is still
        `expected_version`; otherwise raise StoreConflictError (carrying the newer version) and write nothing.
        An empty scenario name keeps the stored name."""
        owner_label, note_text = clean_owner(owner), clean_note(note)
        name = clean_name(scenario.name) if clean_text(scenario.name) else None

        def work(session: Session) -> StoredScenario:
            row = _locked_row(session, scenario_id)
            _check_expected(session, row, expected_version)
            content = scenario.model_copy(update={"name": name or row.name})
            return _append(session, row, content, owner_label, note_text)

        return self._write_txn(work)

    def save_as_copy(
        self,
        source_id: str,
        scenario: Scenario,
        owner: str,
        *,
        name: str | None = None,
        note: str = "",
        lang: Lang = "vi",
    ) -> StoredScenario:
        """Save `scenario` as a new scenario that remembers it was copied from `source_id` (the way out of a
        conflict). Without `name`, it is called "<name> (copy)" in `lang`."""
        source = self.get(source_id)
        if name is None:
            base = clean_text(scenario.name) or source.name
            suffix = t("store.copy_suffix", lang)
            name = base[: NAME_LENGTH - len(suffix) - 1].rstrip() + " " + suffix
        return self.create(scenario, owner, name=name, note=note, copied_from=source.id)

    def restore(
        self,
        scenario_id: str,
        version: int,
        owner: str,
        *,
        expected_version: int | None = None,
        note: str = "",
    ) -> StoredScenario:
        """Make the content of an old `version` the newest version (history is kept: this appends)."""
        owner_label, note_text = clean_owner(owner), clean_note(note)

        def work(session: Session) -> StoredScenario:
            row = _locked_row(session, scenario_id)
            if expected_version is not None:
                _check_expected(session, row, expected_version)
            old = _version_row(session, row, version)
            content = scenario_from_json(old.content)
            return _append(session, row, content, owner_label, note_text, restored_from=version)

        return self._write_txn(work)

    def rename(
        self, scenario_id: str, name: str, owner: str, *, expected_version: int | None = None
    ) -> StoredScenario:
        """Give a scenario a new name; recorded as a new version (the name is part of the scenario)."""
        new_name = clean_name(name)
        owner_label = clean_owner(owner)

        def work(session: Session) -> StoredScenario:
            row = _locked_row(session, scenario_id)
            if expected_version is not None:
                _check_expected(session, row, expected_version)
            current = _version_row(session, row, row.current_version)
            if row.name == new_name:
                return _stored(row, current)
            content = scenario_from_json(current.content).model_copy(update={"name": new_name})
            return _append(session, row, content, owner_label, "")

        return self._write_txn(work)

    def delete(self, scenario_id: str) -> None:
        """Hide a scenario from the list (soft delete: every version stays and `undelete` brings it back)."""
        self._set_deleted(scenario_id, True)

    def undelete(self, scenario_id: str) -> None:
        self._set_deleted(scenario_id, False)

    def _set_deleted(self, scenario_id: str, deleted: bool) -> None:
        def work(session: Session) -> None:
            row = _locked_row(session, scenario_id, allow_deleted=True)
            row.deleted = deleted

        self._write_txn(work)

    # Autosave ---------------------------------------------------------------------------------------------

    def autosave(
        self,
        session_key: str,
        scenario: Scenario,
        *,
        scenario_id: str | None = None,
        base_version: int | None = None,
    ) -> datetime:
        """Keep `scenario` as the working copy of `session_key`, replacing the previous one in a single
        statement (a reader sees the old row or the new one, never a mix). Returns when it is committed,
        which is when the app may say "autosaved"."""
        key = checked_session_key(session_key)
        now = utc_now()
        values = {
            "session_key": key,
            "content": scenario_content(scenario),
            "scenario_id": scenario_id,
            "base_version": base_version,
            "updated_at": now,
        }
        changed = {name: value for name, value in values.items() if name != "session_key"}

        def work(session: Session) -> None:
            dialect = self._engine.dialect.name
            if dialect == "sqlite":
                lite = sqlite.insert(AutosaveRow).values(**values)
                session.execute(lite.on_conflict_do_update(index_elements=["session_key"], set_=changed))
            elif dialect == "postgresql":
                pg = postgresql.insert(AutosaveRow).values(**values)
                session.execute(pg.on_conflict_do_update(index_elements=["session_key"], set_=changed))
            else:
                session.merge(AutosaveRow(**values))

        self._write_txn(work)
        return now

    def load_autosave(self, session_key: str) -> Autosave | None:
        """The working copy last autosaved under `session_key`, or None."""
        key = checked_session_key(session_key)
        with _guard(self._engine), self._read() as session:
            row = session.get(AutosaveRow, key)
            if row is None:
                return None
            return Autosave(
                session_key=row.session_key,
                scenario=scenario_from_json(row.content),
                scenario_id=row.scenario_id,
                base_version=row.base_version,
                updated_at=row.updated_at,
            )

    def clear_autosave(self, session_key: str) -> None:
        """Forget a session's working copy (after it was saved, or when the user discards it)."""
        key = checked_session_key(session_key)
        self._write_txn(
            lambda session: session.execute(delete(AutosaveRow).where(AutosaveRow.session_key == key))
        )

    def prune_autosaves(self, older_than: timedelta) -> int:
        """Delete working copies untouched for `older_than`; returns how many went."""
        cutoff = utc_now() - older_than

        def work(session: Session) -> int:
            result = session.execute(delete(AutosaveRow).where(AutosaveRow.updated_at < cutoff))
            return int(getattr(result, "rowcount", 0) or 0)

        return self._write_txn(work)

    # Files ------------------------------------------------------------------------------------------------

    def export_json(self, scenario_id: str, path: str | Path, version: int | None = None) -> Path:
        """Write a version (the current one by default) as a scenario JSON file at `path`, exactly the path
        given (only the CLI calls this, with a path its user typed). Written to a temporary file first and
        renamed, so a crash never leaves half a file."""
        stored = self.get(scenario_id, version)
        target = Path(path)
        _write_atomically(target, stored.scenario.to_json() + "\n")
        return target

    def import_json(self, path: str | Path, owner: str, *, name: str | None = None) -> StoredScenario:
        """Save the scenario JSON file at `path` as a new scenario (named by `name`, else its own name, else
        the file's stem). The file is validated in full before anything is written."""
        source = Path(path)
        check_upload_size(source.stat().st_size, MAX_IMPORT_BYTES)
        return self._import(scenario_from_json(source.read_bytes()), source, owner, name)

    def import_file(self, path: str | Path, owner: str, *, name: str | None = None) -> StoredScenario:
        """Like `import_json` for any scenario file: .json, or .xlsx written from the scenario template."""
        source = Path(path)
        if source.suffix.lower() == ".json":
            return self.import_json(source, owner, name=name)
        return self._import(read_scenario_file(source), source, owner, name)

    def _import(self, scenario: Scenario, source: Path, owner: str, name: str | None) -> StoredScenario:
        if name is None and not clean_text(scenario.name):
            name = clean_text(source.stem)[:NAME_LENGTH] or source.name
        return self.create(scenario, owner, name=name)

    # Saved methodologies --------------------------------------------------------------------------------------

    def save_methodology(self, m: Methodology, owner: str, *, note: str = "") -> SavedMethodology:
        """Keep `m` for every session: a new version of its scheme id, unless the newest version already has
        exactly this content (then that version is returned and nothing is written). A bundled id is refused:
        a saved scheme must never change how scenarios on a bundled one are scored."""
        if m.id in bundled_methodology_ids():
            raise StoreError("store.methodology_bundled_id", id=m.id)
        content = methodology_to_json(m)
        digest = content_digest(m)
        owner_label, note_text = clean_owner(owner), clean_note(note)

        def work(session: Session) -> SavedMethodology:
            _lock_scheme(session, m.id)
            newest = _newest_methodology(session, m.id)
            if newest is not None and newest.digest == digest:
                return _saved(newest)
            row = MethodologyVersionRow(
                scheme_id=m.id,
                version=(newest.version + 1) if newest is not None else 1,
                name=clean_name(m.name("vi")),
                content=content,
                digest=digest,
                items=len(m.scored_items),
                saved_at=utc_now(),
                saved_by=owner_label,
                note=note_text,
            )
            session.add(row)
            session.flush()  # a concurrent save of the same version number fails here and is retried
            return _saved(row)

        return self._write_txn(work)

    def list_methodologies(self) -> list[SavedMethodology]:
        """The newest version of every saved scheme, most recently saved first."""
        newest = (
            select(MethodologyVersionRow.scheme_id, func.max(MethodologyVersionRow.version).label("version"))
            .group_by(MethodologyVersionRow.scheme_id)
            .subquery()
        )
        query = (
            select(MethodologyVersionRow)
            .options(defer(MethodologyVersionRow.content))
            .join(
                newest,
                (MethodologyVersionRow.scheme_id == newest.c.scheme_id)
                & (MethodologyVersionRow.version == newest.c.version),
            )
            .order_by(MethodologyVersionRow.saved_at.desc(), MethodologyVersionRow.scheme_id)
        )
        with _guard(self._engine), self._read() as session:
            return [_saved(row) for row in session.scalars(query)]

    def methodology_history(self, scheme_id: str) -> list[SavedMethodology]:
        """Every saved version of a scheme, newest first (empty when none was saved)."""
        query = (
            select(MethodologyVersionRow)
            .options(defer(MethodologyVersionRow.content))
            .where(MethodologyVersionRow.scheme_id == scheme_id)
            .order_by(MethodologyVersionRow.version.desc())
        )
        with _guard(self._engine), self._read() as session:
            return [_saved(row) for row in session.scalars(query)]

    def get_methodology(
        self, scheme_id: str, version: int | None = None
    ) -> tuple[SavedMethodology, Methodology]:
        """A saved scheme at `version` (the newest when None), validated as it is read."""
        with _guard(self._engine), self._read() as session, session.begin():
            if version is None:
                row = _newest_methodology(session, scheme_id)
            else:
                row = session.get(MethodologyVersionRow, (scheme_id, version))
            if row is None:
                raise StoreError("store.methodology_not_found", id=scheme_id)
            return _saved(row), methodology_from_json(row.content)

    # Plumbing ---------------------------------------------------------------------------------------------

    def write(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one write transaction, retried on a lost race: what the store's other repositories
        (planner.store.tracked) write through."""
        return self._write_txn(work)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read session with database failures reported as StoreErrors."""
        with _guard(self._engine), self._read() as session:
            yield session

    def _write_txn(self, work: Callable[[Session], T]) -> T:
        """Run `work` in a write transaction; a lost race for a version number is retried, then reported."""
        attempt = 0
        with _guard(self._engine):
            while True:
                attempt += 1
                try:
                    with self._write() as session, session.begin():
                        return work(session)
                except IntegrityError:
                    if attempt >= WRITE_ATTEMPTS:
                        raise StoreError("store.busy") from None


# Row helpers (module level: they need a session, not the store) -------------------------------------------


def _row(session: Session, scenario_id: str) -> ScenarioRow:
    row = session.get(ScenarioRow, scenario_id)
    if row is None:
        raise StoreError("store.not_found", id=scenario_id)
    return row


def _locked_row(session: Session, scenario_id: str, *, allow_deleted: bool = False) -> ScenarioRow:
    row = session.scalars(select(ScenarioRow).where(ScenarioRow.id == scenario_id).with_for_update()).first()
    if row is None:
        raise StoreError("store.not_found", id=scenario_id)
    if row.deleted and not allow_deleted:
        raise StoreError("store.deleted", name=row.name)
    return row


def _version_row(session: Session, row: ScenarioRow, version: int) -> ScenarioVersionRow:
    found = session.get(ScenarioVersionRow, (row.id, version))
    if found is None:
        raise StoreError(
            "store.version_not_found", name=row.name, version=version, current=row.current_version
        )
    return found


def _check_expected(session: Session, row: ScenarioRow, expected_version: int) -> None:
    if row.current_version != expected_version:
        raise StoreConflictError(
            _stored(row, _version_row(session, row, row.current_version)), expected_version
        )


def _set_metadata(row: ScenarioRow, content: Scenario) -> None:
    """Copy the list page's fields from the scenario to its row (cleaned: they are labels, not content)."""
    methodology = clean_text(content.methodology)
    if not methodology or len(methodology) > _SHORT_FIELD:
        raise StoreError("store.bad_methodology_id", id=methodology[:_SHORT_FIELD])
    province = clean_text(content.province) if content.province is not None else None
    row.name = content.name
    row.methodology = methodology
    row.province = province[:_SHORT_FIELD] if province else None
    row.year = content.year


def _append(
    session: Session,
    row: ScenarioRow,
    content: Scenario,
    owner: str,
    note: str,
    *,
    restored_from: int | None = None,
) -> StoredScenario:
    """Add the next version of `row` with `content`, inside the caller's locked transaction."""
    now = utc_now()
    number = row.current_version + 1
    version = _version_of(row, number, content, owner, note, restored_from=restored_from, now=now)
    session.add(version)
    _set_metadata(row, content)
    row.current_version = number
    row.updated_at = now
    session.flush()
    return _stored(row, version, content)


def _version_of(
    row: ScenarioRow,
    number: int,
    content: Scenario,
    owner: str,
    note: str,
    *,
    restored_from: int | None,
    now: datetime,
) -> ScenarioVersionRow:
    return ScenarioVersionRow(
        scenario_id=row.id,
        version=number,
        name=content.name,
        content=scenario_content(content),
        saved_at=now,
        saved_by=owner,
        note=note,
        restored_from=restored_from,
    )


def _lock_scheme(session: Session, scheme_id: str) -> None:
    """Serialise saves of one scheme: PostgreSQL takes a transaction-scoped advisory lock on the id (there is no
    parent row to lock, as a scenario has); SQLite already writes under BEGIN IMMEDIATE."""
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(
            hashlib.sha256(f"methodology:{scheme_id}".encode()).digest()[:8], "big", signed=True
        )
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _newest_methodology(session: Session, scheme_id: str) -> MethodologyVersionRow | None:
    return session.scalars(
        select(MethodologyVersionRow)
        .where(MethodologyVersionRow.scheme_id == scheme_id)
        .order_by(MethodologyVersionRow.version.desc())
        .limit(1)
    ).first()


def _saved(row: MethodologyVersionRow) -> SavedMethodology:
    return SavedMethodology(
        scheme_id=row.scheme_id,
        version=row.version,
        name=row.name,
        digest=row.digest,
        items=row.items,
        saved_at=row.saved_at,
        saved_by=row.saved_by,
        note=row.note,
    )


def _summary(row: ScenarioRow) -> ScenarioSummary:
    return ScenarioSummary(
        id=row.id,
        name=row.name,
        owner=row.owner,
        methodology=row.methodology,
        province=row.province,
        year=row.year,
        created_at=row.created_at,
        updated_at=row.updated_at,
        current_version=row.current_version,
        deleted=row.deleted,
        copied_from=row.copied_from,
    )


def _version_info(row: ScenarioVersionRow) -> VersionInfo:
    return VersionInfo(
        scenario_id=row.scenario_id,
        version=row.version,
        name=row.name,
        saved_at=row.saved_at,
        saved_by=row.saved_by,
        note=row.note,
        restored_from=row.restored_from,
    )


def _stored(row: ScenarioRow, version: ScenarioVersionRow, content: Scenario | None = None) -> StoredScenario:
    scenario = content if content is not None else scenario_from_json(version.content)
    return StoredScenario(summary=_summary(row), version=_version_info(version), scenario=scenario)


def _write_atomically(target: Path, text: str) -> None:
    folder = target.parent if str(target.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=".par-planner-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@contextmanager
def _guard(engine: Engine) -> Iterator[None]:
    """Database failures as StoreErrors a user can read: busy, unreachable, or a database error."""
    try:
        yield
    except StoreError:
        raise
    except OperationalError as exc:
        detail = _first_line(exc)
        if is_sqlite(engine) and ("locked" in detail or "busy" in detail):
            raise StoreError("store.busy") from exc
        url = shown_url(engine.url.render_as_string(hide_password=False))
        raise StoreError("store.unavailable", url=url, detail=detail) from exc
    except DBAPIError as exc:
        raise StoreError("store.database_error", detail=_first_line(exc)) from exc


def _first_line(exc: DBAPIError) -> str:
    text = str(exc.orig) if exc.orig is not None else str(exc)
    return (text.strip().splitlines() or ["?"])[0][:300]
