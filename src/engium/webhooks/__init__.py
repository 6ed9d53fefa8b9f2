"""Outbound webhooks to the tenant's own systems: signed, retried, SSRF-guarded (docs/adr/0008)."""
