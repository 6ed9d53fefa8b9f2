"""Who is using a page: the signed-in member, resolved from the same session cookie as the API.

The session cookie (``engium_session``, HttpOnly) is resolved by ``resolve_session_and_bind`` exactly as
``identity.auth.authenticate`` does, which binds the request's transaction to the session's tenant, so
every service call below runs under RLS as that member. Forms prove they came from our own page with a
hidden ``csrf_token`` field holding the session's CSRF token (the readable ``engium_csrf`` cookie, set at
sign-in), compared with the hash stored on the session; a header cannot be set by a plain HTML form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from engium.access import credential_lookup
from engium.access.authentication import CSRF_COOKIE, SESSION_COOKIE, TOUCH_INTERVAL
from engium.access.permissions import Permission, Role
from engium.access.principal import Principal, PrincipalKind, remember_for_refusals
from engium.access.tokens import digest, digests_match
from engium.errors import Forbidden, TenantSuspended
from engium.identity import repository as identity_repo
from engium.kit.transaction import DbSession
from engium.notifications import service as notifications
from engium.tenancy import service as tenancy
from engium.tenancy.binding import bind_user

CSRF_FIELD = "csrf_token"
MAX_TOKEN_LENGTH = 200


class SignInRequired(Exception):
    """No valid session: the page answers with a redirect to the sign-in page."""


class EnrolmentRequired(Exception):
    """The business requires two-factor authentication and this member has none yet."""


@dataclass(frozen=True)
class NavItem:
    href: str
    label: str
    icon: str


# The sidebar, in order; each entry needs the permission that opening its page needs.
NAVIGATION: tuple[tuple[NavItem, Permission], ...] = (
    (NavItem("/inbox", "Inbox", "inbox"), Permission.CONVERSATIONS_READ),
    (NavItem("/notifications", "Notifications", "bell"), Permission.TENANT_READ),
    (NavItem("/search", "Search", "search"), Permission.CONVERSATIONS_READ),
    (NavItem("/bookings", "Bookings", "calendar"), Permission.BOOKINGS_READ),
    (NavItem("/contacts", "Contacts", "users"), Permission.CONTACTS_READ),
    (NavItem("/analytics", "Analytics", "chart"), Permission.ANALYTICS_READ),
    (NavItem("/knowledge", "Knowledge", "book"), Permission.KNOWLEDGE_READ),
    (NavItem("/settings", "Settings", "sliders"), Permission.SETTINGS_WRITE),
    (NavItem("/integrations", "Integrations", "plug"), Permission.INTEGRATIONS_MANAGE),
    (NavItem("/team", "Team", "shield"), Permission.MEMBERS_MANAGE),
    (NavItem("/audit", "Audit log", "list"), Permission.AUDIT_READ),
    (NavItem("/privacy", "Privacy", "shield"), Permission.PRIVACY_READ),
    (NavItem("/trust", "Trust", "shield"), Permission.PRIVACY_READ),
)


@dataclass(frozen=True)
class Member:
    principal: Principal
    email: str
    display_name: str
    business_name: str
    timezone: str
    csrf_token: str
    totp_enabled: bool
    # Shown on the navigation's bell; counted for page views only (resolve_member), not for live streams.
    unread_notifications: int = 0

    @property
    def role(self) -> Role:
        return self.principal.role

    def can(self, permission: Permission | str) -> bool:
        return self.principal.can(Permission(permission))

    @property
    def navigation(self) -> list[NavItem]:
        return [item for item, needed in NAVIGATION if self.can(needed)] if self.principal.mfa_satisfied else []

    # The layout's account link and sign-out form (the operator console has its own: operator_viewer.py).
    account_href = "/account"
    sign_out_href = "/sign-out"

    @property
    def home(self) -> str:
        """The first page this member may open (an auditor without conversations lands on the log)."""
        items = self.navigation
        return items[0].href if items else "/account"


def member_from_cookies(session: Session, cookies: Mapping[str, str], *, posted_csrf: str | None) -> Member:
    """The member behind the session cookie, or :class:`SignInRequired`. ``posted_csrf``: the form's
    token for a POST (checked), None for a page view."""
    cookie = cookies.get(SESSION_COOKIE, "")
    csrf = cookies.get(CSRF_COOKIE, "")
    if not cookie or len(cookie) > MAX_TOKEN_LENGTH or len(csrf) > MAX_TOKEN_LENGTH:
        raise SignInRequired
    found = credential_lookup.resolve_session_and_bind(session, digest(cookie))
    if found is None or not csrf or not digests_match(csrf, found.csrf_hash):
        # Without its CSRF token a page could not post any form: start over with a fresh sign-in.
        raise SignInRequired
    if found.suspended:
        raise TenantSuspended()
    principal = Principal(
        kind=PrincipalKind.USER, id=found.user_id, tenant_id=found.tenant_id, role=Role(found.role),
        user_id=found.user_id, session_id=found.session_id, mfa_satisfied=found.mfa_verified,
    )
    remember_for_refusals(principal)
    if posted_csrf is not None and not (
        posted_csrf and len(posted_csrf) <= MAX_TOKEN_LENGTH and digests_match(posted_csrf, found.csrf_hash)
    ):
        # Raising rolls back the transaction, and the tenant binding with it.
        raise Forbidden("This form has expired or did not come from Engium; reload the page and try again")
    if found.last_seen_at is None or datetime.now(UTC) - found.last_seen_at > TOUCH_INTERVAL:
        credential_lookup.touch_session(session, found.session_id)
    bind_user(session, found.user_id)
    user = identity_repo.get_user(session, found.user_id)
    business = tenancy.get_settings(session)
    return Member(
        principal=principal,
        email=user.email if user else "",
        display_name=(user.display_name if user else "") or "",
        business_name=business.business_name,
        timezone=business.timezone,
        csrf_token=csrf,
        totp_enabled=bool(user and user.totp_enabled),
    )


def resolve_member(request: Request, session: Session, *, posted_csrf: str | None) -> Member:
    """:func:`member_from_cookies` for a page request; the page's layout then shows its navigation."""
    member = member_from_cookies(session, request.cookies, posted_csrf=posted_csrf)
    if member.principal.mfa_satisfied:
        member = replace(member, unread_notifications=notifications.unread_count(session, member.principal))
    request.state.member = member
    return member


