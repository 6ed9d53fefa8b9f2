"""Services, staff, weekly availability with exceptions, and bookings."""
