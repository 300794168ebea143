import Testing
@testable import OutcomesCore

private func d(_ s: String) -> Day { Days.parseISO(s)! }

private func ep(_ id: String, _ service: String, referral: String? = nil, alloc: String,
                closure: String? = nil) -> Episode {
    Episode(episodeID: id, childID: "c" + id, service: service, level: "EH3", referralDate: referral.map(d),
            allocationDate: d(alloc), closureDate: closure.map(d))
}

private func ctx(_ t: Int, threads: Int = 2) -> ReportContext {
    ReportContext(period: Month(year: 2026, month: 4), threshold: t, threads: threads)
}

/// The cells of one row (empty when there is none); typed so literals compare quickly.
private func row(_ t: OutputTable, _ month: String, _ service: String) -> [Cell] {
    t.rows.first { $0.window == month && $0.cohort[0] == service }?.cells ?? []
}
private let third = 700.0 / 3

@Suite struct ActivityTests {
    static let data = Dataset(episodes: [
        // YIT: referred March 2025, allocated 2 April 2025, closed on the last day of April 2026
        // (so still open at April 2026's end).
        ep("E1", "YIT", referral: "2025-03-20", alloc: "2025-04-02", closure: "2026-04-30"),
        // YIT: no referral date, so allocation month April 2026 is its referral month too.
        ep("E2", "YIT", alloc: "2026-04-10"),
        // PAR: referred April 2026, allocated after M: a referral in April (PRECISE.md 24), and
        // enough to give PAR its rows (PRECISE.md 10).
        ep("E3", "PAR", referral: "2026-04-05", alloc: "2026-05-03"),
        // FIT: referred before any month computed, allocated April 2024, closed 15 April 2025.
        ep("E4", "FIT", referral: "2023-04-10", alloc: "2024-04-15", closure: "2025-04-15"),
        // SPR: referred and allocated after M: no rows.
        ep("E5", "SPR", referral: "2026-05-02", alloc: "2026-05-10"),
    ])

