import Testing
@testable import OutcomesCore

/// Hand-built fixtures for the attendance tables (METRICS.md 2, ATTENDANCE_CODES.md, PRECISE.md 10-16, 21-22, 28).
enum AttendanceFixture {
    static func d(_ y: Int, _ m: Int, _ day: Int) -> Day { Days.from(year: y, month: m, day: day) }
    static let october = Month(year: 2026, month: 10)

    static func ep(_ id: String, _ child: String, service: String = "YIT", level: String = "CIN",
                   locality: String = "Unknown", alloc: Day, close: Day? = nil, birth: Month? = nil) -> Episode {
        Episode(episodeID: id, childID: child, service: service, locality: locality, level: level,
                allocationDate: alloc, closureDate: close, birthMonth: birth)
    }

    static func pupil(_ child: String, _ s: [(Day, MarkClass)]) -> PupilAttendance {
        PupilAttendance(childID: child, sessions: s.map { (day: $0.0, cls: $0.1) })
    }

    /// Cells of the row with this window, breakdown and cohort (nil when the row is not written).
    static func row(_ t: OutputTable, _ window: String, _ breakdown: String, _ cohort: [String] = CohortAttributes.totals)
        -> [Cell]? {
        t.rows.first { $0.window == window && $0.breakdown == breakdown && $0.cohort == cohort }?.cells
    }

    static func cohort(service: String) -> [String] {
        var k = CohortAttributes.totals; k[0] = service; return k
    }
    static func cohort(level: String) -> [String] {
        var k = CohortAttributes.totals; k[2] = level; return k
    }

    /// Compares cells, numbers to 1e-9.
    static func same(_ a: [Cell]?, _ b: [Cell]) -> Bool {
        guard let a, a.count == b.count else { return false }
        for (x, y) in zip(a, b) {
            switch (x, y) {
            case let (.num(p), .num(q)): if abs(p - q) > 1e-9 { return false }
            default: if x != y { return false }
            }
        }
        return true
    }
}

@Suite struct AttendanceTests {
    typealias F = AttendanceFixture
    let rm = "Reporting month", r12 = "Rolling 12 months", ay = "Academic year to date"

    /// Four pupils, October 2026:
    /// - A: episode YIT 5–20 Oct; sessions 1 Oct present×2 (before), 5 Oct present+unauth,
    ///   6 Oct auth+present, 20 Oct X+present (closure day is open), 21 Oct unauth (after closure).
    /// - B: no episode; 2 Oct present×2; 31 Oct 2025 present (before both windows).
    /// - C: episode FIT allocated 5 Nov 2026 (after the window: left out); 3 Oct present; 6 Nov present (after).
    /// - D: episode BRIDGES 10 Oct – 1 Dec (closure after the window: open to 31 Oct); 31 Oct X only; 2 Nov present.
    static func basic() -> Dataset {
        let d = F.d
        return Dataset(episodes: [
            F.ep("E1", "A", service: "YIT", alloc: d(2026, 10, 5), close: d(2026, 10, 20)),
            F.ep("E3", "C", service: "FIT", alloc: d(2026, 11, 5)),
            F.ep("E4", "D", service: "BRIDGES", alloc: d(2026, 10, 10), close: d(2026, 12, 1)),
        ], attendance: [
            F.pupil("A", [(d(2026, 10, 1), .present), (d(2026, 10, 1), .present),
                          (d(2026, 10, 5), .present), (d(2026, 10, 5), .unauthorised),
                          (d(2026, 10, 6), .authorised), (d(2026, 10, 6), .approvedActivity),
                          (d(2026, 10, 20), .notPossible), (d(2026, 10, 20), .present),
                          (d(2026, 10, 21), .unauthorised)]),
            F.pupil("B", [(d(2026, 10, 2), .present), (d(2026, 10, 2), .present), (d(2025, 10, 31), .present)]),
            F.pupil("C", [(d(2026, 10, 3), .present), (d(2026, 11, 6), .present)]),
            F.pupil("D", [(d(2026, 10, 31), .notPossible), (d(2026, 11, 2), .present)]),
        ])
    }

