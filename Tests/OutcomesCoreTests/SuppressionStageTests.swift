import Testing
@testable import OutcomesCore

/// Hand-made tables for each disclosure rule (METRICS.md "Rounding and small numbers";
/// PRECISE.md 32-35, 41). Every expected `c` is worked out by hand in the comments.
@Suite struct SuppressionStageTests {
    static let breakdowns = Breakdown.defaults

    /// A cohort with the given columns set.
    static func cohort(_ values: [CohortColumn: String]) -> [String] {
        var k = CohortAttributes.totals
        for (c, v) in values { k[c.rawValue] = v }
        return k
    }

    static func row(_ breakdown: String, _ values: [CohortColumn: String], _ cells: [Cell],
                    window: String = "Reporting month", filters: [String] = [], unshown: [Int] = []) -> OutputRow {
        OutputRow(window: window, breakdown: breakdown, cohort: cohort(values), filters: filters, cells: cells, unshown: unshown)
    }

    static func shown(_ t: OutputTable, _ i: Int) -> [Bool] { t.rows.map { $0.cells[i] != .c } }

    /// Attack 1: `n_pupils` Total 43, North 20, South 20, Tiny 3 gave Tiny back by subtraction.
    /// Rule 1 hides Tiny; rule 4 then hides the smallest other non-zero count of the locality set
    /// (North, the first of the two 20s in row order).
    @Test func attendanceLocalityDifferencingIsStopped() {
        let t = OutputTable(name: "attendance", indicators: [ColumnSpec("n_pupils", "")], rows: [
            Self.row("Total", [:], [.int(43)]),
            Self.row("locality", [.locality: "North"], [.int(20)]),
            Self.row("locality", [.locality: "South"], [.int(20)]),
            Self.row("locality", [.locality: "Tiny"], [.int(3)]),
        ])
        let r = SuppressionStage.apply([t], threshold: 5, breakdowns: Self.breakdowns)
        #expect(Self.shown(r.tables[0], 0) == [true, false, true, false])
        #expect(r.hiddenBy["rule_1"] == 1 && r.hiddenBy["rule_4"] == 1)
        // At T = 0 nothing changes.
        let off = SuppressionStage.apply([t], threshold: 0, breakdowns: Self.breakdowns)
        #expect(off.tables[0].rows == t.rows)
    }

    /// A `service_locality` cell hidden in its locality set forces others in the service sets,
    /// and a parent hidden late makes a second and third pass necessary.
    /// A-N 3 (rule 1), A-S 10, B-N 20, B-S 0; A 13, B 20, N 23, S 10, Total 33.
    /// Pass 1: A's set hides A-S; N's set hides B-N; S's set has no other non-zero count, so S.
    /// Pass 2: Total's locality set hides N; B's set has none but the 0, so B.
    /// Pass 3: Total's service set hides A. Only Total and the true zero B-S stay shown.
    @Test func serviceLocalityNeedsSeveralPasses() {
        let t = OutputTable(name: "timeliness", filters: [ColumnSpec("measure", "")],
                            indicators: [ColumnSpec("n_eligible", "")], rows: [
            Self.row("Total", [:], [.int(33)], filters: ["m"]),
            Self.row("service", [.service: "A"], [.int(13)], filters: ["m"]),
            Self.row("service", [.service: "B"], [.int(20)], filters: ["m"]),
            Self.row("locality", [.locality: "N"], [.int(23)], filters: ["m"]),
            Self.row("locality", [.locality: "S"], [.int(10)], filters: ["m"]),
            Self.row("service_locality", [.service: "A", .locality: "N"], [.int(3)], filters: ["m"]),
            Self.row("service_locality", [.service: "A", .locality: "S"], [.int(10)], filters: ["m"]),
            Self.row("service_locality", [.service: "B", .locality: "N"], [.int(20)], filters: ["m"]),
            Self.row("service_locality", [.service: "B", .locality: "S"], [.int(0)], filters: ["m"]),
        ])
        let r = SuppressionStage.apply([t], threshold: 5, breakdowns: Self.breakdowns, audit: false)
        #expect(Self.shown(r.tables[0], 0) == [true, false, false, false, false, false, false, false, true])
        #expect(r.hiddenBy["rule_4"] == 6)
        // The audit finds nothing pinned: A-N + A-S + B-N = 33 has many solutions.
        let audited = SuppressionStage.apply([t], threshold: 5, breakdowns: Self.breakdowns)
        #expect(audited.tables[0].rows == r.tables[0].rows && audited.hiddenBy["audit"] == 0)
    }

