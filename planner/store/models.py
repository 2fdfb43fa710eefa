"""The store's tables as SQLAlchemy 2 typed ORM models (the schema itself is made by the migrations).

Four tables: `scenario` (one row per named scenario, with the fields the list page shows, copied from its
current version so that listing never parses JSON), `scenario_version` (every save, never updated or deleted;
the pair scenario id + version number is the primary key, so two concurrent saves cannot both claim a number)
`autosave` (the working copy of each app session, one row per session key, replaced in one statement) and
`methodology_version` (every save of a scheme a province loaded, keyed by its id and version number).

Times are stored in UTC; SQLite has no time zones, so they are kept naive there and made aware again on
reading.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAME_LENGTH = 200
OWNER_LENGTH = 100
NOTE_LENGTH = 500
SESSION_KEY_LENGTH = 200

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp that goes in and comes out as an aware UTC datetime on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware UTC time")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"unexpected timestamp {value!r}")
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ScenarioRow(Base):
    __tablename__ = "scenario"
    __table_args__ = (
        CheckConstraint("current_version >= 1", name="current_version_positive"),
        Index("ix_scenario_owner", "owner"),
        Index("ix_scenario_updated_at", "updated_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    owner: Mapped[str] = mapped_column(String(OWNER_LENGTH))
    methodology: Mapped[str] = mapped_column(String(100))
    province: Mapped[str | None] = mapped_column(String(100))
    year: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    current_version: Mapped[int]
    deleted: Mapped[bool]
    copied_from: Mapped[str | None] = mapped_column(String(36))


class ScenarioVersionRow(Base):
    __tablename__ = "scenario_version"
    __table_args__ = (CheckConstraint("version >= 1", name="version_positive"),)

    scenario_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("scenario.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    content: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime)
    saved_by: Mapped[str] = mapped_column(String(OWNER_LENGTH))
    note: Mapped[str] = mapped_column(String(NOTE_LENGTH))
    restored_from: Mapped[int | None]


class AutosaveRow(Base):
    __tablename__ = "autosave"

    session_key: Mapped[str] = mapped_column(String(SESSION_KEY_LENGTH), primary_key=True)
    content: Mapped[str] = mapped_column(Text)
    scenario_id: Mapped[str | None] = mapped_column(String(36))
    base_version: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MethodologyVersionRow(Base):
    __tablename__ = "methodology_version"
    __table_args__ = (CheckConstraint("version >= 1", name="version_positive"),)

    scheme_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    content: Mapped[str] = mapped_column(Text)
    digest: Mapped[str] = mapped_column(String(64))
    items: Mapped[int]
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime)
    saved_by: Mapped[str] = mapped_column(String(OWNER_LENGTH))
    note: Mapped[str] = mapped_column(String(NOTE_LENGTH))


class TrackedPlanRow(Base):
    """A plan adopted for tracking: the TrackedPlan JSON without its updates and reviews (those have tables)."""

    __tablename__ = "tracked_plan"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    province: Mapped[str | None] = mapped_column(String(100))
    year: Mapped[int | None]
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(OWNER_LENGTH))


class TrackedUpdateRow(Base):
    """One progress report on one row; append-only, numbered per plan."""

    __tablename__ = "tracked_update"
    __table_args__ = (CheckConstraint("seq >= 1", name="seq_positive"),)

    plan_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("tracked_plan.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60))
    agency: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TrackedReviewRow(Base):
    __tablename__ = "tracked_review"

    plan_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("tracked_plan.id", ondelete="CASCADE"), primary_key=True
    )
    as_of: Mapped[str] = mapped_column(String(10), primary_key=True)
    content: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AgencyLinkRow(Base):
    """An agency's link to its rows of a plan: only the SHA-256 of the token is kept, so a copy of the database
    does not hand out the links."""

    __tablename__ = "agency_link"
    __table_args__ = (Index("ix_agency_link_plan", "plan_id"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(36), ForeignKey("tracked_plan.id", ondelete="CASCADE"))
    agency: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked: Mapped[bool] = mapped_column(default=False)


class OverlapLinkRow(Base):
    """A link the province drew between an item of one index's scheme and one of another's (a note in the
    combined plan, never points), kept for every session of the server."""

    __tablename__ = "overlap_link"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: The two sides as "methodology|code" / "methodology|code": one link per pair.
    pair: Mapped[str] = mapped_column(String(300), unique=True)
    content: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime)
    saved_by: Mapped[str] = mapped_column(String(100))
