-- The exam clock starts when the server receives the kiosk's start (its journal's first entry),
-- and at the latest at `start_by`: the start ticket's issue plus the start window
-- (engine.ticket.START_WINDOW_S). NULL until a start ticket is issued; rows from before this
-- migration started their clock with the ticket (`started_at` is set).

ALTER TABLE exams ADD COLUMN start_by DOUBLE PRECISION;