    static let feedbackIndicators = ["n_responses", "n_positive", "n_neutral", "n_negative", "pct_positive",
                                     "ci95_low", "ci95_high", "prev_n_responses", "prev_pct_positive", "change_pp"]
        .map { ColumnSpec($0, "") }
    static let feedbackFilters = ["instrument", "question", "respondent"].map { ColumnSpec($0, "") }

    static func feedbackRow(_ respondent: String, _ pos: Int, _ neu: Int, _ neg: Int,
                            prev: (n: Int, pos: Int) = (0, 0), window: String = "Reporting month") -> OutputRow {
        let n = pos + neu + neg
        let pct = Double(pos) * 100 / Double(n)
        let prevPct: Cell = prev.n == 0 ? .z : .num(Double(prev.pos) * 100 / Double(prev.n))
        let change: Cell = prev.n == 0 ? .z : .num(pct - Double(prev.pos) * 100 / Double(prev.n))
        return row("Total", [:], [.int(n), .int(pos), .int(neu), .int(neg), .num(pct), .num(pct - 5), .num(pct + 5),
                                  .int(prev.n), prevPct, change],
                   window: window, filters: ["app", "felt_safe", respondent])
    }

    /// Attack 2: Total 23, child 20, parent `c` gave 3 parents back. The `respondent` set (a
    /// filter with a Total, PRECISE.md 32 (b)) hides the child row too.
    @Test func feedbackRespondentSetIsProtected() {
        let t = OutputTable(name: "feedback", filters: Self.feedbackFilters, indicators: Self.feedbackIndicators, rows: [
            Self.feedbackRow("Total", 15, 4, 4),
            Self.feedbackRow("child", 13, 3, 4),
            Self.feedbackRow("parent", 2, 1, 0),
        ])
        let r = SuppressionStage.apply([t], threshold: 5, breakdowns: Self.breakdowns)
        let rows = r.tables[0].rows
        #expect(rows[2].cells.allSatisfy { $0 == .c })          // rule 1
        #expect(rows[1].cells.allSatisfy { $0 == .c })          // rule 4 on the base hides the row
        #expect(rows[0].cells[0] == .int(23))
    }

    /// Attack 3: `n_eligible` 20 and `n_met` 17 gave back 3 that missed the standard. Rule 5
    /// hides `n_met` and `pct_met`.
    @Test func timelinessComplementIsHidden() {
        let t = OutputTable(name: "timeliness", filters: [ColumnSpec("measure", "")],
                            indicators: ["n_eligible", "n_met", "pct_met"].map { ColumnSpec($0, "") }, rows: [
            Self.row("Total", [:], [.int(20), .int(17), .num(85)], filters: ["first_contact_5wd"]),
        ])
        let r = SuppressionStage.apply([t], threshold: 5, breakdowns: Self.breakdowns)
        #expect(r.tables[0].rows[0].cells == [.int(20), .c, .c])
        #expect(r.hiddenBy["rule_5"] == 2)
    }

    /// Attack 4: October's `prev_n_responses` 20 and `prev_pct_positive` 85.0 gave back
    /// September's hidden 17 positive and 3 negative answers. September's own table hides the
    /// 3 negatives (rule 2) and so the 17 positives (rule 3): rule 7 shows `c` for October's
    /// previous percentage and change, while the previous base (shown in September) stays.
    @Test func previousWindowShowsWhatItsOwnTablePublished() {
        let september = OutputTable(name: "feedback", filters: Self.feedbackFilters, indicators: Self.feedbackIndicators,
                                    rows: [Self.feedbackRow("Total", 17, 0, 3)])
        let october = OutputTable(name: "feedback", filters: Self.feedbackFilters, indicators: Self.feedbackIndicators,
                                  rows: [Self.feedbackRow("Total", 12, 6, 6, prev: (20, 17))])
        let r = SuppressionStage.apply([october], threshold: 5, breakdowns: Self.breakdowns,
                                       previous: ["Reporting month": september])
        let c = r.tables[0].rows[0].cells
        #expect(c[7] == .int(20) && c[8] == .c && c[9] == .c)
        #expect(c[1] == .int(12))
        #expect(r.hiddenBy["rule_7"] == 2)
    }

    static let dtIndicators = ["n", "n_children", "mean_baseline", "mean_latest", "mean_change", "median_change",
                               "sd_change", "ci95_low", "ci95_high", "n_improved", "n_no_change", "n_declined",
                               "pct_improved", "pct_no_change", "pct_declined"].map { ColumnSpec($0, "") }

