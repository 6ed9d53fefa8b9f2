"""Inbound webhook verification: every provider's signature scheme, checked over the raw bytes before
anything is parsed (P6). Each verifier is pure: bytes and headers in, a verified payload or a refusal out."""
