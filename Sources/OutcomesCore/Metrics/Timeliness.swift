/// Timeliness against the practice standards (`timeliness.csv`, METRICS.md 4, PRECISE.md 12 and 25).
///
/// Rows: window (outermost, `Reporting month` then `Rolling 12 months`) × breakdown (in
/// `ctx.breakdowns` order) × cohort values (`CohortOrder`) × `measure` (code-point order, as
/// PRECISE.md 11 orders a table's own filters). A row exists only when at least one episode is
/// eligible there (PRECISE.md 10). Indicators `n_eligible`, `n_met`, `pct_met`; suppression base
/// `n_eligible` (rule 1), `n_met` a rule-2 count hiding `pct_met`.
public enum TimelinessMetric {
    /// The practice standards, in the order METRICS.md 4 lists them.
    public enum Measure: Int, CaseIterable, Sendable {
        case firstContact5wd, assessment45d, taf28d, openOver9Months, openOver12Months

        /// The value of the `measure` column.
        public var name: String {
            ["first_contact_5wd", "assessment_45d", "taf_28d", "open_over_9_months",
             "open_over_12_months"][rawValue]
        }
    }

    /// The measures in row order: code-point order of their names (PRECISE.md 11), so
    /// `assessment_45d`, `first_contact_5wd`, `open_over_12_months`, `open_over_9_months`, `taf_28d`.
    public static let rowOrder: [Measure] = Measure.allCases.sorted {
        $0.name.utf8.lexicographicallyPrecedes($1.name.utf8)
    }

    /// One episode's standing on one measure in one window.
    public struct Standing: Equatable, Sendable {
        public var eligible: Bool
        public var met: Bool
        public init(eligible: Bool, met: Bool) { self.eligible = eligible; self.met = met }
        public static let no = Standing(eligible: false, met: false)
    }

    /// `d` plus `months` calendar months, the day clamped to the end of the target month
    /// (METRICS.md 4): 31 August + 9 months is 31 May; 30 November + 3 months is 28 February.
    public static func addingMonths(_ months: Int, to d: Day) -> Day {
        let c = Days.civil(d)
        let m = Month(year: c.year, month: c.month).adding(months)
        return Days.from(year: m.year, month: m.month,
                         day: min(c.day, Days.daysInMonth(year: m.year, month: m.month)))
    }

    /// An episode's standing on every measure (indexed by `Measure.rawValue`) as at the window end.
    ///
    /// Events dated after the window end have not happened yet (PRECISE.md 12); a deadline has
    /// passed when it falls on or before the window end (PRECISE.md 25).
    public static func standings(_ e: Episode, window w: ReportWindow, calendar: WorkingDayCalendar) -> [Standing] {
        var out = Array(repeating: Standing.no, count: Measure.allCases.count)
        let end = w.end
        let alloc = e.allocationDate
        guard alloc <= end else { return out }
        func happened(_ d: Day?) -> Day? { d.flatMap { $0 <= end ? $0 : nil } }
        let contact = happened(e.firstContactDate)

        if w.contains(alloc) {
            // first_contact_5wd: within 5 working days, counted from the day after allocation.
            let deadline = calendar.nthWorkingDay(after: alloc, n: 5)
            if deadline <= end || contact != nil {
                out[Measure.firstContact5wd.rawValue] = Standing(eligible: true, met: contact.map { $0 <= deadline } ?? false)
            }
            // assessment_45d: assessment_date <= allocation_date + 45 days.
            let assessment = happened(e.assessmentDate)
            let due = alloc + 45
            if due <= end || assessment != nil {
                out[Measure.assessment45d.rawValue] = Standing(eligible: true, met: assessment.map { $0 <= due } ?? false)
            }
            // taf_28d: needs first contact (by the window end) as well as allocation in the window.
            if let c = contact {
                let taf = happened(e.firstTafDate)
                let tafDue = c + 28
                if tafDue <= end || taf != nil {
                    out[Measure.taf28d.rawValue] = Standing(eligible: true, met: taf.map { $0 <= tafDue } ?? false)
                }
            }
        }

        // open_over_N_months: open at the window end (closed on the end day is still open).
        let closure = happened(e.closureDate)
        if closure == nil || closure! >= end {
            out[Measure.openOver9Months.rawValue] = Standing(eligible: true, met: end > addingMonths(9, to: alloc))
            out[Measure.openOver12Months.rawValue] = Standing(eligible: true, met: end > addingMonths(12, to: alloc))
        }
        return out
    }