    @Test func rowsAndOrder() {
        let t = ActivityMetric.table(Self.data, ctx(0))
        #expect(t.name == "activity_trend")
        #expect(t.windowColumn == "month")
        #expect(t.indicators.map(\.name) == [
            "referrals", "allocations", "closures", "open_at_month_end",
            "referrals_yoy_pct", "allocations_yoy_pct", "closures_yoy_pct", "open_at_month_end_yoy_pct",
        ])
        // 24 months (May 2024 … April 2026), month outermost, then Total, FIT, PAR, YIT.
        #expect(t.rows.count == 24 * 4)
        #expect(t.rows.first?.window == "2024-05")
        #expect(t.rows.last?.window == "2026-04")
        #expect(t.rows.prefix(4).map(\.cohort[0]) == ["Total", "FIT", "PAR", "YIT"])
        #expect(t.rows.prefix(4).map(\.breakdown) == ["Total", "service", "service", "service"])
        #expect(t.rows.allSatisfy { Array($0.cohort[1...]) == Array(repeating: "Total", count: 5) })
        let months = stride(from: 0, to: t.rows.count, by: 4).map { t.rows[$0].window }
        #expect(months == (0..<24).map { Month(year: 2024, month: 5).adding($0).text })
    }

    @Test func countsAndYearOnYear() {
        let t = ActivityMetric.table(Self.data, ctx(0))
        // April 2026, Total: referrals E2, E3 = 2; allocations E2 = 1; closures E1 = 1;
        // open at 30 April: E1 (closed that day), E2 = 2.
        // April 2025: referrals 0 (E1 was referred in March); allocations E1 = 1; closures E4 = 1;
        // open at 30 April 2025: E1 = 1 (E4 closed on the 15th).
        // Changes: referrals against 0 → z; allocations (1−1)/1 = 0 %; closures 0 %; open (2−1)/1 = 100 %.
        #expect(row(t, "2026-04", "Total") == [.int(2), .int(1), .int(1), .int(2), .z, .num(0), .num(0), .num(100)])
        #expect(row(t, "2026-04", "PAR") == [.int(1), .int(0), .int(0), .int(0), .z, .z, .z, .z])
        // YIT, April 2025: allocations 1 (E1), closures 0, open 1 (E1).
        #expect(row(t, "2026-04", "YIT") == [.int(1), .int(1), .int(1), .int(2), .z, .num(0), .z, .num(100)])
        // April 2025 against April 2024 (before the 24 months shown, computed from the data):
        // allocations 1 vs 1 (E4) → 0 %; closures 1 vs 0 → z; open 1 vs 1 (E4) → 0 %.
        #expect(row(t, "2025-04", "Total") == [.int(0), .int(1), .int(1), .int(1), .z, .num(0), .z, .num(0)])
        // FIT in April 2025: E4 closed, not open at the end; against April 2024: allocation 1 → 0 is −100 %.
        #expect(row(t, "2025-04", "FIT") == [.int(0), .int(0), .int(1), .int(0), .z, .num(-100), .z, .num(-100)])
        // March 2025: E1's referral; a year before nothing → z.
        #expect(row(t, "2025-03", "YIT") == [.int(1), .int(0), .int(0), .int(0), .z, .z, .z, .z])
        // The first month shown, May 2024: E4 open; May 2023 holds no data → z.
        #expect(row(t, "2024-05", "Total") == [.int(0), .int(0), .int(0), .int(1), .z, .z, .z, .z])
        // PAR has all 24 months, zeros included.
        #expect(row(t, "2024-05", "PAR") == [.int(0), .int(0), .int(0), .int(0), .z, .z, .z, .z])
        #expect(t.rows.allSatisfy { $0.cohort[0] != "SPR" })
    }

    @Test func smallCountsAndTheirChangesAreSuppressed() {
        let t = ActivityMetric.table(Self.data, ctx(5))
        // Counts 1..5 are c; a change from them is c; a change against 0 stays z; true zeros show 0.
        #expect(row(t, "2026-04", "Total") == [.c, .c, .c, .c, .z, .c, .c, .c])
        #expect(row(t, "2025-04", "FIT") == [.int(0), .int(0), .c, .int(0), .z, .c, .z, .c])
    }

    @Test func changeIsHiddenWhenEitherMonthIsSmall() {
        // Service A: 10 allocations in April 2026, 3 in April 2025 → allocations shown, change c.
        // Service B: 3 in April 2026, 10 in April 2025 → both c.
        // Service C: 10 and 8 → (10−8)/8 = 25 %.
        // Service D: 0 and 8 → 0 shown, −100 % shown. Service E: 0 and 3 → 0 shown, change c.
        var eps: [Episode] = []
        func add(_ s: String, _ n: Int, _ alloc: String) {
            for i in 0..<n { eps.append(ep("\(s)\(alloc)\(i)", s, alloc: alloc, closure: alloc)) }
        }
        for (s, now, before) in [("A", 10, 3), ("B", 3, 10), ("C", 10, 8), ("D", 0, 8), ("E", 0, 3)] {
            add(s, now, "2026-04-10"); add(s, before, "2025-04-10")
        }
        let data = Dataset(episodes: eps)
        let t = ActivityMetric.table(data, ctx(5))
        // Indicator 1 is allocations, 5 its change. Each episode is referred (no referral date),
        // allocated and closed the same day, so referrals and closures match and none is open.
        #expect(row(t, "2026-04", "A") == [.int(10), .int(10), .int(10), .int(0), .c, .c, .c, .z])
        #expect(row(t, "2026-04", "B") == [.c, .c, .c, .int(0), .c, .c, .c, .z])
        #expect(row(t, "2026-04", "C") == [.int(10), .int(10), .int(10), .int(0), .num(25), .num(25), .num(25), .z])
        #expect(row(t, "2026-04", "D") == [.int(0), .int(0), .int(0), .int(0), .num(-100), .num(-100), .num(-100), .z])
        #expect(row(t, "2026-04", "E") == [.int(0), .int(0), .int(0), .int(0), .c, .c, .c, .z])
        // Threshold 0 turns suppression off.
        let off = ActivityMetric.table(data, ctx(0))
        let a: [Cell] = [.int(10), .int(10), .int(10), .int(0), .num(third), .num(third), .num(third), .z]
        #expect(row(off, "2026-04", "A") == a)
        #expect(row(off, "2026-04", "B") == [.int(3), .int(3), .int(3), .int(0), .num(-70), .num(-70), .num(-70), .z])
        // Total: 23 now vs 32 before → (23−32)/32 = −28.125 %.
        #expect(row(t, "2026-04", "Total")[1] == .int(23))
        #expect(row(t, "2026-04", "Total")[5] == .num(-900.0 / 32))
    }

    @Test func emptyDataStillHasTotalRows() {
        let t = ActivityMetric.table(Dataset(episodes: []), ctx(5))
        #expect(t.rows.count == 24)
        #expect(t.rows.allSatisfy { $0.cells == [.int(0), .int(0), .int(0), .int(0), .z, .z, .z, .z] })
    }

    @Test func threadsDoNotChangeTheTable() {
        var seed: UInt64 = 7
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        let base = d("2023-01-01")
        let eps = (0..<900).map { i -> Episode in
            let alloc = base + Day(next(1300))
            return Episode(episodeID: "E\(i)", childID: "C\(i)", service: ["YIT", "FIT", "EHS", "PAR"][next(4)],
                           level: "EH3", referralDate: next(3) == 0 ? nil : alloc - Day(next(60)),
                           allocationDate: alloc, closureDate: next(2) == 0 ? nil : alloc + Day(next(400)))
        }
        let data = Dataset(episodes: eps)
        let one = ActivityMetric.table(data, ctx(5, threads: 1))
        let eight = ActivityMetric.table(data, ctx(5, threads: 8))
        #expect(one.rows.count == 24 * 5)
        #expect(one.rows == eight.rows)
    }
}
