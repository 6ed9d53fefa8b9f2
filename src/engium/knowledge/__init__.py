"""Tenant-partitioned knowledge: documents and their embedded chunks (P2, ADR 0009)."""
