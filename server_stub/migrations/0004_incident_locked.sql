-- Whether a kiosk incident locked the kiosk (docs/protocol.md, "Live events"). FALSE: the kiosk
-- refused to start the exam's lockdown (a prohibited program, a remote session...) and waits on
-- its instructions screen; the room shows it `start_refused`, not `locked`, and the kiosk's
-- first question (an `item_shown` journal entry streamed) resolves it. Rows from before this
-- migration were all locks. The index serves that resolution, done on the streaming path.

ALTER TABLE incidents ADD COLUMN locked BOOLEAN NOT NULL DEFAULT TRUE;

CREATE INDEX incidents_by_exam ON incidents (exam_id);
