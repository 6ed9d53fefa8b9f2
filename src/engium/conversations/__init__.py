"""Contacts, conversations, messages, escalation and handoff."""
