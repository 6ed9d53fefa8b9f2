"""Analytics: conversation, response-time, booking and satisfaction numbers per period and channel (ADR 0044)."""