    static func dtRow(n: Int, children: Int, improved: Int, same: Int, declined: Int) -> OutputRow {
        let pct = { (k: Int) -> Cell in .num(Double(k) * 100 / Double(n)) }
        return row("Total", [:], [.int(n), .int(children), .num(4), .num(6), .num(2), .num(2), .num(1), .num(1), .num(3),
                                  .int(improved), .int(same), .int(declined), pct(improved), pct(same), pct(declined)],
                   filters: ["Total", "family"])
    }

    /// Attack 5: `n_children` `c` (one child) beside that child's own mean scores. Rule 6 hides
    /// every indicator of the row.
    @Test func fewChildrenHideTheWholeRow() {
        let t = OutputTable(name: "distance_travelled", filters: [ColumnSpec("domain", ""), ColumnSpec("rated_by", "")],
                            indicators: Self.dtIndicators, rows: [Self.dtRow(n: 8, children: 1, improved: 8, same: 0, declined: 0)])
        let r = SuppressionStage.apply([t], threshold: 5, breakdowns: Self.breakdowns)
        #expect(r.tables[0].rows[0].cells.allSatisfy { $0 == .c })
        #expect(r.hiddenBy["rule_6"] == 15)
    }

    /// Two hidden counts that add up to 2 are both pinned at 1 (each is at least 1): Total 10 =
    /// L1 1 + L2 1 + L3 8 in episodes. Rule 4 sees two hidden and hides nothing; the audit hides
    /// the smallest non-zero shown count of the pinning set, L3's 8 (the parent's 10 is larger).
    @Test func auditUnpinsTwoCellsAddingUpToTwo() {
        let t = OutputTable(name: "timeliness", filters: [ColumnSpec("measure", "")],
                            indicators: [ColumnSpec("n_eligible", "")], rows: [
            Self.row("Total", [:], [.int(10)], filters: ["m"]),
            Self.row("locality", [.locality: "L1"], [.int(1)], filters: ["m"]),
            Self.row("locality", [.locality: "L2"], [.int(1)], filters: ["m"]),
            Self.row("locality", [.locality: "L3"], [.int(8)], filters: ["m"]),
        ])
        let rulesOnly = SuppressionStage.apply([t], threshold: 5, breakdowns: Self.breakdowns, audit: false)
        #expect(Self.shown(rulesOnly.tables[0], 0) == [true, false, false, true])
        let r = SuppressionStage.apply([t], threshold: 5, breakdowns: Self.breakdowns)
        #expect(Self.shown(r.tables[0], 0) == [true, false, false, false])
        #expect(r.hiddenBy["audit"] == 1 && r.hiddenBy["audit_unresolved"] == 0)
    }

    /// An identity between two tables: the 25 band pairs add up to distance travelled's `n`.
    /// A band of 2 is hidden (rule 2) beside one of 6 and zeros, with `n` 8 shown in
    /// distance travelled: 8 − 6 pins the hidden band at 2, so the audit hides the 6 too. The
    /// bands table alone leaks it as well: the 6 is 75.0% of its baseline band, which so holds 8
    /// (7.994 < Σ ≤ 8.005), a percentage with its base (PRECISE.md 41).
    @Test func auditFollowsAnIdentityBetweenTables() {
        var bandRows: [OutputRow] = []
        for (i, (b, l)) in DistanceTravelledMetric.bands.flatMap({ b in DistanceTravelledMetric.bands.map { (b, $0) } }).enumerated() {
            let n = i == 0 ? 2 : (i == 1 ? 6 : 0)
            bandRows.append(Self.row("Total", [:], [.int(n), .num(Double(n) * 12.5)], filters: ["Total", "family", b, l]))
        }
        let bands = OutputTable(name: "distance_travelled_bands",
                                filters: ["domain", "rated_by", "baseline_band", "latest_band"].map { ColumnSpec($0, "") },
                                indicators: [ColumnSpec("n", ""), ColumnSpec("pct_of_baseline_band", "")], rows: bandRows)
        let dt = OutputTable(name: "distance_travelled", filters: [ColumnSpec("domain", ""), ColumnSpec("rated_by", "")],
                             indicators: Self.dtIndicators, rows: [Self.dtRow(n: 8, children: 8, improved: 6, same: 2, declined: 0)])
        let alone = SuppressionStage.apply([bands], threshold: 5, breakdowns: Self.breakdowns)
        #expect(alone.tables[0].rows[1].cells == [.c, .c] && alone.hiddenBy["audit"] == 2)
        let both = SuppressionStage.apply([dt, bands], threshold: 5, breakdowns: Self.breakdowns)
        #expect(both.tables[1].rows[0].cells == [.c, .c] && both.tables[1].rows[1].cells == [.c, .c])
        #expect(both.hiddenBy["audit"] == 2)
    }

