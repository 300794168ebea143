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
WITH open_episodes AS (
  SELECT episode_id, service, locality, level, allocation_date
  FROM episodes
  WHERE allocation_date <= date(:period_end, '-84 days')
    AND (closure_date IS NULL OR closure_date >= :period_end)
),
last_assessed AS (
  SELECT episode_id, max(assessment_date) AS last_assessment_date
  FROM outcomes
  WHERE assessment_date <= :period_end
  GROUP BY episode_id
)
SELECT o.episode_id, o.service, o.locality, o.level, o.allocation_date, l.last_assessment_date,
       CAST(julianday(:period_end) - julianday(coalesce(l.last_assessment_date, o.allocation_date)) AS INTEGER)
         AS days_since_last_assessment
FROM open_episodes o
LEFT JOIN last_assessed l ON l.episode_id = o.episode_id
WHERE l.last_assessment_date IS NULL OR l.last_assessment_date <= date(:period_end, '-84 days')
ORDER BY o.service, l.last_assessment_date IS NOT NULL, l.last_assessment_date, o.episode_id;
