-- Re-referrals by service, rolling 12 months.
--
-- Answers: of the episodes that started (allocation_date) in the rolling 12 months, how many were
-- re-referrals, that is a new episode for the same child in the same service that started on or
-- after the closure of an earlier episode and no more than 12 months after that closure
-- (date(closure_date, '+12 months')). An episode counts once however many earlier closures it follows.
--
-- Parameters: :rolling_start, :period_end (episodes allocated from :rolling_start to :period_end).
-- Rows: one for all services (service = 'Total'), then one per service in code order.
-- Columns: service, episodes_started, re_referrals, re_referral_pct (one decimal place; empty
-- when no episode started). Not suppressed: wrap counts in suppress() before publishing.
WITH started AS (
  SELECT e.service,
         EXISTS (
           SELECT 1 FROM episodes p
           WHERE p.child_id = e.child_id
             AND p.service = e.service
             AND p.episode_id <> e.episode_id
             AND p.closure_date IS NOT NULL
             AND p.closure_date <= e.allocation_date
             AND e.allocation_date <= date(p.closure_date, '+12 months')
         ) AS is_re_referral
  FROM episodes e
  WHERE e.allocation_date BETWEEN :rolling_start AND :period_end
),
by_service AS (
  SELECT 1 AS sort, service, count(*) AS episodes_started, sum(is_re_referral) AS re_referrals
  FROM started GROUP BY service
  UNION ALL
  SELECT 0, 'Total', count(*), coalesce(sum(is_re_referral), 0) FROM started
)
SELECT service, episodes_started, re_referrals,
       CASE WHEN episodes_started > 0 THEN round(100.0 * re_referrals / episodes_started, 1) END AS re_referral_pct
FROM by_service
ORDER BY sort, service;
