/// The suppression stage: after the metrics, over all the run's tables together (METRICS.md
/// "Rounding and small numbers"; PRECISE.md 15-19, 32-35, 41).
///
/// The metrics compute every cell unsuppressed (exact integer counts); this stage applies rules
/// 1-3 per row, then rules 4-7 to a fixpoint, then the audit. It is sequential and visits rows in
/// their fixed order, so its result never depends on the thread count.
public enum SuppressionStage {
    public struct Result: Sendable {
        public var tables: [OutputTable]
        /// Cells each rule hid (`rule_1` … `rule_7`, `audit`), and `audit_unresolved`: hidden counts
        /// still pinned that no shown count of their relations could protect.
        public var hiddenBy: [String: Int]
    }

    /// Suppresses `tables` (unsuppressed, as the metrics computed them at T = 0).
    /// - Parameters:
    ///   - previous: for rule 7, the feedback table of each previous window, by window name
    ///     (`Reporting month` → the previous month's, `Rolling 12 months` → the 12 months before),
    ///     unsuppressed; the stage suppresses it alone (rules 1-7 with no window before it, and
    ///     the audit) to know what it publishes.
    ///   - previousPublished: the same tables as their own runs publish them (suppressed); when
    ///     given, `previous` is not used.
    ///   - audit: run the audit of PRECISE.md 41 after the rules.
    ///   - ownWindowOnly: audit only what the next month's rule 7 reads of these tables (their
    ///     own-window cells; the previous window's figures are left as rules 1-7 made them).
    ///   - threads: workers for the audit's propagation; the result never depends on it.
    ///   - apart: suppress the groups of tables no relation joins (`linkedGroups`) side by side;
    ///     the same cells either way (`AuditRecordingTests` compares).
    ///   - finished: told each table's index and final cells as soon as they are final (a group's
    ///     tables when that group is done, on the worker that did it), once per table, so the
    ///     caller can write them out while other groups are still being suppressed.
    public static func apply(_ tables: [OutputTable], threshold: Int, breakdowns: [Breakdown],
                             previous: [String: OutputTable] = [:], previousPublished: [String: OutputTable]? = nil,
                             audit: Bool = true, ownWindowOnly: Bool = false,
                             declarations: [String: TableDeclaration] = TableDeclaration.standard,
                             threads: Int = 1, apart: Bool = true,
                             finished: (@Sendable (_ indices: [Int], _ tables: [OutputTable]) -> Void)? = nil) -> Result {
        var counts = Dictionary(uniqueKeysWithValues: HidingRule.allCases.map { ($0.key, 0) })
        guard threshold > 0 else {
            finished?(Array(tables.indices), tables)
            return Result(tables: tables, hiddenBy: counts.merging(["audit_unresolved": 0]) { $1 })
        }
        // Rule 7 shows `c` where the previous window's table shows `c` after rules 1-6 (PRECISE.md
        // 35), and also where that table's own audit hid more: the previous month's run publishes
        // the audited table, and a value shown here that it hides would undo its audit for anyone
        // holding both months. Hiding more than rules 1-7 is allowed; showing less is not. That
        // table's own-window cells do not depend on its own previous windows (`Audit.run`), so
        // suppressing it alone gives exactly what its run published.
        var published = previousPublished ?? [:]
        if previousPublished == nil {
            // Independent of each other: side by side on the workers.
            let windows = previous.keys.sorted()
            let done = Parallel.map(partitions: windows.count, threads: threads) { i in
                publishedAlone(previous[windows[i]]!, threshold: threshold, breakdowns: breakdowns, audit: audit,
                          declarations: declarations)
            }
            for (i, w) in windows.enumerated() { published[w] = done[i] }
        }
        // Tables that no rule or audit relation links are suppressed apart, side by side.
        // The most rows first, so the workers finish together.
        let groups = linkedGroups(tables.map(\.name))
            .sorted { a, b in a.reduce(0) { $0 + tables[$1].rows.count } > b.reduce(0) { $0 + tables[$1].rows.count } }
        if apart && groups.count > 1 {
            let published = published
            let done = Parallel.map(partitions: groups.count, threads: threads) { g in
                let r = apply(groups[g].map { tables[$0] }, threshold: threshold, breakdowns: breakdowns, previousPublished: published,
                              audit: audit, ownWindowOnly: ownWindowOnly, declarations: declarations, threads: threads)
                finished?(groups[g], r.tables)
                return r
            }
            var out = tables
            counts = counts.mapValues { _ in 0 }
            for (g, r) in zip(groups, done) {
                for (i, t) in zip(g, r.tables) { out[i] = t }
                counts.merge(r.hiddenBy) { $0 + $1 }
            }
            return Result(tables: out, hiddenBy: counts)
        }
        let work = SuppressionWork(tables: tables, threshold: threshold, breakdowns: breakdowns, declarations: declarations)
        work.applyRowRules()
        work.applyTableRules(previous: published)
        var unresolved = 0
        if audit { unresolved = Audit(work: work, threads: threads).run(ownWindowOnly: ownWindowOnly) }
        for (rule, n) in work.hiddenBy { counts[rule.key] = n }
        counts["audit_unresolved"] = unresolved
        finished?(Array(tables.indices), work.tables)
        return Result(tables: work.tables, hiddenBy: counts)
    }
}

