-- Closure reasons by service, for the reporting month and the rolling 12 months.
--
-- Answers: why episodes closed, per service: for episodes with a closure_date in the window, how
-- many closed for each recorded closure_reason (an empty reason shows as 'Not recorded'), and
-- what share of the service's closures in that window that is.
--
-- Parameters: :period_start, :period_end (reporting month), :rolling_start (rolling 12 months,
-- :rolling_start to :period_end).
-- Rows: one per window, service and closure reason; 'Reporting month' rows first, then
-- 'Rolling 12 months'; within a window by service, then most frequent reason first, then reason.
-- A service with no closure in a window has no rows for it.
-- Columns: window, service, closure_reason, closures, pct_of_service_closures (one decimal place).
-- Not suppressed.
WITH windows (window, sort, start_date, end_date) AS (
  VALUES ('Reporting month', 0, :period_start, :period_end),
         ('Rolling 12 months', 1, :rolling_start, :period_end)
),
closed AS (
  SELECT w.window, w.sort, e.service, coalesce(e.closure_reason, 'Not recorded') AS closure_reason
  FROM windows w
  JOIN episodes e ON e.closure_date BETWEEN w.start_date AND w.end_date
),
counted AS (
  SELECT window, sort, service, closure_reason, count(*) AS closures
  FROM closed GROUP BY window, sort, service, closure_reason
)
SELECT window, service, closure_reason, closures,
       round(100.0 * closures / sum(closures) OVER (PARTITION BY window, service), 1) AS pct_of_service_closures
FROM counted
ORDER BY sort, service, closures DESC, closure_reason;
