/// Month-by-month activity (`activity_trend.csv`, METRICS.md 5, PRECISE.md 10, 19, 24).
///
/// Rows: each of the 24 months ending with `ctx.period`, oldest first (the `month` column is the
/// outermost grouping, as in `attendance_trend.csv`), then breakdown `Total` and then `service`
/// (this table's fixed breakdowns, whatever the configuration adds), services in code-point order.
/// Every month has a row for `Total` and for each service with an episode referred or allocated
/// on or before the end of `M`, zeros included.
///
/// Indicators, in the order METRICS.md 5 lists them: the four counts, then the four year-on-year
/// changes in the same order. There is no base count: each count from 1 to T is `c`, and a change
/// is `c` when this month's or the year-before month's count is 1 to T (PRECISE.md 19); a change
/// against a zero month is `z`, and stays `z` (PRECISE.md 15).
public enum ActivityMetric {
    /// The counted quantities, in indicator order.
    public static let countNames = ["referrals", "allocations", "closures", "open_at_month_end"]

    /// Months shown, plus the twelve before them that the year-on-year changes compare against.
    static let monthsShown = 24
    static let monthsComputed = 36

    /// Per-month counts for the 36 months ending with `last`: index 0 is `last − 35` months.
    /// Each entry holds referrals, allocations, closures, open at month end.
    static func add(_ e: Episode, first: Month, into counts: inout [SIMD4<Int>]) {
        let n = counts.count
        func idx(_ d: Day) -> Int { Month(containing: d).index - first.index }
        // A referral counts in its referral month, even when allocated later (PRECISE.md 24).
        let r = idx(e.referralDate ?? e.allocationDate)
        if r >= 0 && r < n { counts[r][0] += 1 }
        let a = idx(e.allocationDate)
        if a >= 0 && a < n { counts[a][1] += 1 }
        // Open at the end of month j: allocated on or before its last day, and not closed before
        // it (closed on the last day is still open, PRECISE.md 12).
        var openTo = n - 1
        if let c = e.closureDate {
            let ci = idx(c)
            if ci >= 0 && ci < n { counts[ci][2] += 1 }
            openTo = min(openTo, c == Month(containing: c).lastDay ? ci : ci - 1)
        }
        var j = max(a, 0)
        while j <= openTo { counts[j][3] += 1; j += 1 }
    }

    /// One service's (or the total's) counts for the 36 computed months, and whether it has an
    /// episode referred or allocated by the end of M (so gets rows, PRECISE.md 10).
    struct Tally {
        var counts = Array(repeating: SIMD4<Int>.zero, count: monthsComputed)
        var listed = false

        mutating func add(_ e: Episode, first: Month, periodEnd: Day) {
            ActivityMetric.add(e, first: first, into: &counts)
            if e.allocationDate <= periodEnd || (e.referralDate.map { $0 <= periodEnd } ?? false) { listed = true }
        }
        /// Integer sums, so the merge order cannot change the result.
        mutating func merge(_ o: Tally) {
            for j in counts.indices { counts[j] &+= o.counts[j] }
            listed = listed || o.listed
        }
    }

    /// The `activity_trend` table for `ctx.period`.
    public static func table(_ data: Dataset, _ ctx: ReportContext) -> OutputTable {
        let first = ctx.period.adding(-(monthsComputed - 1))
        let periodEnd = ctx.period.lastDay
        let episodes = data.episodes
        let ranges = Parallel.ranges(count: episodes.count, partitions: 64)

        // Per partition: counts per service (integer sums, so the merge order cannot matter),
        // and whether the service has an episode referred or allocated by the end of M.
        let partials = Parallel.map(partitions: ranges.count, threads: ctx.threads) { p -> [String: Tally] in
            var acc: [String: Tally] = [:]
            for i in ranges[p] {
                let e = episodes[i]
                // Mutated in place through the subscript, so the month array is not copied per episode.
                acc[e.service, default: Tally()].add(e, first: first, periodEnd: periodEnd)
            }
            return acc
        }
        var byService: [String: Tally] = [:]
        var total = Tally()
        for part in partials {
            for (s, v) in part {
                byService[s, default: Tally()].merge(v)
                total.merge(v)
            }
        }
        let services = byService.keys.filter { byService[$0]!.listed }.sorted { CohortOrder.less($0, $1) }
        let blocks: [(breakdown: String, cohort: [String], counts: [SIMD4<Int>])] =
            [("Total", CohortAttributes.totals, total.counts)]
            + services.map { s in
                var k = CohortAttributes.totals
                k[CohortColumn.service.rawValue] = s
                return (Breakdown([.service]).name, k, byService[s]!.counts)
            }

        let sup = ctx.suppression
        var rows: [OutputRow] = []
        for j in (monthsComputed - monthsShown)..<monthsComputed {
            let month = first.adding(j).text
            for b in blocks {
                let now = b.counts[j], before = b.counts[j - 12]
                var cells = (0..<4).map { Cell.int(now[$0]) }
                for q in 0..<4 {
                    let change: Cell = before[q] == 0
                        ? .z : .num(100.0 * Double(now[q] - before[q]) / Double(before[q]))
                    cells.append(change)
                }
                for q in 0..<4 {
                    if sup.isSmall(now[q]) { cells[q] = .c }
                    if cells[4 + q] != .z && (sup.isSmall(now[q]) || sup.isSmall(before[q])) { cells[4 + q] = .c }
                }
                // The year-before counts go to the suppression stage: a change is `c` when either is (PRECISE.md 19).
                rows.append(OutputRow(window: month, breakdown: b.breakdown, cohort: b.cohort, cells: cells,
                                      unshown: (0..<4).map { before[$0] }))
            }
        }
        let labels = ["Referrals", "Allocations", "Closures", "Episodes open at the month's end"]
        let indicators = (0..<4).map { ColumnSpec(countNames[$0], labels[$0], hint: "Activity") }
            + (0..<4).map {
                ColumnSpec(countNames[$0] + "_yoy_pct", labels[$0] + ": change on the same month a year before",
                           unit: "%", hint: "Year-on-year change")
            }
        var table = OutputTable(name: "activity_trend", windowColumn: "month", indicators: indicators, rows: rows,
                                breakdowns: [.total, Breakdown([.service])])
        table.unshownCounts = countNames.map { "before_" + $0 }
        return table
    }
}
