"""Live inbox updates: one LISTEN connection per process, fanned out to that process's SSE subscribers.

``conversations.repository`` announces every new message and every conversation change with
``pg_notify('engium_inbox', {"tenant_id", "conversation_id"})`` inside the writing transaction, so a
notification exists only once the change is committed, whichever process (``serve``, ``worker``, another
app server) made it. A daemon thread here holds one dedicated connection that LISTENs, and hands each
conversation id to the subscribers of its tenant only. Subscribers learn nothing but the id: each
re-reads the conversation in its own transaction, bound to its own session's tenant, under RLS.

No subscriber polls the database; the thread starts with the first subscriber and keeps one connection
however many browsers are open. A lost connection is re-established, and every subscriber is told to
resynchronise, since notifications sent meanwhile were missed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from uuid import UUID

from engium.conversations.repository import INBOX_CHANNEL
from engium.kit.database import Database
from engium.notifications.repository import NOTIFICATIONS_CHANNEL

# What a stream follows: conversation changes (payload key ``conversation_id``) or a member's new staff
# notifications (``user_id``, notifications/repository.py). One LISTEN connection serves both.
ID_KEYS = {INBOX_CHANNEL: "conversation_id", NOTIFICATIONS_CHANNEL: "user_id"}

log = logging.getLogger(__name__)

# How long one wait for notifications lasts before the thread checks whether it should stop.
WAIT_SECONDS = 1.0
RECONNECT_DELAYS_SECONDS = (0.5, 1.0, 2.0, 5.0)


@dataclass(eq=False)
class Subscriber:
    """One open event stream. ``changed`` collects ids between two reads, so a burst of notifications
    about one conversation costs one re-read; ``resync`` asks for a full reload after a reconnect."""

    tenant_id: UUID
    loop: asyncio.AbstractEventLoop
    channel: str = INBOX_CHANNEL
    changed: set[UUID] = field(default_factory=set)
    resync: bool = False
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    def _offer(self, conversation_id: UUID | None) -> None:
        if conversation_id is None:
            self.resync = True
        else:
            self.changed.add(conversation_id)
        self.wake.set()

    async def next_batch(self) -> tuple[set[UUID], bool]:
        """Waits for changes; returns the changed ids and whether a resynchronisation is due."""
        await self.wake.wait()
        self.wake.clear()
        changed, resync = self.changed, self.resync
        self.changed, self.resync = set(), False
        return changed, resync


class InboxFeed:
    def __init__(self, database: Database) -> None:
        self._database = database
        self._subscribers: dict[tuple[UUID, str], set[Subscriber]] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        # Set once the LISTEN is in place: a change committed after that reaches the subscribers.
        self.listening = threading.Event()

    def subscribe(self, tenant_id: UUID, channel: str = INBOX_CHANNEL) -> Subscriber:
        subscriber = Subscriber(tenant_id, asyncio.get_running_loop(), channel)
        with self._lock:
            self._subscribers.setdefault((tenant_id, channel), set()).add(subscriber)
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(target=self._run, name="engium-inbox-feed", daemon=True)
                self._thread.start()
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            key = (subscriber.tenant_id, subscriber.channel)
            subscribers = self._subscribers.get(key)
            if subscribers is not None:
                subscribers.discard(subscriber)
                if not subscribers:
                    del self._subscribers[key]

    def stop(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout=WAIT_SECONDS * 3)
        self._thread = None

    def _deliver(self, tenant_id: UUID | None, changed_id: UUID | None, channel: str = INBOX_CHANNEL) -> None:
        """``tenant_id`` None: every subscriber (a resynchronisation after a reconnect)."""
        with self._lock:
            if tenant_id is None:
                targets = [s for group in self._subscribers.values() for s in group]
            else:
                targets = list(self._subscribers.get((tenant_id, channel), ()))
        for subscriber in targets:
            try:
                subscriber.loop.call_soon_threadsafe(subscriber._offer, changed_id)
            except RuntimeError:
                self.unsubscribe(subscriber)  # its event loop has closed

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                # After a reconnect, notifications sent meanwhile were lost: every page must reload.
                self._listen(resync=failures > 0)
                failures = 0
            except Exception:
                self.listening.clear()
                delay = RECONNECT_DELAYS_SECONDS[min(failures, len(RECONNECT_DELAYS_SECONDS) - 1)]
                failures += 1
                log.warning("inbox feed lost its database connection; reconnecting in %.1f s", delay, exc_info=True)
                time.sleep(delay)

    def _listen(self, *, resync: bool) -> None:
        # Its own direct connection: LISTEN lasts as long as the connection, which a transaction pooler
        # would hand to other clients between transactions.
        with self._database.session_connection() as driver:
            try:
                for channel in ID_KEYS:
                    driver.execute(f"listen {channel}")
                self.listening.set()
                if resync:
                    self._deliver(None, None)
                while not self._stop.is_set():
                    for notification in driver.notifies(timeout=WAIT_SECONDS):
                        self._dispatch(notification.channel, notification.payload)
            finally:
                self.listening.clear()

    def _dispatch(self, channel: str, payload: str) -> None:
        try:
            data = json.loads(payload)
            tenant_id, changed_id = UUID(data["tenant_id"]), UUID(data[ID_KEYS[channel]])
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring a malformed %s notification", channel)
            return
        self._deliver(tenant_id, changed_id, channel)
