-- Configuration keys (docs/protocol.md, "Check-in"): each kiosk shows a hash of its settings and
-- version at check-in. The server keeps the one each candidate checked in with and an allow-list
-- (`pix-server config-key`); while the list is empty every key is accepted.

CREATE TABLE config_keys (
    config_key TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    allowed_at DOUBLE PRECISION NOT NULL
);

ALTER TABLE candidates ADD COLUMN config_key TEXT;

ALTER TABLE candidates ADD COLUMN app_version TEXT;
