-- Outcome assessments overdue at the end of the reporting month: a work list for team managers.
--
-- Answers: which episodes open on :period_end have had no outcome assessment (any score in the
-- outcomes table, any stage or rater) in the last 12 weeks, that is none dated after
-- date(:period_end, '-84 days') and on or before :period_end. An episode allocated within those
-- 12 weeks is not yet due and is left out. Assessments dated after :period_end are ignored, so
-- re-running a past month gives the same list.
--
-- Parameters: :period_end.
-- Rows: one per overdue episode, by service, then never-assessed first, then oldest last
-- assessment, then episode_id.
-- Columns: episode_id, service, locality, level, allocation_date, last_assessment_date (empty
-- when never assessed), days_since_last_assessment (from the last assessment, or from allocation
-- when never assessed, to :period_end). Row-level: keep the file inside the council.
-- The last assessment is looked up per open episode through the outcomes key (episode_id,
-- assessment_date, ...), a seek rather than a pass over every outcome; MATERIALIZED makes SQLite
-- look it up once per episode instead of once per use below.
WITH open_episodes AS MATERIALIZED (
  SELECT e.episode_id, e.service, e.locality, e.level, e.allocation_date,
         (SELECT max(a.assessment_date) FROM outcomes a
          WHERE a.episode_id = e.episode_id AND a.assessment_date <= :period_end) AS last_assessment_date
  FROM episodes e
  WHERE e.allocation_date <= date(:period_end, '-84 days')
    AND (e.closure_date IS NULL OR e.closure_date >= :period_end)
)
SELECT episode_id, service, locality, level, allocation_date, last_assessment_date,
       CAST(julianday(:period_end) - julianday(coalesce(last_assessment_date, allocation_date)) AS INTEGER)
         AS days_since_last_assessment
FROM open_episodes
WHERE last_assessment_date IS NULL OR last_assessment_date <= date(:period_end, '-84 days')
ORDER BY service, last_assessment_date IS NOT NULL, last_assessment_date, episode_id;
