-- The invigilators' remarks given at finalisation (Pix: "commentaire global de la session"),
-- printed on the attendance and incident report. NULL: none given (docs/protocol.md, "finalise").

ALTER TABLE sessions ADD COLUMN finalisation_remarks TEXT;
