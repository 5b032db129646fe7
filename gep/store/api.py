"""The storage API: users and roles, versions, private drafts, publication, results, audit.

Every method that changes something runs in one database transaction and appends to the
audit log in that same transaction (so a write and its log entry land together or not at
all). A refused attempt (wrong role, missing reason, invalid draft) is logged in a
transaction of its own and then raised. Roles are checked here, in the storage layer, not
only by the pages that hide buttons:

=========  ==========================================================================
viewer     reads published versions, the audit log; exports
analyst    + own private drafts (coefficient edits, uploads, scenarios)
approver   + publish a draft (own or someone's) as the official version, with a reason;
           publish results
admin      + users and roles
=========  ==========================================================================

Optimistic concurrency: a draft remembers the version it was based on; publishing it moves
the object's official version only if that is still the official one (checked under a row
lock). Otherwise the draft's content is still stored as a new, unpublished version (nothing
is lost) and :class:`ConflictError` says which version won and which one was kept. Saving a
draft with the revision a session last read works the same way.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import InputError, Problem
from . import content as vc
from .db import HEAD, current_revision, default_url, make_engine, store_exists, upgrade
from .db import workspace_dir as _workspace_dir
from .models import (
    KINDS,
    ROLES,
    AuditEntry,
    Draft,
    Publication,
    Result,
    StoredObject,
    User,
    Version,
    utcnow,
)

LOCAL_USER = "local"
RANK = {r: i for i, r in enumerate(ROLES)}
#: the role each kind of write needs
NEEDS = {"read": "viewer", "draft": "analyst", "publish": "approver", "admin": "admin"}
_UNSET: Any = object()


class StoreError(InputError):
    """A store operation that cannot be done (bad input, unknown user, …); CLI exit 2."""


class PermissionDenied(StoreError):
    """The user's role does not allow this (the attempt is in the audit log)."""


class ConflictError(StoreError):
    """Someone else published/saved first; the losing content is kept as its own version."""

    def __init__(self, message: str, kept: VersionInfo | None = None, winner: Any = None):
        super().__init__(Problem("<store>", message))
        self.kept = kept
        self.winner = winner


class NotFound(StoreError):
    pass


@dataclass(frozen=True)
class VersionInfo:
    kind: str
    name: str
    number: int
    hash: str
    parent: int | None
    author: str
    time: str
    message: str
    published: bool

    def as_dict(self) -> dict:
        return asdict(self)


def _iso(t: dt.datetime | None) -> str | None:
    return None if t is None else t.replace(microsecond=t.microsecond).isoformat() + "Z"


def _obj_label(kind: str, name: str) -> str:
    return f"{kind}:{name}"