    /// The `timeliness` table for `ctx.period`.
    public static func table(_ data: Dataset, _ ctx: ReportContext) -> OutputTable {
        let windows = ctx.windows
        let breakdowns = ctx.breakdowns
        let calendar = WorkingDayCalendar(extraHolidays: ctx.extraHolidays)
        let episodes = data.episodes
        let chinese = ctx.chineseGroup
        let ranges = Parallel.ranges(count: episodes.count, partitions: 64)

        // Per partition: counts per full set of cohort attributes, [window × measure] slots, so the
        // costly expansion into breakdown keys runs once per attribute set, not once per episode.
        let slots = windows.count * Measure.allCases.count
        let partials = Parallel.map(partitions: ranges.count, threads: ctx.threads) { p -> [CohortAttributes: [SIMD2<Int>]] in
            var acc: [CohortAttributes: [SIMD2<Int>]] = [:]
            for i in ranges[p] {
                let e = episodes[i]
                var counts = Array(repeating: SIMD2<Int>.zero, count: slots)
                var any = false
                for (wi, w) in windows.enumerated() {
                    let s = standings(e, window: w, calendar: calendar)
                    for m in Measure.allCases where s[m.rawValue].eligible {
                        counts[wi * Measure.allCases.count + m.rawValue] = SIMD2(1, s[m.rawValue].met ? 1 : 0)
                        any = true
                    }
                }
                guard any else { continue }
                let attrs = CohortAttributes(episode: e, chineseGroup: chinese)
                acc[attrs, default: Array(repeating: .zero, count: slots)].withUnsafeMutableBufferPointer { b in
                    for j in 0..<slots { b[j] &+= counts[j] }
                }
            }
            return acc
        }
        // Integer sums, so the merge order cannot change the result; partition order anyway.
        // Rows are keyed by packed integers: window, breakdown, the cohort's id in that breakdown
        // (interned once per attribute set) and the measure's rank in row order.
        var cohorts = BreakdownKeyTable(breakdowns: breakdowns)
        let measures = Measure.allCases.count
        let rank = Dictionary(uniqueKeysWithValues: rowOrder.enumerated().map { ($1.rawValue, $0) })
        let slotRank = (0..<slots).map { UInt64(rank[$0 % measures]!) }
        var totals: [UInt64: SIMD2<Int>] = [:]
        for part in partials {
            for (attrs, counts) in part {
                let ids = cohorts.ids(for: attrs)
                for bi in breakdowns.indices {
                    let cohort = UInt64(UInt32(bitPattern: ids[bi]))
                    for j in 0..<slots where counts[j][0] > 0 {
                        let k = UInt64(j / measures) << 60 | UInt64(bi) << 52 | cohort << 20 | slotRank[j]
                        totals[k, default: .zero] &+= counts[j]
                    }
                }
            }
        }

        typealias Decoded = (key: UInt64, w: Int, b: Int, cohort: [String], rank: Int)
        var keys: [Decoded] = totals.keys.map { k in
            let w = Int(k >> 60), b = Int(k >> 52 & 0xFF), id = Int32(bitPattern: UInt32(k >> 20 & 0xFFFF_FFFF))
            return (k, w, b, cohorts.cohort(breakdown: b, id: id), Int(k & 0xFFFFF))
        }
        keys.sort { x, y in
            if x.w != y.w { return x.w < y.w }
            if x.b != y.b { return x.b < y.b }
            if x.cohort != y.cohort { return CohortRowOrder.less(x.cohort, y.cohort) }
            return x.rank < y.rank
        }

        let sup = ctx.suppression
        let rows = keys.map { k -> OutputRow in
            let v = totals[k.key]!
            let eligible = v[0], met = v[1]
            var cells: [Cell] = [.int(eligible), .int(met), .num(100.0 * Double(met) / Double(eligible))]
            if !sup.applyRule1(base: eligible, cells: &cells) {
                sup.applyRule2(count: met, countIndex: 1, dependents: [2], cells: &cells)
            }
            return OutputRow(window: windows[k.w].name, breakdown: breakdowns[k.b].name,
                             cohort: k.cohort, filters: [rowOrder[k.rank].name], cells: cells)
        }
        return OutputTable(
            name: "timeliness",
            filters: [ColumnSpec("measure", "Practice standard",
                                 hint: "first_contact_5wd, assessment_45d, taf_28d, open_over_9_months, open_over_12_months")],
            indicators: [
                ColumnSpec("n_eligible", "Eligible episodes", hint: "Timeliness"),
                ColumnSpec("n_met", "Episodes meeting the standard", hint: "Timeliness"),
                ColumnSpec("pct_met", "Percentage meeting the standard", unit: "%", hint: "Timeliness"),
            ],
            rows: rows, breakdowns: breakdowns)
    }
}
