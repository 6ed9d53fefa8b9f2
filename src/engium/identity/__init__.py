"""Users, memberships, roles and permissions, sessions, API keys, MFA."""