class Store:
    """One store (SQLite file or PostgreSQL database); safe to share between threads."""

    def __init__(self, url: str | None = None, *, migrate: bool = True, cache: Path | None = None):
        self.url = url or default_url()
        self.engine = make_engine(self.url)
        if migrate and current_revision(self.engine) != HEAD:
            upgrade(self.engine)
        self._session = sessionmaker(self.engine, expire_on_commit=False)
        self.cache = Path(cache) if cache else _workspace_dir() / "cache"
        #: where set names are looked up in files first (e.g. a dataset's own coefficients/)
        self.files_root: Path | None = None

    @classmethod
    def existing(cls) -> Store | None:
        """The configured store if there is one (never creates a SQLite file)."""
        return cls() if store_exists() else None

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------------------------
    # audit

    @staticmethod
    def _audit(
        s: Session,
        user: str,
        action: str,
        obj: str = "",
        frm: Any = None,
        to: Any = None,
        reason: str = "",
        ok: bool = True,
        detail: Any = None,
    ) -> None:
        s.add(
            AuditEntry(
                time=utcnow(),
                user=str(user),
                action=action,
                object=obj,
                from_version=None if frm is None else str(frm),
                to_version=None if to is None else str(to),
                reason=reason or "",
                ok=ok,
                detail="" if detail is None else vc.canonical(detail),
            )
        )

    def log(self, user: str, action: str, obj: str = "", reason: str = "", ok: bool = True, **kw):
        """Append one entry (e.g. ``export``, ``upload.rejected``) in its own transaction."""
        with self._session.begin() as s:
            self._audit(
                s,
                user,
                action,
                obj,
                kw.pop("frm", None),
                kw.pop("to", None),
                reason,
                ok,
                kw or None,
            )

    def audit(
        self,
        user: str | None = None,
        action: str | None = None,
        obj: str | None = None,
        since: dt.datetime | None = None,
        limit: int | None = None,
    ) -> list[dict]:
        """Log entries, oldest first, filtered by user, action prefix, object substring, time."""
        q = select(AuditEntry).order_by(AuditEntry.id)
        if user:
            q = q.where(AuditEntry.user == user)
        if action:
            q = q.where(AuditEntry.action.startswith(action))
        if obj:
            q = q.where(AuditEntry.object.contains(obj))
        if since:
            q = q.where(AuditEntry.time >= since)
        with self._session() as s:
            rows = s.scalars(q).all()
        if limit:
            rows = rows[-limit:]
        return [
            {
                "id": r.id,
                "time": _iso(r.time),
                "user": r.user,
                "action": r.action,
                "object": r.object,
                "from": r.from_version,
                "to": r.to_version,
                "reason": r.reason,
                "ok": bool(r.ok),
                "detail": json.loads(r.detail) if r.detail else None,
            }
            for r in rows
        ]

    # ------------------------------------------------------------------------------------
    # users and roles

    def users(self) -> list[dict]:
        with self._session() as s:
            return [
                {"name": u.name, "role": u.role, "oidc_subject": u.oidc_subject, "email": u.email}
                for u in s.scalars(select(User).order_by(User.name))
            ]

    def user(self, name: str) -> dict:
        with self._session() as s:
            u = s.scalar(select(User).where(User.name == name))
            if u is None:
                raise NotFound(
                    Problem(
                        "--user", f"unknown user '{name}' (add it: gep users add {name} --role …)"
                    )
                )
            return {"name": u.name, "role": u.role, "oidc_subject": u.oidc_subject}

    def user_for_subject(self, subject: str) -> dict | None:
        """The user an OIDC subject (``st.user.sub``) maps to, if any."""
        with self._session() as s:
            u = s.scalar(select(User).where(User.oidc_subject == subject))
            return None if u is None else {"name": u.name, "role": u.role}

    def add_user(
        self,
        name: str,
        role: str,
        by: str | None = None,
        oidc_subject: str | None = None,
        email: str | None = None,
    ) -> dict:
        """Add a user or change its role. ``by``: the admin doing it (``None``: local admin)."""
        name = str(name).strip()
        if not name or len(name) > 120:
            raise StoreError(Problem("NAME", "a user name of 1–120 characters is needed"))
        if role not in ROLES:
            raise StoreError(
                Problem("--role", f"role must be one of {', '.join(ROLES)}, not {role!r}")
            )
        actor = by or LOCAL_USER
        if by is not None:
            self.require(by, "admin", "user.add", f"user:{name}")
        with self._session.begin() as s:
            u = s.scalar(select(User).where(User.name == name))
            old = None if u is None else u.role
            if u is None:
                u = User(
                    name=name,
                    role=role,
                    oidc_subject=oidc_subject,
                    email=email,
                    created_at=utcnow(),
                )
                s.add(u)
            else:
                u.role = role
                if oidc_subject:
                    u.oidc_subject = oidc_subject
                if email:
                    u.email = email
            self._audit(
                s, actor, "user.add" if old is None else "user.role", f"user:{name}", old, role
            )
        return {"name": name, "role": role}

    def ensure_local_user(self) -> dict:
        """The single local user (admin) of a deployment without an identity provider."""
        with self._session() as s:
            u = s.scalar(select(User).where(User.name == LOCAL_USER))
        if u is None:
            try:
                return self.add_user(LOCAL_USER, "admin")
            except IntegrityError:  # created concurrently
                pass
        return self.user(LOCAL_USER)

    def require(self, user: str, need: str, action: str, obj: str) -> dict:
        """The user's record if its role is at least ``need``; else log the refusal and raise."""
        try:
            u = self.user(user)
        except NotFound:
            self.log(str(user), f"{action}.refused", obj, ok=False, why="unknown user")
            raise
        if RANK[u["role"]] < RANK[need]:
            self.log(
                user, f"{action}.refused", obj, ok=False, why=f"role {u['role']} cannot {action}"
            )
            raise PermissionDenied(
                Problem(
                    "--user",
                    f"user '{user}' has role {u['role']}; {action} needs {need} or higher "
                    "(the attempt is logged)",
                )
            )
        return u

    # ------------------------------------------------------------------------------------
    # objects and versions

    @staticmethod
    def _check_kind(kind: str) -> None:
        if kind not in KINDS:
            raise StoreError(Problem("<kind>", f"kind must be one of {', '.join(KINDS)}"))

    def _object(
        self, s: Session, kind: str, name: str, create: bool = False, lock: bool = False
    ) -> StoredObject | None:
        q = select(StoredObject).where(StoredObject.kind == kind, StoredObject.name == name)
        if lock:
            q = q.with_for_update()
        obj = s.scalar(q)
        if obj is None and create:
            try:
                with s.begin_nested():
                    obj = StoredObject(kind=kind, name=name, created_at=utcnow())
                    s.add(obj)
                    s.flush()
            except IntegrityError:  # created by a concurrent session
                obj = s.scalar(q)
        return obj

    @staticmethod
    def _info(s: Session, obj: StoredObject, v: Version) -> VersionInfo:
        parent = None
        if v.parent_id is not None:
            parent = s.scalar(select(Version.number).where(Version.id == v.parent_id))
        return VersionInfo(
            kind=obj.kind,
            name=obj.name,
            number=v.number,
            hash=v.hash,
            parent=parent,
            author=v.author,
            time=_iso(v.created_at),
            message=v.message,
            published=obj.head_version_id == v.id,
        )

    def _new_version(
        self,
        s: Session,
        obj: StoredObject,
        content: dict,
        parent_id: int | None,
        author: str,
        message: str,
    ) -> Version:
        number = (
            s.scalar(select(func.max(Version.number)).where(Version.object_id == obj.id)) or 0
        ) + 1
        v = Version(
            object_id=obj.id,
            number=number,
            parent_id=parent_id,
            hash=vc.content_hash(content),
            author=author,
            created_at=utcnow(),
            message=message or "",
            content=vc.canonical(content),
        )
        s.add(v)
        s.flush()
        return v

    def objects(self, kind: str | None = None) -> list[dict]:
        with self._session() as s:
            q = select(StoredObject).order_by(StoredObject.kind, StoredObject.name)
            if kind:
                q = q.where(StoredObject.kind == kind)
            out = []
            for o in s.scalars(q):
                head = s.get(Version, o.head_version_id) if o.head_version_id else None
                out.append(
                    {"kind": o.kind, "name": o.name, "published": head.number if head else None}
                )
            return out

    def versions(self, kind: str, name: str) -> list[VersionInfo]:
        self._check_kind(kind)
        with self._session() as s:
            obj = self._object(s, kind, name)
            if obj is None:
                return []
            rows = s.scalars(
                select(Version).where(Version.object_id == obj.id).order_by(Version.number)
            )
            return [self._info(s, obj, v) for v in rows]

    def version(
        self, kind: str, name: str, number: int | None = None
    ) -> tuple[VersionInfo, dict] | None:
        """A version and its content (``number=None``: the published one); ``None`` if absent."""
        self._check_kind(kind)
        with self._session() as s:
            obj = self._object(s, kind, name)
            if obj is None:
                return None
            if number is None:
                if obj.head_version_id is None:
                    return None
                v = s.get(Version, obj.head_version_id)
            else:
                v = s.scalar(
                    select(Version).where(
                        Version.object_id == obj.id, Version.number == int(number)
                    )
                )
                if v is None:
                    raise NotFound(Problem(_obj_label(kind, name), f"no version {number}"))
            return self._info(s, obj, v), json.loads(v.content)

    def published(self, kind: str, name: str) -> tuple[VersionInfo, dict] | None:
        return self.version(kind, name, None)

    # ------------------------------------------------------------------------------------
    # drafts (private: only their owner's reads and computations use them)

    def draft(self, kind: str, name: str, user: str) -> dict | None:
        """``user``'s own draft: content, base version number, revision (or ``None``)."""
        self._check_kind(kind)
        with self._session() as s:
            obj = self._object(s, kind, name)
            u = s.scalar(select(User).where(User.name == user))
            if obj is None or u is None:
                return None
            d = s.scalar(select(Draft).where(Draft.object_id == obj.id, Draft.user_id == u.id))
            if d is None:
                return None
            base = s.get(Version, d.base_version_id) if d.base_version_id else None
            return {
                "content": json.loads(d.content),
                "base": base.number if base else None,
                "revision": d.revision,
                "updated": _iso(d.updated_at),
                "stale": obj.head_version_id != d.base_version_id,
            }

    def save_draft(
        self,
        kind: str,
        name: str,
        user: str,
        content: dict,
        expected_revision: int | None = _UNSET,
        message: str = "",
    ) -> dict:
        """Store ``user``'s draft. ``expected_revision``: the revision this session last read
        (``None``: there was none); if another session saved since, :class:`ConflictError`
        — and the content is kept as an unpublished version so nothing is lost."""
        self._check_kind(kind)
        label = _obj_label(kind, name)
        self.require(user, "analyst", "draft", label)
        kept = None
        with self._session.begin() as s:
            obj = self._object(s, kind, name, create=True, lock=True)
            u = s.scalar(select(User).where(User.name == user))
            d = s.scalar(
                select(Draft)
                .where(Draft.object_id == obj.id, Draft.user_id == u.id)
                .with_for_update()
            )
            current = None if d is None else d.revision
            if expected_revision is not _UNSET and expected_revision != current:
                base_id = d.base_version_id if d is not None else obj.head_version_id
                kept_v = self._new_version(
                    s, obj, content, base_id, user, message or "draft kept after a conflicting save"
                )
                kept = self._info(s, obj, kept_v)
                self._audit(
                    s,
                    user,
                    "draft.conflict",
                    label,
                    current,
                    kept.number,
                    message,
                    ok=False,
                    detail={"expected_revision": expected_revision, "current_revision": current},
                )
            else:
                if d is None:
                    d = Draft(
                        object_id=obj.id,
                        user_id=u.id,
                        base_version_id=obj.head_version_id,
                        content=vc.canonical(content),
                        revision=1,
                        updated_at=utcnow(),
                    )
                    s.add(d)
                else:
                    d.content = vc.canonical(content)
                    d.revision += 1
                    d.updated_at = utcnow()
                s.flush()
                base = s.get(Version, d.base_version_id) if d.base_version_id else None
                self._audit(
                    s,
                    user,
                    "draft.save",
                    label,
                    base.number if base else None,
                    f"draft r{d.revision}",
                    message,
                    detail={"hash": vc.content_hash(content)},
                )
                revision = d.revision
        if kept is not None:
            raise ConflictError(
                f"{label}: your draft changed in another session (revision {current}, you had "
                f"{expected_revision}); your content is kept as unpublished version {kept.number}",
                kept=kept,
            )
        return {"revision": revision}

    def discard_draft(self, kind: str, name: str, user: str, reason: str = "") -> bool:
        self._check_kind(kind)
        label = _obj_label(kind, name)
        self.require(user, "analyst", "draft", label)
        with self._session.begin() as s:
            obj = self._object(s, kind, name)
            u = s.scalar(select(User).where(User.name == user))
            d = (
                None
                if obj is None
                else s.scalar(select(Draft).where(Draft.object_id == obj.id, Draft.user_id == u.id))
            )
            if d is None:
                return False
            s.delete(d)
            self._audit(s, user, "draft.discard", label, f"draft r{d.revision}", None, reason)
        return True

    # ------------------------------------------------------------------------------------
    # coefficient sets: content from files or store, drafts by override

    def _files_set_content(self, name: str) -> dict:
        return vc.import_set_folder(name, root=self.files_root)

    def _base_set_content(self, name: str) -> tuple[dict, int | None]:
        pub = self.published("coefset", name)
        if pub is not None:
            return pub[1], pub[0].number
        return self._files_set_content(name), None

    def draft_set_override(
        self, name: str, override: str, user: str, year: int | None = None
    ) -> dict:
        """Add ``override`` (``ID=VALUE``, ``ID*=FACTOR``, …) to ``user``'s draft of set ``name``.

        The resulting set is loaded and checked; a problem refuses the edit (logged). Returns
        the draft with ``warnings`` (order-of-magnitude changes, values outside the
        uncertainty range).
        """
        label = _obj_label("coefset", name)
        self.require(user, "analyst", "draft", label)
        mine = self.draft("coefset", name, user)
        draft = mine["content"] if mine else {"overrides": [], "coefficients": {}}
        try:
            new_draft = vc.add_override(draft, override)
            warnings = self.check_set_draft(
                name, new_draft, year=year, base_number=mine["base"] if mine else _UNSET
            )
        except InputError as exc:
            self.log(
                user,
                "draft.rejected",
                label,
                ok=False,
                override=override,
                problems=[str(p) for p in exc.problems],
            )
            raise
        out = self.save_draft(
            "coefset", name, user, new_draft, mine["revision"] if mine else None, message=override
        )
        return {**out, "content": new_draft, "warnings": warnings}

    def check_set_draft(
        self, name: str, draft: dict, year: int | None = None, base_number: Any = _UNSET
    ) -> list[str]:
        """Load ``draft`` on top of its base and check the changes; raise on problems,
        return warnings."""
        if base_number is _UNSET or base_number is None:
            base_content, _ = self._base_set_content(name)
        else:
            base_content = self.version("coefset", name, base_number)[1]
        new_content = vc.apply_draft(base_content, draft)
        old = vc.set_from_content(base_content, self.cache)
        new = vc.set_from_content(new_content, self.cache)
        if year is None:
            year = _latest_year(new)
        ids = vc.changed_ids(base_content, new_content)
        problems, warnings = vc.check_changes(old, new, year, ids)
        if problems:
            raise StoreError(problems)
        return warnings

    def coefficient_set(
        self, name: str, draft_user: str | None = None, overrides=(), number: int | None = None
    ):
        """``(CoefficientSet, source)`` to compute with, or ``None`` when the store has nothing.

        Default: the published version. ``draft_user``: that user's draft on top of its base
        (the files when nothing is published yet). ``number``: a given version.
        """
        source: dict = {"store": self.url_safe, "set": name}
        if draft_user:
            self.user(draft_user)
            d = self.draft("coefset", name, draft_user)
            if d is None:
                raise NotFound(
                    Problem("--draft", f"user '{draft_user}' has no draft of set '{name}'")
                )
            if d["base"] is None:
                base = self._files_set_content(name)
            else:
                base = self.version("coefset", name, d["base"])[1]
            content = vc.apply_draft(base, d["content"])
            source.update(
                kind="draft",
                user=draft_user,
                base=d["base"],
                revision=d["revision"],
                stale=d["stale"],
            )
        else:
            got = self.version("coefset", name, number)
            if got is None:
                return None
            info, content = got
            source.update(
                kind="published" if info.published else "version",
                version=info.number,
                hash=info.hash,
            )
        return vc.set_from_content(content, self.cache, list(overrides)), source

    @property
    def url_safe(self) -> str:
        """The URL without a password."""
        from sqlalchemy.engine import make_url

        return make_url(self.url).render_as_string(hide_password=True)

    # ------------------------------------------------------------------------------------
    # publication

    def publish(
        self, kind: str, name: str, user: str, reason: str, draft_owner: str | None = None
    ) -> VersionInfo:
        """Make ``draft_owner``'s (default: ``user``'s) draft the official version.

        Needs the approver role and a reason; the draft must validate. If the official
        version moved since the draft was started, :class:`ConflictError` — the draft's
        content is kept as an unpublished version and the draft stays.
        """
        self._check_kind(kind)
        label = _obj_label(kind, name)
        owner = draft_owner or user
        if not str(reason or "").strip():
            self.log(user, "publish.refused", label, ok=False, why="no reason given")
            raise StoreError(Problem("--reason", "publishing needs a reason (--reason TEXT)"))
        self.require(user, "approver", "publish", label)
        d = self.draft(kind, name, owner)
        if d is None:
            self.log(user, "publish.refused", label, reason, ok=False, why=f"no draft of {owner}")
            raise NotFound(
                Problem(label, f"user '{owner}' has no draft of {kind} '{name}' to publish")
            )
        files_import = None
        try:
            if kind == "coefset":
                if d["base"] is None:
                    files_import = self._files_set_content(name)
                    base = files_import
                else:
                    base = self.version(kind, name, d["base"])[1]
                new_content = vc.apply_draft(base, d["content"])
                self.check_set_draft(name, d["content"], base_number=d["base"])
            elif kind == "dataset":
                new_content = d["content"]
                from ..inventory import load_dataset

                load_dataset(vc.materialize(new_content, self.cache, "datasets"))
            else:
                new_content = d["content"]
        except InputError as exc:
            self.log(
                user,
                "publish.refused",
                label,
                reason,
                ok=False,
                why="draft does not validate",
                problems=[str(p) for p in exc.problems],
            )
            raise
        conflict = None
        with self._session.begin() as s:
            obj = self._object(s, kind, name, create=True, lock=True)
            base_id = None
            if d["base"] is not None:
                base_id = s.scalar(
                    select(Version.id).where(
                        Version.object_id == obj.id, Version.number == d["base"]
                    )
                )
            head_before = obj.head_version_id
            if base_id is None and files_import is not None and head_before is not None:
                # the draft started from the files; if they were imported since, that version
                # is its parent (so a conflict is shown against the right version)
                base_id = s.scalar(
                    select(Version.id)
                    .where(
                        Version.object_id == obj.id,
                        Version.hash == vc.content_hash(files_import),
                    )
                    .order_by(Version.number)
                    .limit(1)
                )
            if base_id is None and head_before is None and files_import is not None:
                # first publication of a set that so far lived only in files: the files first
                v0 = self._new_version(
                    s, obj, files_import, None, user, f"imported from files: {name}"
                )
                obj.head_version_id = v0.id
                s.add(
                    Publication(
                        object_id=obj.id,
                        version_id=v0.id,
                        previous_version_id=None,
                        user=user,
                        time=utcnow(),
                        reason=f"import before: {reason}",
                    )
                )
                self._audit(
                    s, user, "import", label, None, v0.number, reason, detail={"hash": v0.hash}
                )
                base_id = head_before = v0.id
            v = self._new_version(s, obj, new_content, base_id, owner, reason)
            if head_before != base_id:
                winner = s.get(Version, head_before) if head_before else None
                kept = self._info(s, obj, v)
                self._audit(
                    s,
                    user,
                    "publish.conflict",
                    label,
                    d["base"],
                    v.number,
                    reason,
                    ok=False,
                    detail={"published": winner.number if winner else None},
                )
                conflict = (
                    kept,
                    winner.number if winner else None,
                    winner.author if winner else None,
                )
            else:
                obj.head_version_id = v.id
                s.add(
                    Publication(
                        object_id=obj.id,
                        version_id=v.id,
                        previous_version_id=base_id,
                        user=user,
                        time=utcnow(),
                        reason=reason,
                    )
                )
                old = s.get(Version, base_id) if base_id else None
                owner_id = s.scalar(select(User.id).where(User.name == owner))
                s.query(Draft).filter(Draft.object_id == obj.id, Draft.user_id == owner_id).delete()
                self._audit(
                    s,
                    user,
                    "publish",
                    label,
                    old.number if old else None,
                    v.number,
                    reason,
                    detail={"hash": v.hash, "draft_of": owner},
                )
                info = self._info(s, obj, v)
        if conflict is not None:
            kept, number, author = conflict
            raise ConflictError(
                f"{label}: version {number} (by {author}) was published after this draft was "
                f"started from version {d['base']}; nothing is lost — the draft is kept and its "
                f"content is stored as unpublished version {kept.number}. Compare with "
                f"`gep versions diff {name} {number} {kept.number}`, then publish again.",
                kept=kept,
                winner=number,
            )
        return info

    def publish_content(
        self, kind: str, name: str, user: str, content: dict, reason: str, expected: Any = _UNSET
    ) -> VersionInfo:
        """Publish ``content`` directly (an import from files, an approver's upload).

        ``expected``: the published version number the caller saw (``None``: none); if it
        moved, :class:`ConflictError` and the content is kept as an unpublished version.
        """
        self._check_kind(kind)
        label = _obj_label(kind, name)
        if not str(reason or "").strip():
            self.log(user, "publish.refused", label, ok=False, why="no reason given")
            raise StoreError(Problem("--reason", "publishing needs a reason"))
        self.require(user, "approver", "publish", label)
        with self._session.begin() as s:
            obj = self._object(s, kind, name, create=True, lock=True)
            head = s.get(Version, obj.head_version_id) if obj.head_version_id else None
            head_no = head.number if head else None
            v = self._new_version(s, obj, content, obj.head_version_id, user, reason)
            if expected is not _UNSET and expected != head_no:
                self._audit(
                    s,
                    user,
                    "publish.conflict",
                    label,
                    expected,
                    v.number,
                    reason,
                    ok=False,
                    detail={"published": head_no},
                )
                kept = self._info(s, obj, v)
            else:
                kept = None
                s.add(
                    Publication(
                        object_id=obj.id,
                        version_id=v.id,
                        previous_version_id=obj.head_version_id,
                        user=user,
                        time=utcnow(),
                        reason=reason,
                    )
                )
                obj.head_version_id = v.id
                self._audit(
                    s, user, "publish", label, head_no, v.number, reason, detail={"hash": v.hash}
                )
            info = self._info(s, obj, v)
        if kept is not None:
            raise ConflictError(
                f"{label}: version {head_no} was published meanwhile (you saw {expected}); "
                f"your content is kept as unpublished version {kept.number}",
                kept=kept,
                winner=head_no,
            )
        return info

    def import_set(self, name: str, folder: str | Path, user: str, reason: str) -> VersionInfo:
        """Publish the coefficient-set folder ``folder`` as the official version of ``name``."""
        return self.publish_content("coefset", name, user, vc.import_set_folder(folder), reason)

    def export_set(
        self, name: str, target: str | Path, number: int | None = None, user: str = LOCAL_USER
    ) -> Path:
        """Write a version (default: the published one) as a coefficient-set folder."""
        got = self.version("coefset", name, number)
        if got is None:
            raise NotFound(Problem(name, "no published version in the store"))
        info, content = got
        target = Path(target)
        if target.exists():
            raise StoreError(Problem(str(target), "already exists; give a new folder"))
        vc.write_folder(target, vc.set_files(content))
        self.log(user, "export", _obj_label("coefset", name), to=info.number, path=str(target))
        return target

    def import_dataset(self, name: str, folder: str | Path, user: str, reason: str) -> VersionInfo:
        from ..inventory import load_dataset

        load_dataset(folder)  # validate before storing
        return self.publish_content("dataset", name, user, vc.dataset_content(folder), reason)

    def dataset_folder(
        self, name: str, number: int | None = None, draft_user: str | None = None
    ) -> Path | None:
        """A folder holding a stored dataset version (or a user's draft), for
        :func:`gep.load_dataset`."""
        if draft_user:
            d = self.draft("dataset", name, draft_user)
            return None if d is None else vc.materialize(d["content"], self.cache, "datasets")
        got = self.version("dataset", name, number)
        return None if got is None else vc.materialize(got[1], self.cache, "datasets")

    # ------------------------------------------------------------------------------------
    # diff

    def diff(
        self, name: str, a: int | None, b: int | None, dataset=None, year: int | None = None
    ) -> dict:
        """What changed in coefficient set ``name`` from version ``a`` to ``b`` and the effect
        on GEP by county of ``dataset`` (a :class:`gep.Dataset`), both resolved for ``year``."""
        va, vb = self.version("coefset", name, a), self.version("coefset", name, b)
        if va is None or vb is None:
            raise NotFound(Problem(name, "no published version in the store"))
        sa, sb = vc.set_from_content(va[1], self.cache), vc.set_from_content(vb[1], self.cache)
        if year is None:
            year = max(dataset.years) if dataset is not None else _latest_year(sb)
        out: dict = {
            "set": name,
            "old": va[0].as_dict(),
            "new": vb[0].as_dict(),
            "year": year,
            "coefficients": vc.diff_sets(sa, sb, year, vc.changed_ids(va[1], vb[1])),
            "gep": [],
        }
        if dataset is not None:
            out["gep"] = gep_effect(dataset, sa, sb, year)
        return out

    def diff_dataset(self, name: str, a: int | None, b: int | None, coefficients=None) -> dict:
        """Inventory rows added, removed or changed from dataset version ``a`` to ``b`` (keyed
        by region, year, item, ecosystem, species), and — with a coefficient set — the effect
        on GEP by county in every year both versions hold."""
        from ..inventory import load_dataset

        va, vb = self.version("dataset", name, a), self.version("dataset", name, b)
        if va is None or vb is None:
            raise NotFound(Problem(name, "no such dataset version in the store"))
        da = load_dataset(vc.materialize(va[1], self.cache, "datasets"))
        db = load_dataset(vc.materialize(vb[1], self.cache, "datasets"))
        out: dict = {
            "dataset": name,
            "old": va[0].as_dict(),
            "new": vb[0].as_dict(),
            "rows": dataset_row_diff(da.table, db.table),
            "gep": [],
        }
        if coefficients is not None:
            years = sorted(set(da.years) & set(db.years))
            if years:
                out["gep"] = dataset_gep_effect(da, db, coefficients, years[-1])
        return out

    # ------------------------------------------------------------------------------------
    # published results

    def record_result(
        self,
        user: str,
        acc,
        reason: str,
        coefset_source: dict | None = None,
        dataset_label: str | None = None,
        dataset_version: tuple[str, int] | None = None,
    ) -> int:
        """Publish an account: its totals and the versions (and hashes) it was computed from."""
        self.require(user, "approver", "result", "result")
        if not str(reason or "").strip():
            raise StoreError(Problem("--reason", "publishing a result needs a reason"))
        prov = acc.provenance()
        gep = acc.gep().to_pandas()
        payload = {
            "provenance": prov,
            "gep_cny": {
                str(r): {str(y): float(gep.loc[r, y]) for y in gep.columns} for r in gep.index
            },
        }
        with self._session.begin() as s:
            cv = dv = None
            if coefset_source and coefset_source.get("version") is not None:
                obj = self._object(s, "coefset", coefset_source["set"])
                cv = s.scalar(
                    select(Version.id).where(
                        Version.object_id == obj.id, Version.number == coefset_source["version"]
                    )
                )
            if dataset_version:
                obj = self._object(s, "dataset", dataset_version[0])
                dv = s.scalar(
                    select(Version.id).where(
                        Version.object_id == obj.id, Version.number == dataset_version[1]
                    )
                )
            r = Result(
                time=utcnow(),
                user=user,
                dataset=dataset_label or prov["dataset"]["name"],
                dataset_hash=prov["dataset"]["hash"],
                dataset_version_id=dv,
                coefset=acc.coefficients.name,
                coefset_hash=acc.coefficients.hash,
                coefset_version_id=cv,
                profile=acc.profile,
                reason=reason,
                payload=vc.canonical(payload),
            )
            s.add(r)
            s.flush()
            self._audit(
                s,
                user,
                "result.publish",
                f"result:{r.id}",
                None,
                r.id,
                reason,
                detail={
                    "coefset_version": coefset_source.get("version") if coefset_source else None,
                    "coefset_hash": acc.coefficients.hash,
                    "dataset_hash": prov["dataset"]["hash"],
                },
            )
            return r.id

    def results(self) -> list[dict]:
        with self._session() as s:
            out = []
            for r in s.scalars(select(Result).order_by(Result.id)):
                cv = s.get(Version, r.coefset_version_id) if r.coefset_version_id else None
                dv = s.get(Version, r.dataset_version_id) if r.dataset_version_id else None
                out.append(
                    {
                        "id": r.id,
                        "time": _iso(r.time),
                        "user": r.user,
                        "profile": r.profile,
                        "reason": r.reason,
                        "dataset": r.dataset,
                        "dataset_hash": r.dataset_hash,
                        "dataset_version": dv.number if dv else None,
                        "coefset": r.coefset,
                        "coefset_hash": r.coefset_hash,
                        "coefset_version": cv.number if cv else None,
                        "payload": json.loads(r.payload),
                    }
                )
            return out


