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
