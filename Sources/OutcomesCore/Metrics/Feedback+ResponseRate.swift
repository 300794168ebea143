/// `feedback_response_rate.csv` (METRICS.md 3): how many closed episodes left a closure survey.
extension FeedbackMetric {
    static let rateIndicators = [
        ColumnSpec("n_closed", "Episodes closed", hint: "Counts"),
        ColumnSpec("n_with_closure_survey", "Closed episodes with a closure survey", hint: "Counts"),
        ColumnSpec("response_rate_pct", "Response rate (%)", unit: "%", hint: "Percentages"),
    ]

    /// Rows `Total` and `service`, both windows. An episode counts when its `closure_date` is in
    /// the window; it has a survey when an answered `closure_survey` answer linked to it was
    /// received on or before the window end, before its closure too (PRECISE.md 23). Base
    /// `n_closed`; `n_with_closure_survey` is a rule-2 count carrying the rate.
    static func responseRateTable(_ data: Dataset, _ ctx: ReportContext) -> OutputTable {
        var firstSurvey: [String: Day] = [:]
        for a in data.feedback where a.answerClass != nil && a.instrument == "closure_survey" {
            guard let id = a.episodeID else { continue }
            firstSurvey[id] = min(firstSurvey[id] ?? a.receivedDate, a.receivedDate)
        }
        let breakdowns = [Breakdown.total, Breakdown([.service])]
        var out: [OutputRow] = []
        for window in ctx.windows {
            for b in breakdowns {
                var counts: [[String]: (closed: Int, surveyed: Int)] = [:]
                for e in data.episodes {
                    guard let closed = e.closureDate, window.contains(closed), e.allocationDate <= window.end
                    else { continue }
                    let key = b.key(for: CohortAttributes(episode: e, chineseGroup: ctx.chineseGroup))
                    let surveyed = firstSurvey[e.episodeID].map { $0 <= window.end } ?? false
                    counts[key, default: (0, 0)].closed += 1
                    if surveyed { counts[key, default: (0, 0)].surveyed += 1 }
                }
                for key in counts.keys.sorted(by: CohortRowOrder.less) {
                    let c = counts[key]!
                    var cells: [Cell] = [.int(c.closed), .int(c.surveyed),
                                         .num(Double(c.surveyed) * 100 / Double(c.closed))]
                    if !ctx.suppression.applyRule1(base: c.closed, cells: &cells) {
                        ctx.suppression.applyRule2(count: c.surveyed, countIndex: 1, dependents: [2], cells: &cells)
                    }
                    out.append(OutputRow(window: window.name, breakdown: b.name, cohort: key, cells: cells))
                }
            }
        }
        return OutputTable(name: "feedback_response_rate", indicators: rateIndicators, rows: out, breakdowns: breakdowns)
    }
}
