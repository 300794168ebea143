import Testing
@testable import OutcomesCore

/// Hand-built datasets for METRICS.md 3 and PRECISE.md 10, 11, 15-17, 23.
@Suite struct FeedbackTests {
    static func day(_ y: Int, _ m: Int, _ d: Int) -> Day { Days.from(year: y, month: m, day: d) }
    static let october = Month(year: 2026, month: 10)

    static func ep(_ id: String, _ service: String, closed: Day? = nil) -> Episode {
        Episode(episodeID: id, childID: "C" + id, service: service, locality: "North", level: "EH3",
                allocationDate: day(2025, 1, 1), closureDate: closed)
    }
    static func ans(_ r: String, _ ep: String?, _ service: String, _ d: Day, _ who: String, _ inst: String,
                    _ q: String, _ cls: AnswerClass?) -> FeedbackAnswer {
        FeedbackAnswer(responseID: r, episodeID: ep, service: service, receivedDate: d, respondent: who,
                       instrument: inst, question: q, answerClass: cls)
    }

    /// October answers a1-a5, September p1-p3, 2025 q1 (the rolling window's previous window).
    static let dataset: Dataset = {
        let d = day
        return Dataset(
            episodes: [ep("E1", "FIT"), ep("E2", "YIT"), ep("E3", "FIT"), ep("E4", "FIT")],
            feedback: [
                ans("a1", "E1", "XXX", d(2026, 10, 5), "child", "closure_survey", "supported", .positive),
                ans("a2", "E2", "YIT", d(2026, 10, 21), "parent", "closure_survey", "supported", .negative),
                ans("a3", nil, "YIT", d(2026, 10, 3), "parent", "feedback_form", "supported", .positive),
                ans("a4", "E4", "FIT", d(2026, 10, 4), "child", "closure_survey", "supported", nil),
                ans("a5", "E2", "YIT", d(2026, 11, 1), "child", "closure_survey", "supported", .neutral),
                ans("p1", "E1", "FIT", d(2026, 9, 10), "child", "closure_survey", "supported", .negative),
                ans("p2", "E3", "FIT", d(2026, 9, 11), "child", "closure_survey", "supported", .positive),
                ans("p3", nil, "CSC", d(2026, 9, 12), "child", "app", "made_difference", .positive),
                ans("q1", "E3", "FIT", d(2025, 6, 1), "child", "closure_survey", "supported", .positive),
            ])
    }()

    static func ctx(threshold: Int = 0, breakdowns: [Breakdown] = [.total, Breakdown([.service])],
                    threads: Int = 2) -> ReportContext {
        ReportContext(period: october, threshold: threshold, breakdowns: breakdowns, threads: threads)
    }

    static func near(_ c: Cell, _ v: Double, _ tol: Double = 1e-9) -> Bool {
        if case .num(let x) = c { return abs(x - v) <= tol }
        return false
    }

