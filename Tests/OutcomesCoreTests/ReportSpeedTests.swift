import Foundation
import GRDB
import Testing
@testable import OutcomesCore

/// The report's faster paths (docs/PERFORMANCE.md "The report") against the plain definitions
/// they replace, value by value: the workbook's column widths, distance travelled's
/// observations, and the data-quality character count.
@Suite struct ReportSpeedTests {
    /// The width as it was defined: the printed figure's characters, plus a thousands separator
    /// per three whole digits after the first (none for the year).
    static func printedWidth(_ x: Double, dp: Int, column: String) -> Int {
        let t = NumberFormat.rounded(x, dp: dp)
        guard column != "time_period" else { return t.count }
        let whole = t.split(separator: ".")[0].filter(\.isNumber).count
        return t.count + max(0, (whole - 1) / 3)
    }

    @Test(arguments: [0.0, -0.0, 0.4, -0.4, 0.5, -0.5, 0.05, -0.05, 9.95, 99.95, 999.95, 1000, -1000, 123_456.789,
                      -9_999_999.5, 2025, 0.004, 1e-12, 100, 12.345, 2.675])
    func widthWorkedOutEqualsThePrintedWidth(x: Double) {
        for dp in 0...3 {
            for column in ["n", "time_period"] {
                #expect(Workbook.shownWidth(x, dp: dp, column: column) == Self.printedWidth(x, dp: dp, column: column),
                        "x \(x) dp \(dp) \(column)")
            }
        }
    }

    @Test func widthOverManyFigures() {
        var g = SampleRNG(seed: 16, stream: 0)
        for _ in 0..<20_000 {
            // Ratios of counts and counts, as the tables hold, with either sign.
            let den = Double(Int.random(in: 1...5000, using: &g))
            let x = Double(Int.random(in: -2_000_000...2_000_000, using: &g)) / (Bool.random(using: &g) ? den : 1)
            let dp = Int.random(in: 0...3, using: &g)
            #expect(Workbook.shownWidth(x, dp: dp, column: "pct") == Self.printedWidth(x, dp: dp, column: "pct"), "x \(x) dp \(dp)")
        }
    }

    /// Distance travelled's ranked walk gives the reference `observations` for every episode and
    /// window: random scores with repeated dates, every stage, both raters, scores out of range
    /// and dates after the window end.
    @Test func rankedObservationsEqualTheReference() {
        var g = SampleRNG(seed: 7, stream: 0)
        let m = Month(year: 2026, month: 10)
        let windows = ReportWindow.windows(for: m)
        let domains = ["education", "health", "housing", "Total2", "émotion"]
        let domainIndex = Dictionary(uniqueKeysWithValues: (["Total"] + domains.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
            .enumerated().dropFirst().map { ($1, $0) })
        for _ in 0..<3000 {
            let n = Int.random(in: 0...14, using: &g)
            let scores = (0..<n).map { _ in
                OutcomeScore(episodeID: "E", assessmentDate: m.firstDay - Day(Int.random(in: -40...400, using: &g)),
                             stage: Stage.allCases.randomElement(using: &g)!, domain: domains.randomElement(using: &g)!,
                             score: Int.random(in: 0...11, using: &g), ratedBy: Rater.allCases.randomElement(using: &g)!)
            }
            let ranked = DistanceTravelledMetric.ranked(scores, domainIndex: domainIndex)
            for w in windows {
                let expected = DistanceTravelledMetric.observations(scores, in: w)
                var got: [DistanceTravelledMetric.Observation] = []
                DistanceTravelledMetric.forEachObservation(ranked, in: w) { d, r, b, l in
                    got.append(.init(domain: domainIndex.first { $0.value == d }!.key, rater: r, baseline: b, latest: l))
                }
                #expect(got == expected, "\(scores)")
            }
        }
    }

    /// Feedback's slot counting (in an array, and in a dictionary above `denseSlotLimit`) against
    /// the definition: every row's answers counted by filtering all answers, rows sorted by window,
    /// breakdown, cohort row order, pair and respondent (PRECISE.md 10-12, 23).
    @Test func feedbackSlotsEqualTheDefinition() {
        var g = SampleRNG(seed: 23, stream: 0)
        let m = Month(year: 2026, month: 10)
        let services = ["FIT", "YIT", "CSC", "EH"], localities = ["North", "South", "East", "Zeta", "Ärne"]
        let episodes = (0..<60).map { i in
            Episode(episodeID: "E\(i)", childID: "C\(i)", service: services.randomElement(using: &g)!,
                    locality: localities.randomElement(using: &g)!, level: ["EH2", "EH3", "CIN"].randomElement(using: &g)!,
                    allocationDate: m.firstDay - Day(Int.random(in: -20...500, using: &g)),
                    birthMonth: Bool.random(using: &g) ? nil : Month(year: Int.random(in: 2008...2025, using: &g), month: Int.random(in: 1...12, using: &g)),
                    gender: ["Female", "Male", "Unknown"].randomElement(using: &g)!)
        }
        let feedback = (0..<900).map { i in
            FeedbackAnswer(responseID: "R\(i)", episodeID: Int.random(in: 0..<5, using: &g) == 0 ? nil : "E\(Int.random(in: 0..<70, using: &g))",
                           service: services.randomElement(using: &g)!, receivedDate: m.firstDay - Day(Int.random(in: -40...800, using: &g)),
                           respondent: ["child", "parent", "carer", "Zed"].randomElement(using: &g)!,
                           instrument: ["closure_survey", "app", "feedback_form"].randomElement(using: &g)!,
                           question: ["supported", "made_difference", "listened"].randomElement(using: &g)!,
                           answerClass: [AnswerClass.positive, .neutral, .negative, nil].randomElement(using: &g)!)
        }
        let data = Dataset(episodes: episodes, feedback: feedback)
        let breakdowns = Breakdown.defaults + [Breakdown([.service, .gender])]
        let ctx = ReportContext(period: m, threshold: 0, breakdowns: breakdowns, threads: 2)
        let dense = FeedbackMetric.feedbackTable(data, ctx)
        let sparse = FeedbackMetric.feedbackTable(data, ctx, denseSlotLimit: 0)
        #expect(dense.rows == sparse.rows)

        let byID = Dictionary(uniqueKeysWithValues: episodes.map { ($0.episodeID, $0) })
        let answered = feedback.filter { $0.answerClass != nil }
        func attrs(_ a: FeedbackAnswer) -> CohortAttributes {
            if let id = a.episodeID, let e = byID[id] { return CohortAttributes(episode: e, chineseGroup: ctx.chineseGroup) }
            return .unlinked(service: a.service)
        }
        func counted(_ a: FeedbackAnswer, _ from: Day, _ to: Day) -> Bool {
            a.receivedDate >= from && a.receivedDate <= to && (a.episodeID.flatMap { byID[$0] }?.allocationDate ?? .min) <= to
        }
        var expected: [(w: Int, b: Int, cohort: [String], filters: [String], now: [Int], before: [Int])] = []
        for (w, window) in ctx.windows.enumerated() {
            for (b, bd) in breakdowns.enumerated() {
                let cohorts = Set(answered.map { bd.key(for: attrs($0)) })
                for cohort in cohorts {
                    for inst in Set(answered.map(\.instrument)) {
                        for q in Set(answered.map(\.question)) {
                            for who in ["Total"] + Set(answered.map(\.respondent)) {
                                let mine = answered.filter { bd.key(for: attrs($0)) == cohort && $0.instrument == inst && $0.question == q
                                    && (who == "Total" || $0.respondent == who) }
                                let tally = { (xs: [FeedbackAnswer]) in [AnswerClass.positive, .neutral, .negative].map { c in xs.filter { $0.answerClass == c }.count } }
                                let now = tally(mine.filter { counted($0, window.start, window.end) })
                                guard now.reduce(0, +) > 0 else { continue }
                                expected.append((w, b, cohort, [inst, q, who], now,
                                                 tally(mine.filter { counted($0, window.previousStart, window.previousEnd) })))
                            }
                        }
                    }
                }
            }
        }
        expected.sort { x, y in
            if x.w != y.w { return x.w < y.w }
            if x.b != y.b { return x.b < y.b }
            if x.cohort != y.cohort { return CohortRowOrder.less(x.cohort, y.cohort) }
            if x.filters.prefix(2) != y.filters.prefix(2) { return CohortOrder.less(Array(x.filters.prefix(2)), Array(y.filters.prefix(2))) }
            return x.filters[2] == "Total" ? y.filters[2] != "Total" : y.filters[2] != "Total" && CohortOrder.less(x.filters[2], y.filters[2])
        }
        #expect(dense.rows.count == expected.count)
        for (row, e) in zip(dense.rows, expected) {
            #expect(row.window == ctx.windows[e.w].name && row.breakdown == breakdowns[e.b].name)
            #expect(row.cohort == e.cohort && row.filters == e.filters)
            #expect(row.cells[0] == .int(e.now.reduce(0, +)) && row.cells[1] == .int(e.now[0]) && row.cells[3] == .int(e.now[2]))
            #expect(row.cells[7] == .int(e.before.reduce(0, +)) && row.unshown == [e.before[0]])
        }
    }

    /// `outcomes_count_char` against the `length`/`replace`/`substr` expression it stands for.
    @Test func countFunctionEqualsTheStringExpression() throws {
        let q = try DatabaseQueue()
        var g = SampleRNG(seed: 3, stream: 0)
        let alphabet = ["0", "1", "?", "N", "é", "€", "😀"]
        try q.read { db in
            try DataQuality.addCountFunction(db)
            for _ in 0..<600 {
                let text = (0..<Int.random(in: 0...70, using: &g)).map { _ in alphabet.randomElement(using: &g)! }.joined()
                for limit in [-1, 0, 1, 5, 31, 62, 80] {
                    let expected = limit < 0
                        ? try Int.fetchOne(db, sql: "SELECT length(?1) - length(replace(?1, '?', ''))", arguments: [text])
                        : try Int.fetchOne(db, sql: "SELECT length(substr(?1, 1, ?2)) - length(replace(substr(?1, 1, ?2), '?', ''))",
                                           arguments: [text, limit])
                    let got = try Int.fetchOne(db, sql: "SELECT outcomes_count_char(?, '?', ?)", arguments: [text, limit])
                    #expect(got == expected, "\(text) \(limit)")
                }
            }
            #expect(try DatabaseValue.fetchOne(db, sql: "SELECT outcomes_count_char(NULL, '?', -1)")?.isNull == true)
            // Summed as the check sums it: NULL rows add nothing.
            #expect(try Int.fetchOne(db, sql: "SELECT coalesce(sum(outcomes_count_char(x, '1', -1)), 0) FROM (SELECT NULL AS x UNION ALL SELECT '1101')") == 3)
            #expect(throws: DatabaseError.self) { try Int.fetchOne(db, sql: "SELECT outcomes_count_char('ab', 'ab', -1)") }
        }
    }
}