    /// The activity table: a count hidden by rule 4 hides its own change and the change a year on,
    /// which is computed from it.
    @Test func activityChangeAYearOnGoesWithItsCount() {
        var rows: [OutputRow] = []
        for j in 0..<13 {
            let m = Month(year: 2025, month: 10).adding(j).text
            let a = j == 0 ? 3 : 10, b = 12
            rows.append(Self.row("Total", [:], [.int(a + b), .num(1)], window: m, unshown: [a + b]))
            rows.append(Self.row("service", [.service: "A"], [.int(a), .num(1)], window: m, unshown: [a]))
            rows.append(Self.row("service", [.service: "B"], [.int(b), .num(1)], window: m, unshown: [b]))
        }
        var t = OutputTable(name: "activity_trend", windowColumn: "month",
                            indicators: [ColumnSpec("referrals", ""), ColumnSpec("referrals_yoy_pct", "")], rows: rows)
        t.unshownCounts = ["before_referrals"]
        let r = SuppressionStage.apply([t], threshold: 5, breakdowns: Self.breakdowns, audit: false)
        // October 2025: A 3 (rule 2) forces B 12 (rule 4); a year on, both changes go.
        #expect(r.tables[0].rows[1].cells == [.c, .c] && r.tables[0].rows[2].cells == [.c, .c])
        #expect(r.tables[0].rows[37].cells == [.int(10), .c] && r.tables[0].rows[38].cells == [.int(12), .c])
        #expect(r.tables[0].rows[36].cells == [.int(22), .num(1)])
    }

    /// A hidden zero in a rule-1 row is not acted on (docs/DISCLOSURE.md "Hidden zeros"):
    /// Total 20 pupils, none persistently absent; A has 3 pupils (rule 1 hides its row, its 0
    /// included), so rule 4 hides B (17) too. A's and B's absent counts are pinned at 0 by the
    /// Total's 0: that names no child, so the audit hides nothing and leaves nothing unresolved
    /// (before, it reported them as unresolved).
    @Test func hiddenZeroInARuleOneRowIsNotActedOn() {
        let t = OutputTable(name: "attendance", indicators: [ColumnSpec("n_pupils", ""), ColumnSpec("n_persistently_absent", "")], rows: [
            Self.row("Total", [:], [.int(20), .int(0)]),
            Self.row("locality", [.locality: "A"], [.int(3), .int(0)]),
            Self.row("locality", [.locality: "B"], [.int(17), .int(0)]),
        ])
        let r = SuppressionStage.apply([t], threshold: 5, breakdowns: Self.breakdowns)
        #expect(r.tables[0].rows[1].cells == [.c, .c] && r.tables[0].rows[2].cells == [.c, .c])
        #expect(r.hiddenBy["audit"] == 0 && r.hiddenBy["audit_unresolved"] == 0)
    }

    /// A shown percentage with its base pins a hidden count: baseline band 1-2 has latest bands
    /// 10 (50.0%), 3 (rule 2: `c`) and 7 (35.0%). 50.0% rounds from [49.95, 50.05), so the
    /// baseline band holds 10 / 0.5 = 20 (19.98 < Σ ≤ 20.02), and 20 − 10 − 7 gives the 3 back.
    /// The audit hides the smallest shown count of that relation, the 7; then 3 + 7 = 10 has
    /// several answers.
    @Test func percentageWithItsBasePinIsCaught() {
        let t = OutputTable(name: "distance_travelled_bands",
                            filters: ["domain", "rated_by", "baseline_band", "latest_band"].map { ColumnSpec($0, "") },
                            indicators: [ColumnSpec("n", ""), ColumnSpec("pct_of_baseline_band", "")], rows: [
            Self.row("Total", [:], [.int(10), .num(50)], filters: ["crime", "family", "1-2", "1-2"]),
            Self.row("Total", [:], [.int(3), .num(15)], filters: ["crime", "family", "1-2", "3-4"]),
            Self.row("Total", [:], [.int(7), .num(35)], filters: ["crime", "family", "1-2", "5-6"]),
        ])
        let rules = SuppressionStage.apply([t], threshold: 5, breakdowns: Self.breakdowns, audit: false)
        #expect(rules.tables[0].rows.map(\.cells) == [[.int(10), .num(50)], [.c, .c], [.int(7), .num(35)]])
        let r = SuppressionStage.apply([t], threshold: 5, breakdowns: Self.breakdowns)
        #expect(r.tables[0].rows.map(\.cells) == [[.int(10), .num(50)], [.c, .c], [.c, .c]])
        #expect(r.hiddenBy["audit"] == 2 && r.hiddenBy["audit_unresolved"] == 0)
    }

