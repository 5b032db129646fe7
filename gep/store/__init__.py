"""Versioned storage: coefficient sets, datasets, scenarios, drafts, publication, audit.

SQLAlchemy 2 with Alembic migrations shipped in this package; a SQLite file in the workspace
by default (``$GEP_WORKSPACE/gep.sqlite``), PostgreSQL through ``GEP_DATABASE_URL``. See
:mod:`gep.store.api` for the roles and the concurrency rules.
"""

from .api import (
    LOCAL_USER,
    ConflictError,
    NotFound,
    PermissionDenied,
    Store,
    StoreError,
    VersionInfo,
    gep_effect,
)
from .db import default_url, store_exists
from .models import KINDS, ROLES

__all__ = [
    "KINDS",
    "LOCAL_USER",
    "ROLES",
    "ConflictError",
    "NotFound",
    "PermissionDenied",
    "Store",
    "StoreError",
    "VersionInfo",
    "default_url",
    "gep_effect",
    "store_exists",
]