    @Test func attributionIndicatorsAndRows() {
        let ctx = ReportContext(period: F.october, threshold: 0, breakdowns: [.total, Breakdown([.service])])
        let t = AttendanceMetric.tables(Self.basic(), ctx)
        #expect(t.map(\.name) == ["attendance", "attendance_impact", "attendance_trend"])
        let a = t[0]
        #expect(a.indicators.map(\.name) == ["n_pupils", "sessions_possible", "sessions_attended",
            "sessions_authorised_absence", "sessions_unauthorised_absence", "attendance_pct",
            "authorised_absence_pct", "unauthorised_absence_pct", "overall_absence_pct",
            "n_persistently_absent", "persistent_absence_pct", "n_severely_absent", "severe_absence_pct",
            "n_enrolments", "n_enrolments_persistently_absent", "enrolment_persistent_absence_pct",
            "n_enrolments_severely_absent", "enrolment_severe_absence_pct"])
        // Total: A only (D has no possible session): 5 Oct, 6 Oct, 20 Oct → attended 3, auth 1, unauth 1,
        // possible 5; 60 / 20 / 20 / 40 %; absence 2/5 ≥ 0.1 persistent; 2·2 < 5 not severe.
        let total: [Cell] = [.int(1), .int(5), .int(3), .int(1), .int(1), .num(60), .num(20), .num(20), .num(40),
                             .int(1), .num(100), .int(0), .num(0),
                             // one pupil at one school: one enrolment, persistently absent
                             .int(1), .int(1), .num(100), .int(0), .num(0)]
        // BRIDGES: one X session attributed, no possible session: the row exists, rates are z.
        let bridges: [Cell] = [.int(0), .int(0), .int(0), .int(0), .int(0), .z, .z, .z, .z, .int(0), .z, .int(0), .z,
                               .int(0), .int(0), .z, .int(0), .z]
        // all_pupils: A 8 possible (attended 5, auth 1, unauth 2; 3/8 persistent), B 2 attended,
        // C 1 attended (6 Nov ignored), D none possible → pupils 3, possible 11, attended 8, auth 1, unauth 2;
        // 800/11, 100/11, 200/11, 300/11 %; persistent 1 of 3.
        let all: [Cell] = [.int(3), .int(11), .int(8), .int(1), .int(2), .num(800.0 / 11), .num(100.0 / 11),
                           .num(200.0 / 11), .num(300.0 / 11), .int(1), .num(100.0 / 3), .int(0), .num(0),
                           .int(3), .int(1), .num(100.0 / 3), .int(0), .num(0)]
        // The academic year to date of October 2026 starts on 1 September 2026: the same sessions
        // as the reporting month here (B's 31 Oct 2025 falls before it).
        for w in [rm, r12, ay] {
            #expect(F.same(F.row(a, w, "Total"), total))
            #expect(F.same(F.row(a, w, "service", F.cohort(service: "YIT")), total))
            #expect(F.same(F.row(a, w, "service", F.cohort(service: "BRIDGES")), bridges))
            #expect(F.same(F.row(a, w, "all_pupils"), all))
        }
        // Row existence and order: window outermost; Total, services in code-point order, all_pupils;
        // FIT (allocated after the window end) has no row.
        #expect(a.rows.map { "\($0.window)|\($0.breakdown)|\($0.cohort[0])" } == [
            "\(rm)|Total|Total", "\(rm)|service|BRIDGES", "\(rm)|service|YIT", "\(rm)|all_pupils|Total",
            "\(r12)|Total|Total", "\(r12)|service|BRIDGES", "\(r12)|service|YIT", "\(r12)|all_pupils|Total",
            "\(ay)|Total|Total", "\(ay)|service|BRIDGES", "\(ay)|service|YIT", "\(ay)|all_pupils|Total"])
    }

    /// Overlapping episodes of one row count each session once; an episode closed before the
    /// window start gives no row in that window but does in the rolling one.
    @Test func overlappingEpisodesCountOnce() {
        let d = F.d
        var sessions: [(Day, MarkClass)] = (1...15).map { (d(2026, 10, $0), .present) }
        sessions.append((d(2026, 9, 30), .unauthorised))
        let data = Dataset(episodes: [
            F.ep("E1", "A", service: "YIT", level: "CP", alloc: d(2026, 10, 1), close: d(2026, 10, 10)),
            F.ep("E2", "A", service: "YIT", level: "CP", alloc: d(2026, 10, 8)),
            F.ep("E3", "A", service: "FIT", level: "CP", alloc: d(2026, 10, 9), close: d(2026, 10, 9)),
            F.ep("E0", "A", service: "YIT", level: "CIN", alloc: d(2026, 9, 1), close: d(2026, 9, 30)),
        ], attendance: [F.pupil("A", sessions)])
        let ctx = ReportContext(period: F.october, threshold: 0,
                                breakdowns: [.total, Breakdown([.service]), Breakdown([.level])])
        let a = AttendanceMetric.tables(data, ctx)[0]
        func possible(_ w: String, _ b: String, _ k: [String] = CohortAttributes.totals) -> Cell? {
            F.row(a, w, b, k)?[1]
        }
        // Reporting month: the union 1–15 Oct is 15 sessions (not 10 + 8 + 1).
        #expect(possible(rm, "Total") == .int(15))
        #expect(possible(rm, "service", F.cohort(service: "YIT")) == .int(15))
        #expect(possible(rm, "service", F.cohort(service: "FIT")) == .int(1))
        #expect(possible(rm, "level", F.cohort(level: "CP")) == .int(15))
        #expect(F.row(a, rm, "level", F.cohort(level: "CIN")) == nil)
        // Rolling: E0 adds 30 Sep (unauthorised) to Total, YIT and CIN: 16 sessions, 1 absent → 1/16 < 0.1.
        #expect(possible(r12, "Total") == .int(16))
        #expect(F.row(a, r12, "Total")?[9] == .int(0))
        #expect(possible(r12, "service", F.cohort(service: "YIT")) == .int(16))
        // CIN: one unauthorised session → absence 1/1: persistent and severe.
        #expect(F.same(F.row(a, r12, "level", F.cohort(level: "CIN")),
                       [.int(1), .int(1), .int(0), .int(0), .int(1), .num(0), .num(0), .num(100), .num(100),
                        .int(1), .num(100), .int(1), .num(100), .int(1), .int(1), .num(100), .int(1), .num(100)]))
    }

    /// Persistent (≥ 10%) and severe (≥ 50%) absence are exact at the boundary.
    @Test func persistentAndSevereBoundaries() {
        let d = F.d
        func days(_ present: Int, _ absent: Int) -> [(Day, MarkClass)] {
            (0..<present).map { (d(2026, 10, 1 + $0), .present) } + (0..<absent).map { (d(2026, 10, 20 + $0), .authorised) }
        }
        let data = Dataset(episodes: ["P", "Q", "R", "S"].map { F.ep("E\($0)", $0, alloc: d(2026, 1, 1)) },
                           attendance: [F.pupil("P", days(9, 1)),   // 1/10 = 0.10 → persistent
                                        F.pupil("Q", days(10, 1)),  // 1/11 < 0.10 → not
                                        F.pupil("R", days(1, 1)),   // 1/2 = 0.50 → persistent and severe
                                        F.pupil("S", days(2, 1))])  // 1/3 < 0.50 → persistent only
        let a = AttendanceMetric.tables(data, ReportContext(period: F.october, threshold: 0, breakdowns: [.total]))[0]
        let row = F.row(a, rm, "Total")
        // pupils 4; persistent P, R, S = 3 (75%); severe R = 1 (25%).
        #expect(row?[0] == .int(4))
        #expect(F.same(row.map { Array($0[9...12]) }, [.int(3), .num(75), .int(1), .num(25)]))
    }

    /// Six CIN/YIT pupils (one persistently absent), one FIT pupil, one LINKS pupil with only X marks.
    static func suppressionData() -> Dataset {
        let d = F.d
        var eps = (1...6).map { F.ep("E\($0)", "P\($0)", service: "YIT", alloc: d(2026, 1, 1)) }
        eps.append(F.ep("E7", "P7", service: "FIT", alloc: d(2026, 1, 1)))
        eps.append(F.ep("E8", "P8", service: "LINKS", alloc: d(2026, 1, 1)))
        var att = [F.pupil("P1", [(d(2026, 10, 1), .present), (d(2026, 10, 2), .present),
                                  (d(2026, 10, 5), .present), (d(2026, 10, 6), .unauthorised)])]
        att += (2...7).map { F.pupil("P\($0)", [(d(2026, 10, 1), .present)]) }
        att.append(F.pupil("P8", [(d(2026, 10, 1), .notPossible)]))
        return Dataset(episodes: eps, attendance: att)
    }

    @Test(arguments: [0, 5]) func suppression(threshold: Int) {
        let ctx = ReportContext(period: F.october, threshold: threshold, breakdowns: [.total, Breakdown([.service])])
        let t = AttendanceMetric.tables(Self.suppressionData(), ctx)
        let a = t[0], trend = t[2]
        let on = threshold > 0
        // YIT: 6 pupils, possible 4 + 5 = 9, attended 8, unauth 1; persistent P1 (1/4), severe none.
        let yit = F.row(a, rm, "service", F.cohort(service: "YIT"))
        let persistent: Cell = on ? .c : .int(1), persistentPct: Cell = on ? .c : .num(100.0 / 6)
        var want: [Cell] = [.int(6), .int(9), .int(8), .int(0), .int(1), .num(800.0 / 9), .num(0)]
        want += [.num(100.0 / 9), .num(100.0 / 9), persistent, persistentPct, .int(0), .num(0)]
        want += [.int(6), persistent, persistentPct, .int(0), .num(0)]  // six enrolments, rule 2 alike
        #expect(F.same(yit, want))
        // FIT: one pupil → rule 1 hides every cell at T = 5.
        let fit = F.row(a, rm, "service", F.cohort(service: "FIT"))
        var fitShown: [Cell] = [.int(1), .int(1), .int(1), .int(0), .int(0), .num(100), .num(0)]
        fitShown += [.num(0), .num(0), .int(0), .num(0), .int(0), .num(0), .int(1), .int(0), .num(0), .int(0), .num(0)]
        #expect(F.same(fit, on ? Array(repeating: Cell.c, count: 18) : fitShown))
        // LINKS: zero pupils is a true zero, not suppressed; rates z.
        #expect(F.row(a, rm, "service", F.cohort(service: "LINKS"))?[0] == .int(0))
        #expect(F.row(a, rm, "service", F.cohort(service: "LINKS"))?[5] == .z)
        // Trend, October: YIT row is not in the trend (Total and level only). Total: 7 pupils,
        // attended 9 of 10 → 90%; persistent 1 → hidden at T = 5 (PRECISE.md 16); severe 0 → 0%.
        #expect(F.same(F.row(trend, "2026-10", "Total"),
                       [.int(7), .num(90), on ? .c : .num(100.0 / 7), .num(0)]))
    }

    @Test func rowOrderAgeBandAndCombinedBreakdown() {
        let d = F.d
        let alloc = d(2026, 1, 1)
        let data = Dataset(episodes: [
            F.ep("E1", "A", service: "YIT", locality: "East", alloc: alloc, birth: Month(year: 2014, month: 1)),  // 12 → 10 to 15
            F.ep("E2", "B", service: "BRIDGES", locality: "Unknown", alloc: alloc, birth: Month(year: 2019, month: 6)),  // 6 → 5 to 9
            F.ep("E3", "C", service: "BRIDGES", locality: "East", alloc: alloc),  // Unknown age
            F.ep("E4", "D", service: "YIT", locality: "Exeter", alloc: alloc, birth: Month(year: 2025, month: 6)),  // Under 1
        ], attendance: ["A", "B", "C", "D"].map { F.pupil($0, [(d(2026, 10, 1), .present)]) })
        let ctx = ReportContext(period: F.october, threshold: 0,
                                breakdowns: [Breakdown([.ageBand]), Breakdown([.service, .locality])])
        let a = AttendanceMetric.tables(data, ctx)[0]
        let mine = a.rows.filter { $0.window == rm }.map { "\($0.breakdown):\($0.cohort.joined(separator: "/"))" }
        #expect(mine == [
            "age_band:Total/Total/Total/Under 1/Total/Total", "age_band:Total/Total/Total/5 to 9/Total/Total",
            "age_band:Total/Total/Total/10 to 15/Total/Total", "age_band:Total/Total/Total/Unknown/Total/Total",
            "service_locality:BRIDGES/East/Total/Total/Total/Total",
            "service_locality:BRIDGES/Unknown/Total/Total/Total/Total",
            "service_locality:YIT/East/Total/Total/Total/Total", "service_locality:YIT/Exeter/Total/Total/Total/Total",
            "all_pupils:Total/Total/Total/Total/Total/Total"])
    }
}
