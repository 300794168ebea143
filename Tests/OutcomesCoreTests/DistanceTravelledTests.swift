import Testing
@testable import OutcomesCore

/// Hand-built datasets for METRICS.md 1 and PRECISE.md 10, 11, 15-18, 20.
@Suite struct DistanceTravelledTests {
    static func day(_ y: Int, _ m: Int, _ d: Int) -> Day { Days.from(year: y, month: m, day: d) }
    static let october = Month(year: 2026, month: 10)

    static func score(_ ep: String, _ date: Day, _ stage: Stage, _ domain: String, _ s: Int,
                      _ by: Rater = .practitioner) -> OutcomeScore {
        OutcomeScore(episodeID: ep, assessmentDate: date, stage: stage, domain: domain, score: s, ratedBy: by)
    }

    /// Episodes: E1 (C1, FIT), E2 (C1, YIT), E3 (C2, FIT), E4 (C3, LINKS), E5 (C4, allocated after M).
    static let dataset: Dataset = {
        let eps = [
            Episode(episodeID: "E1", childID: "C1", service: "FIT", level: "EH3", allocationDate: day(2026, 1, 5)),
            Episode(episodeID: "E2", childID: "C1", service: "YIT", level: "EH3", allocationDate: day(2026, 1, 20)),
            Episode(episodeID: "E3", childID: "C2", service: "FIT", level: "EH4", allocationDate: day(2026, 2, 15)),
            Episode(episodeID: "E4", childID: "C3", service: "LINKS", level: "CIN", allocationDate: day(2026, 4, 1)),
            Episode(episodeID: "E5", childID: "C4", service: "FIT", level: "CIN", allocationDate: day(2026, 11, 5)),
        ]
        let s = [
            score("E1", day(2026, 1, 10), .entry, "health", 3), score("E1", day(2026, 10, 5), .exit, "health", 7),  // +4
            score("E1", day(2026, 1, 10), .entry, "education", 2), score("E1", day(2026, 10, 5), .review, "education", 5),  // +3
            score("E2", day(2026, 2, 1), .entry, "health", 5), score("E2", day(2026, 10, 10), .review, "health", 5),  // 0
            score("E2", day(2026, 11, 2), .exit, "health", 10),  // after the window end: ignored
            score("E3", day(2026, 3, 1), .entry, "health", 6), score("E3", day(2026, 10, 20), .review, "health", 4),  // −2
            score("E3", day(2026, 3, 1), .entry, "health", 4, .family), score("E3", day(2026, 10, 20), .exit, "health", 9, .family),  // +5
            score("E4", day(2026, 5, 1), .entry, "housing", 1), score("E4", day(2026, 6, 1), .review, "housing", 10),  // +9, rolling only
            score("E5", day(2026, 10, 1), .entry, "crime", 2), score("E5", day(2026, 10, 15), .review, "crime", 8),  // allocated after M
        ]
        return Dataset(episodes: eps, outcomes: s)
    }()

    static func ctx(threshold: Int = 0, threads: Int = 2) -> ReportContext {
        ReportContext(period: october, threshold: threshold, breakdowns: [.total, Breakdown([.service])], threads: threads)
    }

    static func row(_ t: OutputTable, _ window: String, _ service: String, _ filters: [String]) -> OutputRow? {
        t.rows.first { $0.window == window && $0.cohort[0] == service && $0.filters == filters }
    }

    static func near(_ c: Cell, _ v: Double, _ tol: Double = 1e-9) -> Bool {
        if case .num(let x) = c { return abs(x - v) <= tol }
        return false
    }

    @Test(arguments: [(1, 12.706205), (2, 4.302653), (3, 3.182446), (5, 2.570582), (10, 2.228139),
                      (30, 2.042272), (100, 1.983972), (1000, 1.962339)])
    func studentT(df: Int, expected: Double) {
        #expect(abs(StudentT.quantile(0.975, df: df) - expected) < 5e-7)
        #expect(StudentT.t975(df: df) == StudentT.quantile(0.975, df: df))
    }