def _latest_year(cs) -> int:
    years = [e.start.year for c in cs.coefficients.values() for e in c.values]
    return max(years) if years else dt.date.today().year


def gep_effect(dataset, old, new, year: int) -> list[dict]:
    """GEP by county with two coefficient sets (same dataset, same year) [CNY]."""
    from ..accounting import account

    ga = account(dataset, old, years=[year]).gep().sel(year=year).to_pandas()
    gb = account(dataset, new, years=[year]).gep().sel(year=year).to_pandas()
    rows = []
    for r in ga.index:
        a, b = float(ga[r]), float(gb[r])
        rows.append(
            {
                "region": str(r),
                "name": dataset.region_name(str(r)),
                "old": a,
                "new": b,
                "change": b - a,
                "change_pct": 100 * (b / a - 1) if a else None,
            }
        )
    ta, tb = float(ga.sum()), float(gb.sum())
    rows.append(
        {
            "region": "total",
            "name": "合计 total",
            "old": ta,
            "new": tb,
            "change": tb - ta,
            "change_pct": 100 * (tb / ta - 1) if ta else None,
        }
    )
    return rows


_ROW_KEY = ["region", "year", "item", "ecosystem", "species"]


def dataset_row_diff(old, new) -> list[dict]:
    """Rows of two canonical inventory tables that differ: ``change`` is added, removed or
    changed (value, unit or source), with old and new value/unit/source."""
    import pandas as pd

    cols = [*_ROW_KEY, "value", "unit", "source"]
    a = old[cols].copy()
    b = new[cols].copy()
    for df in (a, b):
        for k in _ROW_KEY:
            df[k] = df[k].fillna("").astype(str)
    m = pd.merge(a, b, on=_ROW_KEY, how="outer", suffixes=("_old", "_new"), indicator=True)
    rows = []
    for rec in m.to_dict("records"):
        state = rec.pop("_merge")
        if state == "left_only":
            change = "removed"
        elif state == "right_only":
            change = "added"
        else:
            same = (
                rec["value_old"] == rec["value_new"]
                and rec["unit_old"] == rec["unit_new"]
                and rec["source_old"] == rec["source_new"]
            )
            if same:
                continue
            change = "changed"
        rows.append(
            {
                "change": change,
                **{k: rec[k] for k in _ROW_KEY},
                **{
                    f"{f}_{side}": (None if pd.isna(rec[f"{f}_{side}"]) else rec[f"{f}_{side}"])
                    for f in ("value", "unit", "source")
                    for side in ("old", "new")
                },
            }
        )
    return rows


def dataset_gep_effect(old_ds, new_ds, coefficients, year: int) -> list[dict]:
    """GEP by county with one coefficient set on two inventories, for ``year`` [CNY]."""
    from ..accounting import account

    ga = account(old_ds, coefficients, years=[year]).gep().sel(year=year).to_pandas()
    gb = account(new_ds, coefficients, years=[year]).gep().sel(year=year).to_pandas()
    rows = []
    for r in sorted(set(ga.index) | set(gb.index), key=str):
        a = float(ga[r]) if r in ga.index else None
        b = float(gb[r]) if r in gb.index else None
        rows.append(
            {
                "region": str(r),
                "year": year,
                "old": a,
                "new": b,
                "change": None if a is None or b is None else b - a,
            }
        )
    return rows
