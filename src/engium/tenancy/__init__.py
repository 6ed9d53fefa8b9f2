"""Tenants, their settings, and binding a transaction to one tenant."""
