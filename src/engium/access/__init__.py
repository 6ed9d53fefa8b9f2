"""The acting party: who acts (a member, an API key, a webhook sender, a widget visitor, the operator, a
system task) and what each role may do. Below every domain: services take it, the audit log records it."""
