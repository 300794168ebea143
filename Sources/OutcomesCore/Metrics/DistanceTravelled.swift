import Foundation

/// Distance travelled (METRICS.md 1): how far outcome scores moved from the baseline to the
/// latest assessment, per cohort, domain and rater, with the baseline-by-latest band table.
public enum DistanceTravelledMetric {
    /// Score bands of `distance_travelled_bands.csv`, in output order.
    public static let bands = ["1-2", "3-4", "5-6", "7-8", "9-10"]

    static let filters = [
        ColumnSpec("domain", "Outcome domain", hint: "Total means all domains pooled"),
        ColumnSpec("rated_by", "Rated by", hint: "family or practitioner"),
    ]
    static let indicators = [
        ColumnSpec("n", "Episode-domains", hint: "Counts"),
        ColumnSpec("n_children", "Children", hint: "Counts"),
        ColumnSpec("mean_baseline", "Mean baseline score", hint: "Scores"),
        ColumnSpec("mean_latest", "Mean latest score", hint: "Scores"),
        ColumnSpec("mean_change", "Mean change", hint: "Change"),
        ColumnSpec("median_change", "Median change", hint: "Change"),
        ColumnSpec("sd_change", "Standard deviation of change", hint: "Change"),
        ColumnSpec("ci95_low", "Mean change, 95% confidence interval lower limit", hint: "Change"),
        ColumnSpec("ci95_high", "Mean change, 95% confidence interval upper limit", hint: "Change"),
        ColumnSpec("n_improved", "Improved", hint: "Direction"),
        ColumnSpec("n_no_change", "No change", hint: "Direction"),
        ColumnSpec("n_declined", "Declined", hint: "Direction"),
        ColumnSpec("pct_improved", "Improved (%)", unit: "%", hint: "Direction"),
        ColumnSpec("pct_no_change", "No change (%)", unit: "%", hint: "Direction"),
        ColumnSpec("pct_declined", "Declined (%)", unit: "%", hint: "Direction"),
    ]
    static let bandFilters = filters + [
        ColumnSpec("baseline_band", "Baseline score band"),
        ColumnSpec("latest_band", "Latest score band"),
    ]
    static let bandIndicators = [
        ColumnSpec("n", "Episode-domains", hint: "Counts"),
        ColumnSpec("pct_of_baseline_band", "Of episode-domains starting in the baseline band (%)", unit: "%",
                   hint: "Percentages"),
    ]

