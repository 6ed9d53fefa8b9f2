"""Integration credentials (Twilio, WhatsApp, model providers, webhooks, widget): the credentials vault."""
