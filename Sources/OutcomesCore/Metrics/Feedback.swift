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

    /// Slots above which `feedbackTable` counts into a dictionary instead of an array (an array of
    /// this many `Counts` is 16 MiB a worker); a county's table needs about 15,000.
    static let denseSlotLimit = 1 << 18

    static func feedbackTable(_ data: Dataset, _ ctx: ReportContext, denseSlotLimit: Int = denseSlotLimit) -> OutputTable {
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
        // Instrument-question pairs and respondents, indexed in output order (respondent 0 = Total),
        // each answer's looked up once.
        var pairOf: [PairKey: Int] = [:], pairs: [[String]] = []
        var answerPair = [Int](repeating: 0, count: answered.count)
        for (i, a) in answered.enumerated() {
            let k = PairKey(instrument: a.instrument, question: a.question)
            if let p = pairOf[k] { answerPair[i] = p; continue }
            pairOf[k] = pairs.count; answerPair[i] = pairs.count; pairs.append([a.instrument, a.question])
        }
        let pairRank = ranks(pairs) { CohortOrder.less($0, $1) }
        pairs = pairs.indices.sorted { pairRank[$0] < pairRank[$1] }.map { pairs[$0] }
        let respondents = ["Total"] + Set(answered.map(\.respondent)).sorted { CohortOrder.less($0, $1) }
        var respondentIndex: [String: Int] = [:]
        for (i, r) in respondents.enumerated() where i > 0 { respondentIndex[r] = i }
        let answerOwn = answered.map { respondentIndex[$0.respondent]! }

        // Every row has a slot: window, breakdown, cohort, pair, respondent, each numbered in
        // output order (a breakdown's cohorts ranked by row order, PRECISE.md 11), so the slots
        // in ascending order are the rows in final order and need no sort.
        let windows = ctx.windows
        let nBreakdowns = ctx.breakdowns.count
        var cohortRank: [[Int]] = [], cohortOfRank: [[Int32]] = [], cohortBase: [Int] = []
        var nCohorts = 0
        for b in 0..<nBreakdowns {
            let cells = (0..<keys.count(breakdown: b)).map { keys.cohort(breakdown: b, id: Int32($0)) }
            let rank = ranks(cells) { CohortRowOrder.less($0, $1) }
            var of = [Int32](repeating: 0, count: cells.count)
            for (id, r) in rank.enumerated() { of[r] = Int32(id) }
            cohortRank.append(rank); cohortOfRank.append(of); cohortBase.append(nCohorts)
            nCohorts += cells.count
        }
        let nPairs = pairs.count, nRespondents = respondents.count
        let perWindow = nCohorts * nPairs * nRespondents, slots = windows.count * perWindow
        // Each source's slot of its cohort in every breakdown, before pair and respondent.
        let sourceSlots: [[Int]] = sourceIDs.map { ids in
            (0..<nBreakdowns).map { b in (cohortBase[b] + cohortRank[b][Int(ids[b])]) * nPairs * nRespondents }
        }
        let dense = slots <= denseSlotLimit
        let ranges = Parallel.ranges(count: answered.count, partitions: dense ? max(1, ctx.threads) : 64)
        let answerSources = answerSource, allocations = answerAllocation, answerPairs = answerPair.map { pairRank[$0] }
        let parts = Parallel.map(partitions: ranges.count, threads: ctx.threads) { p -> SlotCounts in
            var acc = SlotCounts(dense: dense, slots: slots)
            for i in ranges[p] {
                let d = answered[i].receivedDate, cls = slot(answered[i].answerClass!)
                let pairSlot = answerPairs[i] * nRespondents, own = answerOwn[i]
                for (w, window) in windows.enumerated() {
                    let current = window.contains(d)
                    guard current || (d >= window.previousStart && d <= window.previousEnd) else { continue }
                    guard allocations[i] <= (current ? window.end : window.previousEnd) else { continue }
                    for cohortSlot in sourceSlots[answerSources[i]] {
                        let k = w * perWindow + cohortSlot + pairSlot
                        // The `Total` respondent row (0) and the answer's own.
                        acc.add(k, cls, current: current)
                        acc.add(k + own, cls, current: current)
                    }
                }
            }
            return acc
        }
        var total = parts[0]
        for part in parts.dropFirst() { total.merge(part) }

        // Rows exist only with an answered answer in the current window (PRECISE.md 10).
        var out: [OutputRow] = []
        for (k, c) in total.sortedNonEmpty() where c.lanes[0] + c.lanes[1] + c.lanes[2] > 0 {
            let r = k % nRespondents, pair = k / nRespondents % nPairs, cohortSlot = k / (nRespondents * nPairs) % nCohorts
            let b = cohortBase.lastIndex { $0 <= cohortSlot }!
            let cohort = keys.cohort(breakdown: b, id: cohortOfRank[b][cohortSlot - cohortBase[b]])
            out.append(OutputRow(window: windows[k / perWindow].name, breakdown: ctx.breakdowns[b].name, cohort: cohort,
                                 filters: pairs[pair] + [respondents[r]], cells: cells(c, ctx.suppression),
                                 unshown: [c.previous[0]]))
        }
        var table = OutputTable(name: "feedback", filters: filters, indicators: indicators, rows: out, breakdowns: ctx.breakdowns)
        // The previous window's positives: never written, but `prev_pct_positive` with
        // `prev_n_responses` gives them away, so the audit follows them (PRECISE.md 41).
        table.unshownCounts = ["prev_n_positive"]
        return table
    }

    struct PairKey: Hashable { var instrument: String, question: String }

    /// Each element's place in `items` sorted by `less` (distinct items, a strict order).
    static func ranks<T>(_ items: [T], by less: (T, T) -> Bool) -> [Int] {
        var rank = [Int](repeating: 0, count: items.count)
        for (r, i) in items.indices.sorted(by: { less(items[$0], items[$1]) }).enumerated() { rank[i] = r }
        return rank
    }

    /// Answer counts by slot: an array when the slots are few enough, a dictionary otherwise.
    struct SlotCounts: Sendable {
        private var array: [Counts]
        private var dictionary: [Int: Counts] = [:]
        private let dense: Bool

        init(dense: Bool, slots: Int) {
            self.dense = dense
            array = dense ? [Counts](repeating: Counts(), count: slots) : []
        }
        mutating func add(_ k: Int, _ cls: Int, current: Bool) {
            if dense { array[k].add(cls, current: current) } else { dictionary[k, default: Counts()].add(cls, current: current) }
        }
        mutating func merge(_ o: SlotCounts) {
            if dense { for k in array.indices { array[k].merge(o.array[k]) } }
            else { for (k, c) in o.dictionary { dictionary[k, default: Counts()].merge(c) } }
        }
        /// The slots holding any answer, in ascending order.
        func sortedNonEmpty() -> [(Int, Counts)] {
            if dense { return array.indices.compactMap { array[$0].lanes == SIMD8() ? nil : ($0, array[$0]) } }
            return dictionary.sorted { $0.key < $1.key }
        }
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
