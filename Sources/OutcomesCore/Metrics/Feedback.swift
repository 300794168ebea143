/// Feedback (METRICS.md 3): the share of positive answers per cohort, instrument, question and
/// respondent against the window before, and the closure-survey response rate.
public enum FeedbackMetric {
    static let filters = [
        ColumnSpec("instrument", "Instrument", hint: "closure_survey, follow_up, feedback_form or app"),
        ColumnSpec("question", "Question"),
        ColumnSpec("respondent", "Respondent", hint: "Total means all respondents"),
    ]
    static let indicators = [
        ColumnSpec("n_responses", "Answered responses", hint: "This window"),
        ColumnSpec("n_positive", "Positive answers", hint: "This window"),
        ColumnSpec("n_neutral", "Neutral answers", hint: "This window"),
        ColumnSpec("n_negative", "Negative answers", hint: "This window"),
        ColumnSpec("pct_positive", "Positive (%)", unit: "%", hint: "This window"),
        ColumnSpec("ci95_low", "Positive (%), 95% Wilson interval lower limit", unit: "%", hint: "This window"),
        ColumnSpec("ci95_high", "Positive (%), 95% Wilson interval upper limit", unit: "%", hint: "This window"),
        ColumnSpec("prev_n_responses", "Answered responses, previous window", hint: "Previous window"),
        ColumnSpec("prev_pct_positive", "Positive (%), previous window", unit: "%", hint: "Previous window"),
        ColumnSpec("change_pp", "Change in positive (percentage points)", unit: "pp", hint: "Change"),
    ]

    /// `feedback` and `feedback_response_rate`, both windows, rows in final order.
    public static func tables(_ data: Dataset, _ ctx: ReportContext) -> [OutputTable] {
        [feedbackTable(data, ctx), responseRateTable(data, ctx)]
    }

    /// Answer counts of one row: this window and the previous one.
    struct Counts: Equatable {
        /// Lanes 0-2: this window's positive, neutral and negative answers; lanes 4-6 the previous
        /// window's (3 and 7 stay 0). Held inline, so a new row allocates nothing and a count is
        /// one add (a county's feedback adds about two million times).
        var lanes = SIMD8<Int64>()

        init() {}
        init(current: [Int], previous: [Int]) {
            for i in 0..<3 { lanes[i] = Int64(current[i]); lanes[i + 4] = Int64(previous[i]) }
        }
        /// Positive, neutral, negative.
        var current: [Int] { (0..<3).map { Int(lanes[$0]) } }
        var previous: [Int] { (4..<7).map { Int(lanes[$0]) } }

        mutating func add(_ cls: Int, current isCurrent: Bool) { lanes[isCurrent ? cls : cls + 4] &+= 1 }
        mutating func merge(_ c: Counts) { lanes &+= c.lanes }
    }

    static func slot(_ a: AnswerClass) -> Int {
        switch a { case .positive: 0; case .neutral: 1; case .negative: 2 }
    }