    /// `distance_travelled` and `distance_travelled_bands`, both windows, rows in final order.
    public static func tables(_ data: Dataset, _ ctx: ReportContext) -> [OutputTable] {
        var keys = BreakdownKeyTable(breakdowns: ctx.breakdowns)
        let cohortIDs = data.episodes.map { keys.ids(for: CohortAttributes(episode: $0, chineseGroup: ctx.chineseGroup)) }
        // Domain index 0 is `Total`; the others follow in code-point order.
        let domains = ["Total"] + Set(data.outcomes.map(\.domain)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var domainIndex: [String: Int] = [:]
        for (i, d) in domains.enumerated() where i > 0 { domainIndex[d] = i }
        let agg = aggregate(data, ctx, keys: keys, cohortIDs: cohortIDs, domainIndex: domainIndex)
        return [mainTable(agg, ctx, keys: keys, domains: domains), bandTable(agg, ctx, domains: domains)]
    }

    static func mainTable(_ agg: Aggregate, _ ctx: ReportContext, keys: BreakdownKeyTable, domains: [String]) -> OutputTable {
        let windows = ctx.windows
        typealias Decoded = (key: UInt64, w: Int, b: Int, cohort: [String], d: Int, r: Int)
        var rows: [Decoded] = agg.rows.keys.map { k in
            let w = Int(k >> 60), b = Int(k >> 52 & 0xFF), id = Int32(bitPattern: UInt32(k >> 20 & 0xFFFF_FFFF))
            return (k, w, b, keys.cohort(breakdown: b, id: id), Int(k >> 1 & 0x7FFFF), Int(k & 1))
        }
        rows.sort { x, y in
            if x.w != y.w { return x.w < y.w }
            if x.b != y.b { return x.b < y.b }
            if x.cohort != y.cohort { return CohortRowOrder.less(x.cohort, y.cohort) }
            if x.d != y.d { return x.d < y.d }
            return x.r < y.r
        }
        let out = rows.map { r in
            OutputRow(window: windows[r.w].name, breakdown: keys.breakdowns[r.b].name, cohort: r.cohort,
                      filters: [domains[r.d], r.r == 0 ? Rater.family.rawValue : Rater.practitioner.rawValue],
                      cells: cells(agg.rows[r.key]!, ctx.suppression))
        }
        return OutputTable(name: "distance_travelled", filters: filters, indicators: indicators, rows: out,
                           breakdowns: keys.breakdowns)
    }

    /// One row's indicators with suppression applied (METRICS.md "Rounding and small numbers";
    /// PRECISE.md 15-17): base `n`; `n_children` hides only itself (PRECISE.md 16); each direction
    /// count hides its percentage; rule 3 over improved, no change, declined.
    static func cells(_ t: Totals, _ s: Suppression) -> [Cell] {
        let n = Double(t.n)
        let declined = t.changes[0..<9].reduce(0, +), same = t.changes[9], improved = t.changes[10..<19].reduce(0, +)
        var sum = 0, sumSq = 0
        for k in 0..<19 { let c = k - 9; sum += c * t.changes[k]; sumSq += c * c * t.changes[k] }
        var sd = Cell.z, low = Cell.z, high = Cell.z
        if t.n >= 2 {
            // Sample variance from exact integer sums: (n Σc² − (Σc)²) / (n (n − 1)).
            let v = (Double(t.n * sumSq - sum * sum) / Double(t.n * (t.n - 1))).squareRoot()
            let half = StudentT.t975(df: t.n - 1) * v / n.squareRoot()
            let mean = Double(sum) / n
            sd = .num(v); low = .num(mean - half); high = .num(mean + half)
        }
        var cells: [Cell] = [
            .int(t.n), .int(t.children), .num(Double(t.sumBaseline) / n), .num(Double(t.sumLatest) / n),
            .num(Double(sum) / n), .num(median(t.changes, n: t.n)), sd, low, high,
            .int(improved), .int(same), .int(declined),
            .num(Double(improved) * 100 / n), .num(Double(same) * 100 / n), .num(Double(declined) * 100 / n),
        ]
        if s.applyRule1(base: t.n, cells: &cells) { return cells }
        s.applyRule2(count: t.children, countIndex: 1, cells: &cells)
        s.applyRule2(count: improved, countIndex: 9, dependents: [12], cells: &cells)
        s.applyRule2(count: same, countIndex: 10, dependents: [13], cells: &cells)
        s.applyRule2(count: declined, countIndex: 11, dependents: [14], cells: &cells)
        s.applyRule3(members: [(9, improved, [12]), (10, same, [13]), (11, declined, [14])], cells: &cells)
        return cells
    }

    /// The median of the changes held as a histogram (index = change + 9); even counts average
    /// the two middle values.
    static func median(_ hist: [Int], n: Int) -> Double {
        func value(at pos: Int) -> Int {
            var seen = 0
            for k in 0..<hist.count { seen += hist[k]; if seen > pos { return k - 9 } }
            return 0
        }
        return n % 2 == 1 ? Double(value(at: n / 2)) : Double(value(at: n / 2 - 1) + value(at: n / 2)) / 2
    }

    /// The bands table: `Total` breakdown, every 25 band pairs for each domain × rater with data.
    static func bandTable(_ agg: Aggregate, _ ctx: ReportContext, domains: [String]) -> OutputTable {
        let windows = ctx.windows
        let keys = agg.bands.keys.sorted()  // window, then domain index, then rater: the output order
        var out: [OutputRow] = []
        for k in keys {
            let grid = agg.bands[k]!
            let w = Int(k >> 32), d = Int(k >> 1 & 0x7FFF_FFFF)
            let rater = k & 1 == 0 ? Rater.family.rawValue : Rater.practitioner.rawValue
            for bb in 0..<5 {
                let started = grid[bb * 5..<bb * 5 + 5].reduce(0, +)
                for lb in 0..<5 {
                    let n = grid[bb * 5 + lb]
                    var cells: [Cell] = [.int(n), started == 0 ? .z : .num(Double(n) * 100 / Double(started))]
                    ctx.suppression.applyRule2(count: n, countIndex: 0, dependents: [1], cells: &cells)
                    out.append(OutputRow(window: windows[w].name, breakdown: Breakdown.total.name,
                                         cohort: CohortAttributes.totals,
                                         filters: [domains[d], rater, bands[bb], bands[lb]], cells: cells))
                }
            }
        }
        return OutputTable(name: "distance_travelled_bands", filters: bandFilters, indicators: bandIndicators,
                           rows: out, breakdowns: [.total])
    }
}