async def posted_form(request: Request) -> FormData:
    """The submitted form, parsed once (Starlette caches it on the request)."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(posted_form)]


def form_text(form: FormData, name: str, limit: int) -> str:
    """A posted field as text, trimmed and cut to ``limit`` characters; "" when absent or a file."""
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _signed_in(request: Request, session: DbSession) -> Member:
    return resolve_member(request, session, posted_csrf=None)


def _acting(request: Request, session: DbSession, form: PostedForm) -> Member:
    token = form.get(CSRF_FIELD)
    return resolve_member(request, session, posted_csrf=token if isinstance(token, str) else "")


def _enrolled(member: Member) -> Member:
    if not member.principal.mfa_satisfied:
        raise EnrolmentRequired
    return member


def viewer(permission: Permission | None = None) -> Any:
    """A page view by a signed-in, enrolled member holding ``permission`` (else the 403 page)."""

    def dependency(member: Annotated[Member, Depends(_signed_in, scope="function")]) -> Member:
        _enrolled(member)
        if permission is not None and not member.can(permission):
            raise Forbidden(f"Your role ({member.role}) cannot open this page")
        return member

    return Depends(dependency, scope="function")


def actor(permission: Permission | None = None) -> Any:
    """A form post (CSRF checked) by a signed-in, enrolled member holding ``permission``."""

    def dependency(member: Annotated[Member, Depends(_acting, scope="function")]) -> Member:
        _enrolled(member)
        if permission is not None and not member.can(permission):
            raise Forbidden(f"Your role ({member.role}) cannot do this")
        return member

    return Depends(dependency, scope="function")


# Pages that a member who still has to enrol in two-factor authentication may open.
SignedIn = Annotated[Member, Depends(_signed_in, scope="function")]
Acting = Annotated[Member, Depends(_acting, scope="function")]
