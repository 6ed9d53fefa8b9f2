"""Calendars: private ICS feeds of bookings, and busy time imported from staff members' own calendars."""
