"""The web space of the schools: server-rendered pages under /web (docs/web.md)."""
