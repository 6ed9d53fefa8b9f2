"""Messaging channels: web widget, Twilio SMS, WhatsApp; inbound webhook verification; outbound webhooks.

Inbound verification (``verification``) is pure and framework-free: it works on the raw body bytes
and the request headers, so it runs before anything parses the request.
"""
