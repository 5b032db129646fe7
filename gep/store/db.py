"""Where the store lives and how it is opened: URL, engine, migrations.

* default: a SQLite file ``$GEP_WORKSPACE/gep.sqlite`` (``~/.gep_workspace/gep.sqlite``);
* ``GEP_DATABASE_URL`` (e.g. ``postgresql+psycopg://user@host:5432/gep``) for a shared server.

SQLite transactions start with ``BEGIN IMMEDIATE`` (the write lock is taken at the start, so
two writers queue instead of failing half-way) in WAL mode with a 30 s busy timeout. The
schema is created and upgraded by the Alembic migrations shipped in ``gep/store/migrations``;
on PostgreSQL an advisory lock keeps two processes from migrating at once.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "0001"


def workspace_dir() -> Path:
    env = os.environ.get("GEP_WORKSPACE")
    return Path(env).expanduser() if env else Path.home() / ".gep_workspace"


def default_url() -> str:
    """``GEP_DATABASE_URL`` if set, else the SQLite file in the workspace."""
    env = os.environ.get("GEP_DATABASE_URL", "").strip()
    if env:
        return env
    return f"sqlite:///{workspace_dir() / 'gep.sqlite'}"


def store_exists(url: str | None = None) -> bool:
    """True when a store is configured: ``GEP_DATABASE_URL`` set, or the SQLite file exists."""
    url = url or default_url()
    u = make_url(url)
    if u.get_backend_name() != "sqlite":
        return True
    db = u.database
    return bool(db) and db != ":memory:" and Path(db).exists()


def make_engine(url: str | None = None) -> Engine:
    url = url or default_url()
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):  # pragma: no cover - trivial
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):  # pragma: no cover - trivial
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` with the shipped Alembic migrations."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(7419201)"))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