    @Test func columns() {
        let t = DistanceTravelledMetric.tables(Self.dataset, Self.ctx())
        #expect(t[0].indicators.map(\.name) == ["n", "n_children", "mean_baseline", "mean_latest", "mean_change",
            "median_change", "sd_change", "ci95_low", "ci95_high", "n_improved", "n_no_change", "n_declined",
            "pct_improved", "pct_no_change", "pct_declined"])
        #expect(t[0].indicators.map(\.dp) == [0, 0, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 1, 1, 1])
        #expect(t[1].filters.map(\.name) == ["domain", "rated_by", "baseline_band", "latest_band"])
        #expect(t[1].indicators.map(\.dp) == [0, 1])
    }

    @Test func baselineAndLatestRules() {
        let oct = ReportWindow.windows(for: Self.october)[0]
        let d = Self.day
        // Several entries: the earliest is the baseline and a later entry may be the latest.
        var o = DistanceTravelledMetric.observations([
            Self.score("E", d(2026, 10, 9), .entry, "health", 8), Self.score("E", d(2026, 10, 2), .entry, "health", 3),
            Self.score("E", d(2026, 9, 1), .review, "health", 1),
        ], in: oct)
        #expect(o == [.init(domain: "health", rater: .practitioner, baseline: 3, latest: 8)])
        // No entry: the earliest date, ties to review before exit; the latest ties to exit over review.
        o = DistanceTravelledMetric.observations([
            Self.score("E", d(2026, 9, 1), .exit, "health", 9), Self.score("E", d(2026, 9, 1), .review, "health", 2),
            Self.score("E", d(2026, 10, 3), .review, "health", 4), Self.score("E", d(2026, 10, 3), .exit, "health", 6),
        ], in: oct)
        #expect(o == [.init(domain: "health", rater: .practitioner, baseline: 2, latest: 6)])
        // Entry later than a review: still the baseline; the review before it is never the latest.
        o = DistanceTravelledMetric.observations([
            Self.score("E", d(2026, 9, 1), .review, "crime", 9), Self.score("E", d(2026, 9, 5), .entry, "crime", 4),
            Self.score("E", d(2026, 10, 1), .review, "crime", 5),
        ], in: oct)
        #expect(o == [.init(domain: "crime", rater: .practitioner, baseline: 4, latest: 5)])
        // Only same-day rows: left out. Latest before the window: left out of the month.
        o = DistanceTravelledMetric.observations([
            Self.score("E", d(2026, 10, 1), .entry, "health", 2), Self.score("E", d(2026, 10, 1), .exit, "health", 9),
            Self.score("E", d(2026, 3, 1), .entry, "housing", 2), Self.score("E", d(2026, 9, 30), .exit, "housing", 9),
        ], in: oct)
        #expect(o.isEmpty)
        // Assessments after the window end are ignored, even as the baseline's only successor.
        o = DistanceTravelledMetric.observations([
            Self.score("E", d(2026, 10, 1), .entry, "health", 2), Self.score("E", d(2026, 11, 1), .exit, "health", 9),
        ], in: oct)
        #expect(o.isEmpty)
        // Family and practitioner are separate episode-domains.
        o = DistanceTravelledMetric.observations([
            Self.score("E", d(2026, 1, 1), .entry, "health", 2, .family), Self.score("E", d(2026, 10, 1), .exit, "health", 3, .family),
            Self.score("E", d(2026, 1, 1), .entry, "health", 7), Self.score("E", d(2026, 10, 1), .exit, "health", 5),
        ], in: oct)
        #expect(o == [.init(domain: "health", rater: .family, baseline: 2, latest: 3),
                      .init(domain: "health", rater: .practitioner, baseline: 7, latest: 5)])
    }

    @Test func rowsExistAndOrder() {
        let t = DistanceTravelledMetric.tables(Self.dataset, Self.ctx())[0]
        let rm = t.rows.filter { $0.window == "Reporting month" }.map { [$0.breakdown, $0.cohort[0]] + $0.filters }
        #expect(rm == [
            ["Total", "Total", "Total", "family"], ["Total", "Total", "Total", "practitioner"],
            ["Total", "Total", "education", "practitioner"], ["Total", "Total", "health", "family"],
            ["Total", "Total", "health", "practitioner"],
            ["service", "FIT", "Total", "family"], ["service", "FIT", "Total", "practitioner"],
            ["service", "FIT", "education", "practitioner"], ["service", "FIT", "health", "family"],
            ["service", "FIT", "health", "practitioner"],
            ["service", "YIT", "Total", "practitioner"], ["service", "YIT", "health", "practitioner"],
        ])
        // Rolling adds E4's housing (latest in June): 6 Total rows + FIT 5 + LINKS 2 + YIT 2; windows outermost.
        #expect(t.rows.count == 12 + 15)
        #expect(t.rows[0..<12].allSatisfy { $0.window == "Reporting month" })
        #expect(t.rows[12..<27].allSatisfy { $0.window == "Rolling 12 months" })
        #expect(Self.row(t, "Rolling 12 months", "LINKS", ["housing", "practitioner"]) != nil)
        #expect(Self.row(t, "Reporting month", "LINKS", ["housing", "practitioner"]) == nil)
        // E5 was allocated after the window end (PRECISE.md 12): no crime rows.
        #expect(!t.rows.contains { $0.filters[0] == "crime" })
    }

    @Test func totalPractitionerFigures() throws {
        let t = DistanceTravelledMetric.tables(Self.dataset, Self.ctx())[0]
        // Changes +4 (E1 health 3→7), +3 (E1 education 2→5), 0 (E2 5→5), −2 (E3 6→4); children C1, C2.
        let c = try #require(Self.row(t, "Reporting month", "Total", ["Total", "practitioner"])).cells
        #expect(c[0] == .int(4) && c[1] == .int(2))
        #expect(Self.near(c[2], 16.0 / 4) && Self.near(c[3], 21.0 / 4))  // (3+2+5+6)/4, (7+5+5+4)/4
        #expect(Self.near(c[4], 1.25) && Self.near(c[5], 1.5))  // 5/4; median of −2,0,3,4 = (0+3)/2
        // sd² = (4·29 − 5²)/(4·3) = 91/12; ci = 1.25 ± t(3) · sd / 2 with t(0.975, 3) = 3.182446305
        let sd = (91.0 / 12).squareRoot(), half = 3.182446305 * sd / 2
        #expect(Self.near(c[6], sd) && Self.near(c[7], 1.25 - half, 1e-8) && Self.near(c[8], 1.25 + half, 1e-8))
        #expect(Array(c[9..<12]) == [.int(2), .int(1), .int(1)])
        #expect(Self.near(c[12], 50) && Self.near(c[13], 25) && Self.near(c[14], 25))
        // Rolling: +9 from E4 too; n 5, children 3, mean 14/5, median 3.
        let r = try #require(Self.row(t, "Rolling 12 months", "Total", ["Total", "practitioner"])).cells
        #expect(r[0] == .int(5) && r[1] == .int(3) && Self.near(r[4], 14.0 / 5) && Self.near(r[5], 3))
    }

    @Test func smallRowsAndNChildren() throws {
        let t = DistanceTravelledMetric.tables(Self.dataset, Self.ctx())[0]
        // One value: sd and ci are z (E3 family 4→9).
        let one = try #require(Self.row(t, "Reporting month", "Total", ["health", "family"])).cells
        #expect(one[0] == .int(1) && one[6] == .z && one[7] == .z && one[8] == .z && Self.near(one[5], 5))
        // FIT health practitioner: +4, −2 → mean 1, median 1, sd² = (2·20 − 4)/2 = 18, t(1) = 12.706205.
        let two = try #require(Self.row(t, "Reporting month", "FIT", ["health", "practitioner"])).cells
        #expect(two[1] == .int(2) && Self.near(two[5], 1) && Self.near(two[6], 18.0.squareRoot()))
        #expect(Self.near(two[8], 1 + 12.7062047 * 18.0.squareRoot() / 2.0.squareRoot(), 1e-5))
        // C1's two episodes (E1 FIT, E2 YIT) in the Total row count as one child: health practitioner
        // has E1, E2, E3 → n 3, children 2.
        let h = try #require(Self.row(t, "Reporting month", "Total", ["health", "practitioner"])).cells
        #expect(h[0] == .int(3) && h[1] == .int(2) && Self.near(h[5], 0))
    }

    @Test func suppressionRules() {
        typealias T = DistanceTravelledMetric.Totals
        func totals(_ changes: [Int: Int], children: Int) -> T {
            var t = T()
            for (c, k) in changes {
                t.changes[c + 9] = k; t.n += k; t.sumBaseline += 5 * k; t.sumLatest += (5 + c) * k
            }
            t.children = children
            return t
        }
        let s5 = Suppression(threshold: 5), s0 = Suppression(threshold: 0)
        // Rule 1: n = 1 hides everything, z (sd, ci) included.
        let single = totals([2: 1], children: 1)
        #expect(DistanceTravelledMetric.cells(single, s5) == Array(repeating: .c, count: 15))
        let open = DistanceTravelledMetric.cells(single, s0)
        #expect(open[0] == .int(1) && open[6] == .z && open[9] == .int(1))
        // n 10 from 2 children: n_children alone hidden; no change 3 (rule 2) with its pct, then rule 3
        // hides the smallest other non-zero: improved 7 (declined is 0 and stays 0).
        let a = DistanceTravelledMetric.cells(totals([1: 7, 0: 3], children: 2), s5)
        #expect(a[0] == .int(10) && a[1] == .c && a[2] != .c && a[5] != .c)
        #expect(Array(a[9..<15]) == [.c, .c, .int(0), .c, .c, .num(0)])
        // Declined 2 hidden by rule 2; rule 3's candidates improved 7 and no change 7 tie, so the
        // first in indicator order (improved) goes, with its pct.
        let b = DistanceTravelledMetric.cells(totals([1: 7, 0: 7, -1: 2], children: 16), s5)
        #expect(Array(b[9..<12]) == [.c, .int(7), .c] && b[12] == .c && b[14] == .c && b[13] != .c)
        // Two small counts: rule 3 does nothing more.
        let d = DistanceTravelledMetric.cells(totals([1: 10, 0: 3, -1: 2], children: 15), s5)
        #expect(Array(d[9..<12]) == [.int(10), .c, .c])
        // Threshold 0: nothing hidden.
        #expect(!DistanceTravelledMetric.cells(totals([1: 7, 0: 3], children: 2), s0).contains(.c))
    }

    @Test func bandsTable() throws {
        let tables = DistanceTravelledMetric.tables(Self.dataset, Self.ctx())
        let bands = tables[1]
        #expect(bands.name == "distance_travelled_bands")
        // Month: Total×family, Total×practitioner, education×practitioner, health×family, health×practitioner
        // = 5 × 25; rolling adds housing×practitioner = 6 × 25.
        #expect(bands.rows.count == 125 + 150)
        #expect(bands.rows.allSatisfy { $0.breakdown == "Total" && $0.cohort == CohortAttributes.totals })
        let month = bands.rows.filter { $0.window == "Reporting month" && $0.filters[0] == "Total" && $0.filters[1] == "practitioner" }
        #expect(month.count == 25)
        #expect(month.map { $0.filters[2] + ">" + $0.filters[3] }.prefix(6)
                == ["1-2>1-2", "1-2>3-4", "1-2>5-6", "1-2>7-8", "1-2>9-10", "3-4>1-2"])
        func cell(_ b: String, _ l: String) -> [Cell] { month.first { $0.filters[2] == b && $0.filters[3] == l }!.cells }
        // 3→7, 2→5, 5→5, 6→4: baseline 5-6 holds two (5-6 and 3-4), 3-4 one, 1-2 one, 7-8 none.
        #expect(cell("5-6", "5-6") == [.int(1), .num(50)] && cell("5-6", "3-4") == [.int(1), .num(50)])
        #expect(cell("5-6", "9-10") == [.int(0), .num(0)])
        #expect(cell("3-4", "7-8") == [.int(1), .num(100)] && cell("1-2", "5-6") == [.int(1), .num(100)])
        #expect(cell("7-8", "7-8") == [.int(0), .z])
        // Threshold 5: n 1 hides n and its pct; 0 stays 0; an empty baseline band stays z.
        let hidden = DistanceTravelledMetric.tables(Self.dataset, Self.ctx(threshold: 5))[1].rows
            .filter { $0.window == "Reporting month" && $0.filters == ["Total", "practitioner", "5-6", "5-6"] }
        #expect(hidden.first?.cells == [.c, .c])
        let zero = DistanceTravelledMetric.tables(Self.dataset, Self.ctx(threshold: 5))[1].rows
            .filter { $0.window == "Reporting month" && $0.filters[0...1] == ["Total", "practitioner"] && $0.filters[2] == "7-8" }
        #expect(zero.allSatisfy { $0.cells == [.int(0), .z] })
    }

    @Test func ageBandOrderAndThreads() {
        // Random but fixed data: threads 1 and 8 give identical tables, and age bands come in age order.
        var seed: UInt64 = 42
        func next(_ n: Int) -> Int { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Int(seed >> 33) % n }
        var eps: [Episode] = [], scores: [OutcomeScore] = []
        let domains = ["health", "crime", "education", "housing"]
        for i in 0..<400 {
            let id = "E\(i)"
            eps.append(Episode(episodeID: id, childID: "C\(next(250))", service: ["FIT", "YIT", "LINKS"][next(3)],
                               level: "EH3", allocationDate: Self.day(2025, 1, 1) + Day(next(500)),
                               birthMonth: next(5) == 0 ? nil : Month(year: 2008 + next(18), month: 1 + next(12))))
            for _ in 0..<next(8) {
                scores.append(Self.score(id, Self.day(2025, 6, 1) + Day(next(520)), Stage(rawValue: next(3))!,
                                         domains[next(4)], 1 + next(10), next(2) == 0 ? .family : .practitioner))
            }
        }
        // Keys are unique in the store: keep the last of duplicates.
        var seen = Set<String>()
        scores = scores.reversed().filter { seen.insert("\($0.episodeID)|\($0.assessmentDate)|\($0.stage)|\($0.domain)|\($0.ratedBy)").inserted }
        let data = Dataset(episodes: eps, outcomes: scores)
        let c1 = ReportContext(period: Self.october, threshold: 5, threads: 1)
        var c8 = c1; c8.threads = 8
        let a = DistanceTravelledMetric.tables(data, c1), b = DistanceTravelledMetric.tables(data, c8)
        #expect(a[0].rows == b[0].rows && a[1].rows == b[1].rows)
        #expect(a[0].rows.count > 100)
        let ages = a[0].rows.filter { $0.window == "Reporting month" && $0.breakdown == "age_band" && $0.filters == ["Total", "family"] }
            .map { $0.cohort[3] }
        #expect(ages == AgeBand.order.filter { ages.contains($0) } && ages.count >= 3)
    }
}
