"""Domain-free plumbing: database runtime, transactions, tenant binding, pagination."""
