-- Open episodes by level and locality at the end of the reporting month.
--
-- Answers: how much work is open on the last day of the month, by level of need and locality.
-- An episode is open on :period_end when it was allocated on or before that day and has no
-- closure_date or closed after it (so a later extract's closure does not change a past month).
--
-- Parameters: :period_end.
-- Rows: one per level and locality with at least one open episode, levels in the order
-- EH3, EH4, CIN, CP, CIC, CL, then localities alphabetically.
-- Columns: level, locality, open_episodes, children (distinct child_id: a child can have open
-- episodes in two services). Not suppressed.
SELECT level, locality, count(*) AS open_episodes, count(DISTINCT child_id) AS children
FROM episodes
WHERE allocation_date <= :period_end
  AND (closure_date IS NULL OR closure_date >= :period_end)
GROUP BY level, locality
ORDER BY CASE level WHEN 'EH3' THEN 1 WHEN 'EH4' THEN 2 WHEN 'CIN' THEN 3 WHEN 'CP' THEN 4
                    WHEN 'CIC' THEN 5 WHEN 'CL' THEN 6 ELSE 7 END,
         level, locality;