extension SuppressionStage {
    /// A previous window's table suppressed alone, with its own-window cells as its own run
    /// publishes them: all that rule 7 reads of it. Its own-window cells do not depend on its
    /// previous windows (`Audit.run`), and feedback's relations never involve another table.
    static func publishedAlone(_ table: OutputTable, threshold: Int, breakdowns: [Breakdown], audit: Bool = true,
                          declarations: [String: TableDeclaration] = TableDeclaration.standard) -> OutputTable {
        apply([table], threshold: threshold, breakdowns: breakdowns, audit: audit, ownWindowOnly: true,
              declarations: declarations).tables[0]
    }

    /// The tables that the audit's identities join (`AuditRelations.swift`: the bands add up to
    /// distance travelled's `n`; timeliness's eligibility is activity's open episodes; the
    /// response rate's closures are activity's; the attendance trend's last month is
    /// `attendance.csv`'s). Rules 1-7 never look beyond one table (rule 7 reads the previous
    /// windows as published, given), so every other pair of tables is independent.
    /// `AuditRecordingTests` checks that no relation of the audit joins two groups.
    static let links: [(String, String)] = [
        ("distance_travelled_bands", "distance_travelled"), ("timeliness", "activity_trend"),
        ("feedback_response_rate", "activity_trend"), ("attendance_trend", "attendance"),
    ]

    /// The tables' indices in groups that `links` join, in order of each group's first table;
    /// each group's tables in their given order.
    ///
    /// Why apart gives the same cells as together: each rule and each audit relation reads one
    /// group's tables only, so a group's cells go through the same steps either way; the rounds
    /// and passes it would sit out while another group goes on change nothing in it (a pass or
    /// round that changes nothing leaves every cell as it was). The manifest's counts add up.
    static func linkedGroups(_ names: [String]) -> [[Int]] {
        var parent = Array(names.indices)
        func find(_ x: Int) -> Int { var x = x; while parent[x] != x { x = parent[x] }; return x }
        for (a, b) in links {
            for i in names.indices where names[i] == a {
                for j in names.indices where names[j] == b { parent[find(i)] = find(j) }
            }
        }
        var byRoot: [Int: [Int]] = [:], order: [Int] = []
        for i in names.indices {
            let r = find(i)
            if byRoot[r] == nil { order.append(r) }
            byRoot[r, default: []].append(i)
        }
        return order.map { byRoot[$0]! }
    }

    /// How many previous windows rule 7 reads (none when nothing is suppressed).
    public static func previousWindowCount(_ ctx: ReportContext) -> Int { ctx.suppression.threshold > 0 ? 2 : 0 }

    /// Previous window `i`'s feedback table as its run publishes it (`publishedAlone`), for `apply`'s
    /// `previousPublished`, worked out on its own so a caller can run it beside the metrics. The
    /// windows (PRECISE.md 35): the month before for `Reporting month`, and the month a year
    /// before for `Rolling 12 months` (its rolling window is the 12 months before).
    public static func publishedPreviousWindow(_ i: Int, _ data: Dataset, _ ctx: ReportContext) -> (window: String, table: OutputTable) {
        let period = i == 0 ? ctx.period.adding(-1) : ctx.period.adding(-12)
        let t = FeedbackMetric.feedbackTable(data, ctx.with(period: period).unsuppressed)
        return (ctx.windows[i].name, publishedAlone(t, threshold: ctx.suppression.threshold, breakdowns: ctx.breakdowns))
    }
}