    static func feedbackTable(_ data: Dataset, _ ctx: ReportContext) -> OutputTable {
        let answered = data.feedback.filter { $0.answerClass != nil }
        // Cohort sources: each episode, then each service of an unlinked answer (PRECISE.md 23).
        var keys = BreakdownKeyTable(breakdowns: ctx.breakdowns)
        var episodeIndex: [String: Int] = [:]
        for (i, e) in data.episodes.enumerated() { episodeIndex[e.episodeID] = i }
        var sourceIDs = data.episodes.map { keys.ids(for: CohortAttributes(episode: $0, chineseGroup: ctx.chineseGroup)) }
        var unlinkedSource: [String: Int] = [:]
        var answerSource = [Int](repeating: 0, count: answered.count)
        // A linked answer counts only once its episode exists "as at" the window end (PRECISE.md 12):
        // an episode allocated after a window's end is left out of that window, answers included.
        var answerAllocation = [Day](repeating: Day.min, count: answered.count)
        for (i, a) in answered.enumerated() {
            if let id = a.episodeID, let e = episodeIndex[id] {
                answerSource[i] = e; answerAllocation[i] = data.episodes[e].allocationDate; continue
            }
            if let s = unlinkedSource[a.service] { answerSource[i] = s; continue }
            unlinkedSource[a.service] = sourceIDs.count
            answerSource[i] = sourceIDs.count
            sourceIDs.append(keys.ids(for: .unlinked(service: a.service)))
        }
        // Instrument-question pairs and respondents, indexed in output order (respondent 0 = Total).
        let pairs = Set(answered.map { [$0.instrument, $0.question] }).sorted { CohortOrder.less($0, $1) }
        var pairIndex: [[String]: Int] = [:]
        for (i, p) in pairs.enumerated() { pairIndex[p] = i }
        let respondents = ["Total"] + Set(answered.map(\.respondent)).sorted { CohortOrder.less($0, $1) }
        var respondentIndex: [String: Int] = [:]
        for (i, r) in respondents.enumerated() where i > 0 { respondentIndex[r] = i }
        precondition(pairs.count < 1 << 16 && respondents.count < 16, "too many questions for the row key")

        let windows = ctx.windows
        let nBreakdowns = ctx.breakdowns.count
        let ranges = Parallel.ranges(count: answered.count, partitions: 64)
        let sources = sourceIDs, answerSources = answerSource, allocations = answerAllocation, pairIDs = pairIndex, respondentIDs = respondentIndex
        let parts = Parallel.map(partitions: ranges.count, threads: ctx.threads) { p -> [UInt64: Counts] in
            var acc: [UInt64: Counts] = [:]
            for i in ranges[p] {
                let a = answered[i], cls = slot(a.answerClass!), d = a.receivedDate
                let pair = UInt64(pairIDs[[a.instrument, a.question]]!)
                // The `Total` respondent row (0) and the answer's own, looked up once per answer.
                let own = UInt64(respondentIDs[a.respondent]!)
                for (w, window) in windows.enumerated() {
                    let current = window.contains(d)
                    guard current || (d >= window.previousStart && d <= window.previousEnd) else { continue }
                    guard allocations[i] <= (current ? window.end : window.previousEnd) else { continue }
                    for b in 0..<nBreakdowns {
                        let cohort = UInt64(UInt32(bitPattern: sources[answerSources[i]][b]))
                        for r in 0..<2 {
                            let k = UInt64(w) << 60 | UInt64(b) << 52 | cohort << 20 | pair << 4 | (r == 0 ? 0 : own)
                            acc[k, default: Counts()].add(cls, current: current)
                        }
                    }
                }
            }
            return acc
        }
        var total: [UInt64: Counts] = [:]
        for part in parts { for (k, c) in part { total[k, default: Counts()].merge(c) } }

        // Rows exist only with an answered answer in the current window (PRECISE.md 10).
        typealias Decoded = (key: UInt64, w: Int, b: Int, cohort: [String], pair: Int, r: Int)
        var rows: [Decoded] = total.compactMap { k, c in
            guard c.lanes[0] + c.lanes[1] + c.lanes[2] > 0 else { return nil }
            let w = Int(k >> 60), b = Int(k >> 52 & 0xFF), id = Int32(bitPattern: UInt32(k >> 20 & 0xFFFF_FFFF))
            return (k, w, b, keys.cohort(breakdown: b, id: id), Int(k >> 4 & 0xFFFF), Int(k & 0xF))
        }
        rows.sort { x, y in
            if x.w != y.w { return x.w < y.w }
            if x.b != y.b { return x.b < y.b }
            if x.cohort != y.cohort { return CohortRowOrder.less(x.cohort, y.cohort) }
            if x.pair != y.pair { return x.pair < y.pair }
            return x.r < y.r
        }
        let out = rows.map { r in
            OutputRow(window: windows[r.w].name, breakdown: ctx.breakdowns[r.b].name, cohort: r.cohort,
                      filters: pairs[r.pair] + [respondents[r.r]], cells: cells(total[r.key]!, ctx.suppression),
                      unshown: [total[r.key]!.previous[0]])
        }
        var table = OutputTable(name: "feedback", filters: filters, indicators: indicators, rows: out, breakdowns: ctx.breakdowns)
        // The previous window's positives: never written, but `prev_pct_positive` with
        // `prev_n_responses` gives them away, so the audit follows them (PRECISE.md 41).
        table.unshownCounts = ["prev_n_positive"]
        return table
    }

    /// The Wilson score interval for `k` successes in `n` trials, z = 1.959964, as percentages.
    static func wilson(_ k: Int, _ n: Int) -> (low: Double, high: Double) {
        let z = 1.959964, nn = Double(n), p = Double(k) / nn, z2 = z * z
        let denom = 1 + z2 / nn
        let centre = (p + z2 / (2 * nn)) / denom
        let half = z * (p * (1 - p) / nn + z2 / (4 * nn * nn)).squareRoot() / denom
        return ((centre - half) * 100, (centre + half) * 100)
    }

    /// One row's indicators with suppression (METRICS.md 3; PRECISE.md 15-17):
    /// - rule 1 on `n_responses` hides the whole row;
    /// - `prev_n_responses` from 1 to T is the base of the previous-window figures, so it hides
    ///   `prev_n_responses`, `prev_pct_positive` and `change_pp` (rule 1 scoped to them);
    /// - rule 2: `n_positive` carries `pct_positive`, both `ci95_*` and `change_pp` (PRECISE.md 16);
    ///   `n_neutral` and `n_negative` have no shown figure computed from them alone;
    /// - rule 3 over positive, neutral, negative.
    static func cells(_ c: Counts, _ s: Suppression) -> [Cell] {
        let n = c.current.reduce(0, +), prevN = c.previous.reduce(0, +)
        let pct = Double(c.current[0]) * 100 / Double(n)
        let ci = wilson(c.current[0], n)
        var prevPct = Cell.z, change = Cell.z
        if prevN > 0 {
            let pp = Double(c.previous[0]) * 100 / Double(prevN)
            prevPct = .num(pp); change = .num(pct - pp)
        }
        var cells: [Cell] = [.int(n), .int(c.current[0]), .int(c.current[1]), .int(c.current[2]),
                             .num(pct), .num(ci.low), .num(ci.high), .int(prevN), prevPct, change]
        if s.applyRule1(base: n, cells: &cells) { return cells }
        if s.isSmall(prevN) { cells[7] = .c; cells[8] = .c; cells[9] = .c }
        let positiveDependents = [4, 5, 6, 9]
        s.applyRule2(count: c.current[0], countIndex: 1, dependents: positiveDependents, cells: &cells)
        s.applyRule2(count: c.current[1], countIndex: 2, cells: &cells)
        s.applyRule2(count: c.current[2], countIndex: 3, cells: &cells)
        s.applyRule3(members: [(1, c.current[0], positiveDependents), (2, c.current[1], []), (3, c.current[2], [])],
                     cells: &cells)
        return cells
    }
}