    @Test func rowsAndOrder() {
        let t = FeedbackMetric.tables(Self.dataset, Self.ctx())[0]
        let rm = t.rows.filter { $0.window == "Reporting month" }.map { [$0.cohort[0]] + $0.filters }
        // a1 is linked, so its service is E1's FIT, not the row's XXX; a3 is unlinked, service from the row.
        // The app question has only a September answer: no October row (PRECISE.md 10).
        #expect(rm == [
            ["Total", "closure_survey", "supported", "Total"], ["Total", "closure_survey", "supported", "child"],
            ["Total", "closure_survey", "supported", "parent"],
            ["Total", "feedback_form", "supported", "Total"], ["Total", "feedback_form", "supported", "parent"],
            ["FIT", "closure_survey", "supported", "Total"], ["FIT", "closure_survey", "supported", "child"],
            ["YIT", "closure_survey", "supported", "Total"], ["YIT", "closure_survey", "supported", "parent"],
            ["YIT", "feedback_form", "supported", "Total"], ["YIT", "feedback_form", "supported", "parent"],
        ])
        #expect(t.rows.prefix(rm.count).allSatisfy { $0.window == "Reporting month" })
        let r12 = t.rows.filter { $0.window == "Rolling 12 months" && $0.breakdown == "Total" }.map(\.filters)
        #expect(r12.first == ["app", "made_difference", "Total"] && r12.count == 7)
    }

    @Test func countsAndPreviousWindow() throws {
        let t = FeedbackMetric.tables(Self.dataset, Self.ctx())[0]
        func cells(_ w: String, _ s: String, _ f: [String]) throws -> [Cell] {
            try #require(t.rows.first { $0.window == w && $0.cohort[0] == s && $0.filters == f }).cells
        }
        // October: a1 positive, a2 negative (a4 not answered, a5 after the end); September: p1 −, p2 +.
        let all = try cells("Reporting month", "Total", ["closure_survey", "supported", "Total"])
        #expect(Array(all[0..<5]) == [.int(2), .int(1), .int(0), .int(1), .num(50)])
        #expect(all[7] == .int(2) && all[8] == .num(50) && all[9] == .num(0))
        let child = try cells("Reporting month", "Total", ["closure_survey", "supported", "child"])
        #expect(child[0] == .int(1) && child[4] == .num(100) && child[7] == .int(2) && child[9] == .num(50))
        // 1 of 1: Wilson (1 + z²/2 ± z·√(z²/4)) / (1 + z²) → high 100, low 1/(1+z²).
        let z2 = 1.959964 * 1.959964
        #expect(Self.near(child[5], 100 / (1 + z2), 1e-9) && Self.near(child[6], 100, 1e-9))
        // No previous answers: prev 0, prev pct z, change z.
        let parent = try cells("Reporting month", "Total", ["closure_survey", "supported", "parent"])
        #expect(Array(parent[7...]) == [.int(0), .z, .z] && parent[4] == .num(0))
        // Rolling: current a1 +, a2 −, p1 −, p2 +; previous (Nov 2024 - Oct 2025) q1 +: change 50 − 100.
        let roll = try cells("Rolling 12 months", "Total", ["closure_survey", "supported", "Total"])
        #expect(Array(roll[0..<5]) == [.int(4), .int(2), .int(0), .int(2), .num(50)])
        #expect(Array(roll[7...]) == [.int(1), .num(100), .num(-50)])
        let rollChild = try cells("Rolling 12 months", "Total", ["closure_survey", "supported", "child"])
        #expect(Self.near(rollChild[4], 200.0 / 3) && Self.near(rollChild[9], 200.0 / 3 - 100))
        // FIT's previous month holds p1 (E1) and p2 (E3), both linked to FIT episodes.
        let fit = try cells("Reporting month", "FIT", ["closure_survey", "supported", "Total"])
        #expect(fit[0] == .int(1) && fit[7] == .int(2))
        #expect(!t.rows.contains { $0.cohort[0] == "XXX" })
    }

    @Test func unlinkedCohortIsUnknown() {
        let t = FeedbackMetric.tables(Self.dataset, Self.ctx(breakdowns: [Breakdown([.locality]), Breakdown([.service, .gender])]))[0]
        let form = t.rows.filter { $0.window == "Reporting month" && $0.filters[0] == "feedback_form" }
        #expect(form.map(\.cohort) == [
            ["Total", "Unknown", "Total", "Total", "Total", "Total"], ["Total", "Unknown", "Total", "Total", "Total", "Total"],
            ["YIT", "Total", "Total", "Total", "Unknown", "Total"], ["YIT", "Total", "Total", "Total", "Unknown", "Total"],
        ])
        #expect(t.rows.filter { $0.filters[0] == "closure_survey" && $0.breakdown == "locality" }.allSatisfy { $0.cohort[1] == "North" })
    }

    @Test func decimalPlaces() {
        let t = FeedbackMetric.tables(Self.dataset, Self.ctx())
        #expect(t[0].indicators.map(\.dp) == [0, 0, 0, 0, 1, 2, 2, 0, 1, 1])
        #expect(t[1].indicators.map(\.dp) == [0, 0, 1])
        #expect(t[0].filters.map(\.name) == ["instrument", "question", "respondent"])
    }

    @Test func wilson() {
        let w = FeedbackMetric.wilson(8, 10)  // statsmodels proportion_confint(8, 10, method="wilson")
        #expect(abs(w.low - 49.016247) < 1e-5 && abs(w.high - 94.331785) < 1e-5)
        let zero = FeedbackMetric.wilson(0, 7)
        #expect(abs(zero.low) < 1e-9 && abs(zero.high - 35.433044) < 1e-5)
    }

    @Test func suppressionRules() {
        typealias C = FeedbackMetric.Counts
        let s5 = Suppression(threshold: 5)
        // Rule 1: 3 responses hide all, the z prev figures too.
        #expect(FeedbackMetric.cells(C(current: [3, 0, 0], previous: [0, 0, 0]), s5) == Array(repeating: .c, count: 10))
        // prev 4 is the base of the previous figures; neutral 1 and negative 1 are rule-2 counts;
        // two hidden, so rule 3 adds nothing.
        let a = FeedbackMetric.cells(C(current: [8, 1, 1], previous: [3, 1, 0]), s5)
        #expect(Array(a[0..<4]) == [.int(10), .int(8), .c, .c] && a[4] == .num(80) && a[5] != .c && a[6] != .c)
        #expect(Array(a[7...]) == [.c, .c, .c])
        // Positive 2 carries pct, both ci and change; neutral 5 hidden; negative 6 shown.
        let b = FeedbackMetric.cells(C(current: [2, 5, 6], previous: [10, 0, 0]), s5)
        #expect(b == [.int(13), .c, .c, .int(6), .c, .c, .c, .int(10), .num(100), .c])
        // Negative 2 alone hidden: rule 3 takes the smallest other non-zero (positive 10; neutral is 0),
        // with its dependents; change stays z (no previous answers, PRECISE.md 15).
        let c = FeedbackMetric.cells(C(current: [10, 0, 2], previous: [0, 0, 0]), s5)
        #expect(c == [.int(12), .c, .int(0), .c, .c, .c, .c, .int(0), .z, .z])
        // Tie between positive 6 and neutral 6: the first in indicator order (positive) goes.
        let d = FeedbackMetric.cells(C(current: [6, 6, 3], previous: [6, 0, 0]), s5)
        #expect(Array(d[1..<4]) == [.c, .int(6), .c] && d[4] == .c && d[9] == .c && d[8] == .num(100))
        // Threshold 0: nothing hidden.
        let e = FeedbackMetric.cells(C(current: [1, 0, 0], previous: [0, 1, 0]), Suppression(threshold: 0))
        #expect(e == [.int(1), .int(1), .int(0), .int(0), .num(100), e[5], e[6], .int(1), .num(0), .num(100)])
        // Whole table at threshold 5: October's Total row has 2 responses.
        let t = FeedbackMetric.tables(Self.dataset, Self.ctx(threshold: 5))[0]
        #expect(t.rows.allSatisfy { $0.cells.allSatisfy { $0 == .c } })
    }

    @Test func responseRate() throws {
        let d = Self.day
        let data = Dataset(
            episodes: [Self.ep("E1", "FIT", closed: d(2026, 10, 10)), Self.ep("E2", "YIT", closed: d(2026, 10, 20)),
                       Self.ep("E5", "YIT", closed: d(2026, 10, 25)), Self.ep("E3", "FIT", closed: d(2026, 3, 1)),
                       Self.ep("E4", "FIT"), Self.ep("E6", "CSC", closed: d(2026, 11, 2))],
            feedback: [
                Self.ans("s1", "E1", "FIT", d(2026, 9, 1), "child", "closure_survey", "q", .positive),  // before closure
                Self.ans("s2", "E2", "YIT", d(2026, 10, 21), "parent", "closure_survey", "q", .negative),  // after closure
                Self.ans("s3", "E5", "YIT", d(2026, 11, 3), "child", "closure_survey", "q", .positive),  // after the end
                Self.ans("s4", "E5", "YIT", d(2026, 10, 26), "child", "closure_survey", "q", nil),  // not answered
                Self.ans("s5", "E5", "YIT", d(2026, 10, 27), "child", "feedback_form", "q", .positive),  // other instrument
                Self.ans("s6", "E3", "FIT", d(2026, 3, 5), "child", "closure_survey", "q", .neutral),
                Self.ans("s7", nil, "FIT", d(2026, 10, 5), "child", "closure_survey", "q", .positive),  // unlinked
                Self.ans("s8", "E6", "CSC", d(2026, 10, 5), "child", "closure_survey", "q", .positive),  // closes later
            ])
        let t = FeedbackMetric.tables(data, Self.ctx())[1]
        #expect(t.name == "feedback_response_rate")
        let got = t.rows.map { [$0.window, $0.breakdown, $0.cohort[0]] }
        #expect(got == [["Reporting month", "Total", "Total"], ["Reporting month", "service", "FIT"],
                        ["Reporting month", "service", "YIT"], ["Rolling 12 months", "Total", "Total"],
                        ["Rolling 12 months", "service", "FIT"], ["Rolling 12 months", "service", "YIT"]])
        // Month: E1 yes, E2 yes, E5 no → 2 of 3; FIT 1/1; YIT 1/2. Rolling adds E3 (yes): 3 of 4.
        #expect(t.rows[0].cells[0...1] == [.int(3), .int(2)] && Self.near(t.rows[0].cells[2], 200.0 / 3))
        #expect(t.rows[1].cells == [.int(1), .int(1), .num(100)] && t.rows[2].cells == [.int(2), .int(1), .num(50)])
        #expect(t.rows[3].cells == [.int(4), .int(3), .num(75)] && t.rows[4].cells == [.int(2), .int(2), .num(100)])
        // Threshold 2: base 1-2 hides the row; a surveyed count of 1-2 hides itself and the rate.
        let s = FeedbackMetric.tables(data, Self.ctx(threshold: 2))[1]
        #expect(s.rows[0].cells == [.int(3), .c, .c] && s.rows[1].cells == [.c, .c, .c])
        #expect(s.rows[3].cells == [.int(4), .int(3), .num(75)])
    }

    @Test func threadsGiveIdenticalTables() {
        var seed: UInt64 = 7
        func next(_ n: Int) -> Int { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Int(seed >> 33) % n }
        let eps = (0..<200).map { Episode(episodeID: "E\($0)", childID: "C\($0 / 2)", service: ["FIT", "YIT"][$0 % 2],
                                          level: ["EH3", "CIN"][next(2)], allocationDate: Self.day(2024, 1, 1),
                                          closureDate: next(2) == 0 ? nil : Self.day(2024, 6, 1) + Day(next(900))) }
        let classes: [AnswerClass?] = [.positive, .neutral, .negative, nil]
        let answers = (0..<3000).map { i in
            Self.ans("R\(i)", next(3) == 0 ? nil : "E\(next(200))", ["FIT", "YIT", "CSC"][next(3)],
                     Self.day(2024, 10, 1) + Day(next(800)), ["child", "parent", "carer"][next(3)],
                     ["closure_survey", "app"][next(2)], ["q1", "q2", "Unknown"][next(3)], classes[next(4)])
        }
        let data = Dataset(episodes: eps, feedback: answers)
        let a = FeedbackMetric.tables(data, ReportContext(period: Self.october, threads: 1))
        let b = FeedbackMetric.tables(data, ReportContext(period: Self.october, threads: 8))
        #expect(a[0].rows == b[0].rows && a[1].rows == b[1].rows && a[0].rows.count > 200)
        // Question "Unknown" sorts last (PRECISE.md 11).
        let qs = a[0].rows.filter { $0.window == "Reporting month" && $0.breakdown == "Total" && $0.filters[2] == "Total" }
            .map { $0.filters[0] + "/" + $0.filters[1] }
        #expect(qs == ["app/q1", "app/q2", "app/Unknown", "closure_survey/q1", "closure_survey/q2", "closure_survey/Unknown"])
    }

    /// PRECISE.md 12: an episode allocated after a window's end is left out of that window, so an
    /// answer linked to it counts neither there nor (for the previous window) before its allocation.
    @Test func answersOfEpisodesAllocatedAfterTheWindowEndAreLeftOut() {
        let d = Self.day
        let late = Episode(episodeID: "L1", childID: "CL1", service: "FIT", locality: "North", level: "EH3",
                           allocationDate: d(2026, 10, 15))
        let data = Dataset(episodes: [Self.ep("E1", "FIT"), late], feedback: [
            Self.ans("x1", "E1", "FIT", d(2026, 10, 2), "child", "app", "q", .positive),
            // received before L1 was allocated: in October (L1 exists by 31 Oct) it counts ...
            Self.ans("x2", "L1", "FIT", d(2026, 10, 3), "child", "app", "q", .negative),
            // ... but in September's window L1 did not exist yet, so it is no previous-window answer
            Self.ans("x3", "L1", "FIT", d(2026, 9, 20), "child", "app", "q", .positive),
            Self.ans("x4", "E1", "FIT", d(2026, 9, 21), "child", "app", "q", .negative),
        ])
        let t = FeedbackMetric.tables(data, Self.ctx(breakdowns: [.total]))[0]
        let row = t.rows.first { $0.window == "Reporting month" && $0.filters == ["app", "q", "Total"] }!
        let n = t.indicatorIndex("n_responses")!, pn = t.indicatorIndex("prev_n_responses")!
        #expect(row.cells[n] == .int(2))      // x1, x2
        #expect(row.cells[pn] == .int(1))     // x4 only: x3's episode was allocated after 30 Sep
        let pp = t.indicatorIndex("prev_pct_positive")!
        #expect(Self.near(row.cells[pp], 0))  // x4 negative: 0 of 1
        // Reporting month of September: L1 left out entirely, so only x4 counts.
        let sep = FeedbackMetric.tables(data, ReportContext(period: Month(year: 2026, month: 9), threshold: 0,
                                                            breakdowns: [.total]))[0]
        let srow = sep.rows.first { $0.window == "Reporting month" && $0.filters == ["app", "q", "Total"] }!
        #expect(srow.cells[n] == .int(1))
    }
}
