"""A stored credential that fails to decrypt is an incident trigger (``decryption:<tenant>``).

The vault tells its listeners synchronously, in the middle of the caller's transaction, so the listener
does no incident work there: it queues ``incidents.decryption_failed`` in a short transaction of its own
(a job row only, no tenant row: nothing the caller may hold locked), and a worker opens or appends to
the incident. Only credential stores count: integration secrets and signing keys, second-factor secrets.
"""

from __future__ import annotations

from engium import jobs
from engium.crypto.envelope import CipherContext
from engium.crypto.keyring import DataKeyRing
from engium.kit.database import Database

DECRYPTION_JOB = "incidents.decryption_failed"
CREDENTIAL_TABLES = frozenset({"integration_credentials", "users"})


def install_decryption_listener(vault: DataKeyRing, database: Database) -> None:
    def listener(context: CipherContext) -> None:
        if context.table not in CREDENTIAL_TABLES:
            return
        with database.transaction() as session:
            jobs.defer(session, DECRYPTION_JOB, tenant_id=str(context.tenant_id), table=context.table)

    vault.failure_listeners.append(listener)
