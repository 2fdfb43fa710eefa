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
