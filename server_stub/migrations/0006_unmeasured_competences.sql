-- The competences of the exam's plan that no scored answer measured (engine ExamResult
-- `unmeasured_competences`): their level comes from the global estimate alone, and the export
-- says so. A JSON list of competence codes; rows from before this migration measured all.

ALTER TABLE results ADD COLUMN unmeasured_competences TEXT NOT NULL DEFAULT '[]';