    /// A rolling window's closures are the sum of its months' closures: twelve months of 10
    /// closures but March's 3 (rule 2), and the response-rate table's rolling `n_closed` 113:
    /// 113 − 110 gives the 3 back. The audit hides the smallest shown count of that sum, the
    /// first 10 in row order (November); then two hidden months add up to 13 in many ways.
    @Test func rollingClosuresEqualTheSumOfTheMonths() {
        let months = (0..<12).map { Month(year: 2025, month: 11).adding($0) }
        let activity = OutputTable(name: "activity_trend", windowColumn: "month", indicators: [ColumnSpec("closures", "")],
                                   rows: months.map { Self.row("Total", [:], [.int($0.month == 3 ? 3 : 10)], window: $0.text) })
        let rate = OutputTable(name: "feedback_response_rate",
                               indicators: ["n_closed", "n_with_closure_survey", "response_rate_pct"].map { ColumnSpec($0, "") }, rows: [
            Self.row("Total", [:], [.int(10), .int(0), .num(0)]),
            Self.row("Total", [:], [.int(113), .int(50), .num(5000.0 / 113)], window: "Rolling 12 months"),
        ])
        let r = SuppressionStage.apply([activity, rate], threshold: 5, breakdowns: Self.breakdowns)
        let shown = r.tables[0].rows.map { $0.cells[0] != .c }
        #expect(shown == months.map { $0.month != 3 && $0.month != 11 })
        #expect(r.tables[1].rows[1].cells[0] == .int(113))
        #expect(r.hiddenBy["audit"] == 1 && r.hiddenBy["audit_unresolved"] == 0)
    }

    /// Rule 7 follows the previous month as published, after its audit (PRECISE.md 35, 41).
    /// September: Total 12 answers, child 10, parent 1, carer 1. Rule 1 hides parent and carer;
    /// rule 4 sees two hidden and does nothing; the audit finds 12 − 10 = 2 = 1 + 1 and hides the
    /// child row. October's child row then shows `c` for September's figures: its 10 beside
    /// September's Total 12 would give the parent's and carer's 1 and 1 back to anyone holding both.
    @Test func previousWindowFollowsTheAuditOfThePreviousMonth() {
        let september = OutputTable(name: "feedback", filters: Self.feedbackFilters, indicators: Self.feedbackIndicators, rows: [
            Self.feedbackRow("Total", 12, 0, 0), Self.feedbackRow("child", 10, 0, 0),
            Self.feedbackRow("parent", 1, 0, 0), Self.feedbackRow("carer", 1, 0, 0),
        ])
        let rulesOnly = SuppressionStage.apply([september], threshold: 5, breakdowns: Self.breakdowns, audit: false)
        #expect(rulesOnly.tables[0].rows[1].cells[0] == .int(10))
        let published = SuppressionStage.apply([september], threshold: 5, breakdowns: Self.breakdowns)
        #expect(published.tables[0].rows[1].cells[0] == .c)
        let october = OutputTable(name: "feedback", filters: Self.feedbackFilters, indicators: Self.feedbackIndicators, rows: [
            Self.feedbackRow("Total", 40, 0, 0, prev: (12, 12)), Self.feedbackRow("child", 20, 0, 0, prev: (10, 10)),
            Self.feedbackRow("parent", 10, 0, 0, prev: (1, 1)), Self.feedbackRow("carer", 10, 0, 0, prev: (1, 1)),
        ])
        for r in [SuppressionStage.apply([october], threshold: 5, breakdowns: Self.breakdowns, previous: ["Reporting month": september]),
                  SuppressionStage.apply([october], threshold: 5, breakdowns: Self.breakdowns,
                                         previousPublished: ["Reporting month": published.tables[0]])] {
            let rows = r.tables[0].rows
            #expect(Array(rows[1].cells[7...9]) == [.c, .c, .c])
            #expect(rows[0].cells[7] == .int(12) && rows[1].cells[0] == .int(20))
        }
    }
}
