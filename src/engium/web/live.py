"""Server-sent event streams for pages that update themselves (the inbox, an open conversation).

A stream holds no database connection while it waits. When the process's :class:`InboxFeed` reports
changed conversations of the stream's tenant, the stream re-reads them in a transaction of its own,
re-authenticating the session cookie first, so a member signed out (or removed) meanwhile stops getting
updates, and everything is read under that member's tenant binding and role like a page view.
"""

from __future__ import annotations

import json
import threading
from collections.abc import AsyncIterator, Callable
from typing import Any
from uuid import UUID

import anyio
from fastapi import FastAPI
from sqlalchemy.orm import Session
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.requests import Request

from engium.access.permissions import Permission
from engium.conversations.repository import INBOX_CHANNEL
from engium.errors import AppError
from engium.runtime import Runtime
from engium.web.inbox_feed import InboxFeed
from engium.web.members import Member, SignInRequired, member_from_cookies

_feed_lock = threading.Lock()
PING_SECONDS = 15
LISTEN_READY_SECONDS = 10.0

# Called in a worker thread with (session, member, changed ids, resync); returns the events to send.
Reread = Callable[[Session, Member, set[UUID], bool], list[ServerSentEvent]]


def feed_of(app: FastAPI) -> InboxFeed:
    """The process's one feed, created on first use (a process nobody watches never LISTENs)."""
    with _feed_lock:
        feed: InboxFeed | None = getattr(app.state, "inbox_feed", None)
        if feed is None:
            feed = InboxFeed(app.state.runtime.database)
            app.state.inbox_feed = feed
        return feed


def stop_feed(app: FastAPI) -> None:
    feed: InboxFeed | None = getattr(app.state, "inbox_feed", None)
    if feed is not None:
        feed.stop()


def _reread(
    request: Request, permission: Permission, reread: Reread, changed: set[UUID], resync: bool
) -> list[ServerSentEvent] | None:
    """None when the member may no longer see this stream: the stream ends."""
    runtime = Runtime.of(request)
    try:
        with runtime.database.transaction() as session:
            member = member_from_cookies(session, request.cookies, posted_csrf=None)
            if not member.principal.mfa_satisfied or not member.can(permission):
                return None
            return reread(session, member, changed, resync)
    except (SignInRequired, AppError):
        return None


def event_stream(request: Request, member: Member, permission: Permission, reread: Reread, *,
                 channel: str = INBOX_CHANNEL) -> EventSourceResponse:
    feed = feed_of(request.app)

    async def events() -> AsyncIterator[ServerSentEvent]:
        subscriber = feed.subscribe(member.principal.tenant_id, channel)
        try:
            while not await anyio.to_thread.run_sync(feed.listening.wait, LISTEN_READY_SECONDS):
                pass  # the feed is (re)connecting; sse-starlette's pings keep the stream open meanwhile
            # From here on, every committed change reaches this stream: the page may rely on it.
            yield ServerSentEvent(event="ready", data="{}")
            while True:
                changed, resync = await subscriber.next_batch()
                batch = await anyio.to_thread.run_sync(_reread, request, permission, reread, changed, resync)
                if batch is None:
                    yield ServerSentEvent(event="signed-out", data="{}")
                    return
                for event in batch:
                    yield event
        finally:
            feed.unsubscribe(subscriber)

    return EventSourceResponse(events(), ping=PING_SECONDS, headers={"Cache-Control": "no-store"})


def json_event(name: str, data: dict[str, Any]) -> ServerSentEvent:
    return ServerSentEvent(event=name, data=json.dumps(data))
