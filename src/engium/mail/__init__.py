"""Outbound e-mail: queued in the caller's transaction, sent by a job through the operator's SMTP server (ADR 0032)."""
