"""The one permission enum, and what each membership role is granted."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    AGENT = "agent"
    AUDITOR = "auditor"


class Permission(StrEnum):
    TENANT_READ = "tenant:read"
    SETTINGS_WRITE = "settings:write"
    MEMBERS_READ = "members:read"
    MEMBERS_MANAGE = "members:manage"
    API_KEYS_MANAGE = "api_keys:manage"
    CONTACTS_READ = "contacts:read"
    CONTACTS_WRITE = "contacts:write"
    CONVERSATIONS_READ = "conversations:read"
    CONVERSATIONS_WRITE = "conversations:write"
    CATALOG_READ = "catalog:read"
    CATALOG_WRITE = "catalog:write"
    BOOKINGS_READ = "bookings:read"
    BOOKINGS_WRITE = "bookings:write"
    AUDIT_READ = "audit:read"
    # Integration credentials (secrets are write-only even to holders of this permission).
    INTEGRATIONS_MANAGE = "integrations:manage"
    # The knowledge base: agents search and read it; owners and admins add, replace and delete documents.
    KNOWLEDGE_READ = "knowledge:read"
    KNOWLEDGE_WRITE = "knowledge:write"
    # Privacy (privacy/): the record of processing, data-subject requests and their clocks, retention and
    # consent. Auditors read; owners and admins handle requests and set retention.
    PRIVACY_READ = "privacy:read"
    PRIVACY_MANAGE = "privacy:manage"
    # The business's numbers (analytics/): owners, admins and auditors; agents answer customers, not this.
    ANALYTICS_READ = "analytics:read"


_READ_ONLY = frozenset(
    {
        Permission.TENANT_READ,
        Permission.MEMBERS_READ,
        Permission.CONTACTS_READ,
        Permission.CONVERSATIONS_READ,
        Permission.CATALOG_READ,
        Permission.BOOKINGS_READ,
        Permission.KNOWLEDGE_READ,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    Role.ADMIN: frozenset(Permission) - {Permission.AUDIT_READ},
    Role.AGENT: _READ_ONLY
    | {Permission.CONTACTS_WRITE, Permission.CONVERSATIONS_WRITE, Permission.BOOKINGS_WRITE},
    Role.AUDITOR: _READ_ONLY | {Permission.AUDIT_READ, Permission.PRIVACY_READ, Permission.ANALYTICS_READ},
}

# A principal may hand out (as a membership or an API key) only roles whose permissions it holds.
def can_grant(granter: Role, role: Role) -> bool:
    return ROLE_PERMISSIONS[role] <= ROLE_PERMISSIONS[granter]
