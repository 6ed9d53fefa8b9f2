"""Engium: a self-hostable, multi-tenant AI front desk with database-enforced tenant isolation."""

__version__ = "0.1.0"
