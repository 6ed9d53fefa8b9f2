"""The conversation engine: turns a customer's message into a grounded reply, a booking, or a human."""
