"""SQL for the evidence sections: read-only, one tenant at a time (RLS), naming every column it reads.

Columns are listed, never ``select *``: a column added later (a new secret) cannot slip into the archive.
Never read here: ``users.password_hash``, ``users.totp_secret``/``totp_ciphertext``, ``api_keys.key_hash``,
``api_keys.key_prefix``, ``tenant_data_keys.wrapped_key``, ``sessions`` tokens, request payloads and reasons.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from engium.audit.personal import PERSONAL_FIELD

Row = dict[str, Any]


def _rows(session: Session, sql: str, **params: Any) -> list[Row]:
    return [dict(r._mapping) for r in session.execute(text(sql), params)]


def members(session: Session) -> list[Row]:
    return _rows(session, """
        select u.id as user_id, u.email, u.display_name, m.role, m.created_at as member_since,
               u.totp_enabled as mfa_enabled, u.locked_until,
               (select max(s.last_seen_at) from sessions s where s.user_id = u.id) as last_session_seen_at
          from memberships m join users u on u.id = m.user_id
         order by m.created_at, u.id""")


def tenant_created_at(session: Session) -> datetime:
    created: datetime = session.execute(text("select created_at from tenants")).scalar_one()
    return created


def mfa_required(session: Session) -> bool:
    value = session.execute(text("select mfa_required from tenant_settings")).scalar_one_or_none()
    return bool(value)


def api_keys(session: Session) -> list[Row]:
    return _rows(session, """
        select k.id, k.name, k.role, k.creator_kind, k.created_by_user_id, u.email as created_by_email,
               k.created_by_api_key_id, k.created_at, k.last_used_at, k.revoked_at
          from api_keys k left join users u on u.id = k.created_by_user_id
         order by k.created_at, k.id""")


def invitations(session: Session, start: datetime, end: datetime) -> list[Row]:
    """Invitations whose life touched the window: created before its end, not closed before its start."""
    return _rows(session, """
        select id, email, role, invited_by_kind, invited_by_id, created_at, expires_at, accepted_at,
               accepted_user_id, revoked_at
          from invitations
         where created_at < :end and coalesce(accepted_at, revoked_at, expires_at) >= :start
         order by created_at, id""", start=start, end=end)


def data_keys(session: Session) -> list[Row]:
    return _rows(session, """
        select version, state, root_key_id, encryptions, created_at, rewrapped_at
          from tenant_data_keys order by version""")


def checkpoints(session: Session, start: datetime, end: datetime) -> list[Row]:
    return _rows(session, """
        select seq, encode(head_hash, 'hex') as head_hash, sealed_at, key_id,
               translate(encode(signature, 'base64'), E'\n', '') as signature
          from audit_checkpoints where sealed_at >= :start and sealed_at < :end order by seq""",
                 start=start, end=end)


def privacy_requests(session: Session, start: datetime, end: datetime) -> list[Row]:
    """Requests open at some moment of the window (received before its end, not closed before its start)."""
    return _rows(session, """
        select id, kind, regime, source, status, received_at, clock_started_at, due_at, extended_until,
               extension_reason is not null as extended, completed_at, overdue_recorded_at
          from privacy_requests
         where received_at < :end and (completed_at is null or completed_at >= :start)
         order by received_at, id""", start=start, end=end)


def events(session: Session, actions: Sequence[str], start: datetime, end: datetime) -> list[Row]:
    """The window's events of the given actions, without their sealed personal values (customers' data)."""
    statement = text("""
        select seq, occurred_at, actor_kind, actor_id, action, resource_type, resource_id, outcome,
               details - cast(:personal as text) as details
          from audit_events
         where action in :actions and occurred_at >= :start and occurred_at < :end
         order by seq""").bindparams(bindparam("actions", expanding=True))
    found = session.execute(statement, {"actions": list(actions), "start": start, "end": end,
                                        "personal": PERSONAL_FIELD})
    return [dict(r._mapping) for r in found]


def subprocessor_changes(session: Session, end: datetime) -> list[Row]:
    """Every dated change of the register up to the window's end: what was in force when is the whole
    history, not only the window's part."""
    return _rows(session, """
        select occurred_at, change, subprocessor_key, name, purpose, location, data_categories, reason
          from subprocessor_changes where occurred_at < :end order by occurred_at, id""", end=end)


def subprocessor_objections(session: Session, end: datetime) -> list[Row]:
    return _rows(session, """
        select o.announcement_id, a.name, a.effective_on, o.objected_by, o.objected_at
          from subprocessor_objections o join subprocessor_announcements a on a.id = o.announcement_id
         where o.objected_at < :end order by o.objected_at""", end=end)


def dpa_versions(session: Session, end: datetime) -> list[Row]:
    """Versions with their hashes and signatures (the documents themselves are the tenant's to download)."""
    return _rows(session, """
        select v.version, v.sha256, v.key_id, translate(encode(v.signature, 'base64'), E'\n', '') as signature,
               v.generated_at, a.accepted_by, a.accepted_at
          from dpa_versions v left join dpa_acceptances a on a.tenant_id = v.tenant_id and a.version = v.version
         where v.generated_at < :end order by v.version""", end=end)


def incident_notifications(session: Session, start: datetime, end: datetime) -> list[Row]:
    """What the tenant was told of incidents in the window (their own rows, under RLS)."""
    return _rows(session, """
        select incident_id, title, severity, categories, aware_at, window_start, window_end, notified_at
          from incident_notifications where notified_at >= :start and notified_at < :end
         order by notified_at, id""", start=start, end=end)


def incidents(session: Session, start: datetime, end: datetime) -> list[Row]:
    """Incidents open at some moment of the window, with their clocks (the operator's scope only)."""
    return _rows(session, """
        select id, title, severity, status, owner, tenant_ids, notified_tenant_ids, categories, aware_at,
               window_start, window_end, regulator_due_at, tenants_due_at, contained_at, regulator_notified_at,
               closed_at, review is not null as reviewed, trigger_key, created_at
          from incidents where aware_at < :end and (closed_at is null or closed_at >= :start)
         order by aware_at, id""", start=start, end=end)


def incident_timeline(session: Session, incident_id: Any) -> list[Row]:
    return _rows(session, """
        select seq, at, kind, actor, body from incident_entries where incident_id = :i order by seq""",
                 i=incident_id)
