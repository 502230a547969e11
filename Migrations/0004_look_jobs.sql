-- Looks: shopper photo searches run as jobs by the query workers (shoplook-query-worker).
--
-- A job is answered once: its results and its terminal state are written in one transaction that first
-- locks the row and checks it is still unfinished, so a replayed message, a second worker after a rebalance
-- or the deadline sweeper can never add a second answer. A job never hangs: deadline_at is fixed at submit,
-- and a worker (or the sweeper) that finds it passed ends the job failed with the reason.

ALTER TABLE query_jobs ADD COLUMN deadline_at timestamptz;
UPDATE query_jobs SET deadline_at = created_at + interval '30 seconds';
ALTER TABLE query_jobs ALTER COLUMN deadline_at SET NOT NULL;
ALTER TABLE query_jobs ALTER COLUMN deadline_at SET DEFAULT now() + interval '30 seconds';
ALTER TABLE query_jobs ADD CONSTRAINT query_jobs_deadline_after_creation CHECK (deadline_at > created_at);
ALTER TABLE query_jobs ADD COLUMN attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0);
ALTER TABLE query_jobs ADD COLUMN worker text CHECK (worker <> '');
ALTER TABLE query_jobs ADD COLUMN verdict text
    CHECK (verdict IN ('full_front', 'full_back', 'full_side', 'partial', 'no_person'));
ALTER TABLE query_jobs ADD COLUMN details jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(details) = 'object');
COMMENT ON COLUMN query_jobs.deadline_at IS 'When the job must have ended; past it, a worker or the sweeper fails it.';
COMMENT ON COLUMN query_jobs.attempts IS 'How many times a worker took the job (more than 1 after a worker died holding it).';
COMMENT ON COLUMN query_jobs.worker IS 'The worker that took it last (host, pid and a start id), for operators.';
COMMENT ON COLUMN query_jobs.verdict IS 'The pose verdict of the photo (what of the person is in view).';
COMMENT ON COLUMN query_jobs.details IS
    'What the answer rests on: articles not in view and why, shards that did not answer, and where the time went (stage_ms).';

-- The sweeper looks for unfinished jobs past their deadline.
DROP INDEX query_jobs_unfinished_idx;
CREATE INDEX query_jobs_unfinished_idx ON query_jobs (deadline_at) WHERE state IN ('queued', 'running');

-- Per article of the photo: its fine category's confidence and how many products were asked for.
ALTER TABLE query_results ADD COLUMN article_score real CHECK (article_score >= 0 AND article_score <= 1);
COMMENT ON COLUMN query_results.article_score IS 'How sure the locator is of the article (the pose landmarks'' visibility, or the category probability of a product photo).';
