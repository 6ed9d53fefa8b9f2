"""Envelope encryption for secrets at rest: root keys (key providers) wrap per-tenant data keys."""
