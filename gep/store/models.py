"""Tables of the store (SQLAlchemy 2 declarative models).

The schema itself is created by the Alembic migrations in ``gep/store/migrations`` — these
classes describe it for queries and must match the latest migration (a test checks that).

* ``users`` — name, role (viewer | analyst | approver | admin), optional OIDC subject;
* ``objects`` — one row per named coefficient set / dataset / scenario, pointing at its
  published (official) version;
* ``versions`` — immutable content (canonical JSON), content hash, parent, author, time, message;
* ``publications`` — every change of an object's published version, with approver and reason;
* ``drafts`` — one private draft per (object, user), with the version it was based on and a
  revision counter for optimistic concurrency;
* ``results`` — published accounts with the versions (and hashes) they were computed from;
* ``audit`` — the append-only log (database triggers refuse UPDATE and DELETE).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROLES = ("viewer", "analyst", "approver", "admin")
KINDS = ("coefset", "dataset", "scenario")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    oidc_subject: Mapped[str | None] = mapped_column(String(255), unique=True, nullable=True)
    email: Mapped[str | None] = mapped_column(String(255), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class StoredObject(Base):
    __tablename__ = "objects"
    __table_args__ = (UniqueConstraint("kind", "name", name="uq_objects_kind_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    head_version_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Version(Base):
    __tablename__ = "versions"
    __table_args__ = (
        UniqueConstraint("object_id", "number", name="uq_versions_object_number"),
        Index("ix_versions_object", "object_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    object_id: Mapped[int] = mapped_column(ForeignKey("objects.id"))
    number: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"), nullable=True)
    hash: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    message: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text)


class Publication(Base):
    __tablename__ = "publications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    object_id: Mapped[int] = mapped_column(ForeignKey("objects.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))
    previous_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("versions.id"), nullable=True
    )
    user: Mapped[str] = mapped_column(String(120))
    time: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text)


class Draft(Base):
    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("object_id", "user_id", name="uq_drafts_object_user"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    object_id: Mapped[int] = mapped_column(ForeignKey("objects.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"), nullable=True)
    content: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Result(Base):
    __tablename__ = "results"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    time: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    user: Mapped[str] = mapped_column(String(120))
    dataset: Mapped[str] = mapped_column(String(400))
    dataset_hash: Mapped[str] = mapped_column(String(64))
    dataset_version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"), nullable=True)
    coefset: Mapped[str] = mapped_column(String(200))
    coefset_hash: Mapped[str] = mapped_column(String(64))
    coefset_version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"), nullable=True)
    profile: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)


class AuditEntry(Base):
    __tablename__ = "audit"
    __table_args__ = (Index("ix_audit_time", "time"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    time: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    user: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60))
    object: Mapped[str] = mapped_column(String(260), default="")
    from_version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    to_version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    ok: Mapped[bool] = mapped_column(Boolean, default=True)
    detail: Mapped[str] = mapped_column(Text, default="")
