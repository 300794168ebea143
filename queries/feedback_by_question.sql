-- Feedback answers by question, for the reporting month and the rolling 12 months.
--
-- Answers: for each feedback question, how many answers were received (received_date in the
-- window) and what share were positive and negative (answer_class 1 and -1, METRICS.md 3).
-- Blank answers (answer_class NULL) are not counted.
--
-- Parameters: :period_start, :period_end (reporting month), :rolling_start (rolling 12 months).
-- Rows: one per window and question answered in it; 'Reporting month' first, questions
-- alphabetically.
-- Columns: window, question, answers, pct_positive, pct_negative (one decimal place).
-- Suppressed as the metric tables are: an answer count from 1 to the threshold shows as 'c' and so
-- do its percentages (suppress(n) uses the run's --suppress-max).
WITH windows (window, sort, start_date, end_date) AS (
  VALUES ('Reporting month', 0, :period_start, :period_end),
         ('Rolling 12 months', 1, :rolling_start, :period_end)
),
counted AS (
  SELECT w.window, w.sort, f.question,
         count(*) AS answers,
         sum(f.answer_class = 1) AS positive,
         sum(f.answer_class = -1) AS negative
  FROM windows w
  JOIN feedback f ON f.received_date BETWEEN w.start_date AND w.end_date
  WHERE f.answer_class IS NOT NULL
  GROUP BY w.window, w.sort, f.question
)
SELECT window, question, suppress(answers) AS answers,
       CASE WHEN suppress(answers) = 'c' THEN 'c' ELSE round(100.0 * positive / answers, 1) END AS pct_positive,
       CASE WHEN suppress(answers) = 'c' THEN 'c' ELSE round(100.0 * negative / answers, 1) END AS pct_negative
FROM counted
ORDER BY sort, question;
