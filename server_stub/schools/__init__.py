"""Schools on the platform: organisations, accounts and roles, the audit log, the roster of
students, sessions planned from it, and the national feeds (docs/feeds.md)."""
