import Foundation
import Testing
@testable import OutcomesCore

/// The `Academic year to date` window (PRECISE.md 37), the enrolment indicators (PRECISE.md 38) and
/// `attendance_benchmarks.csv` (METRICS.md 6, PRECISE.md 39), on hand-worked data.
@Suite struct AcademicYearBenchmarkTests {
    typealias F = AttendanceFixture
    static let ay = "Academic year to date"

    /// One pupil, episode open since January 2025. Sessions: 29 Aug 2025 present (before the
    /// academic year 2025/26), 1 Sep 2025 unauthorised, 2 Mar 2026 present, 3 Aug 2026 present,
    /// 1 Sep 2026 authorised, 2 Sep 2026 present.
    static func oneChild() -> Dataset {
        let d = F.d
        return Dataset(episodes: [F.ep("E1", "A", alloc: d(2025, 1, 1))], attendance: [
            F.pupil("A", [(d(2025, 8, 29), .present), (d(2025, 9, 1), .unauthorised), (d(2026, 3, 2), .present),
                          (d(2026, 8, 3), .present), (d(2026, 9, 1), .authorised), (d(2026, 9, 2), .present)]),
        ])
    }

    @Test func windowBoundsForAugustAndSeptember() {
        let aug = ReportWindow.academicYearToDate(for: Month(year: 2026, month: 8))
        #expect(aug.name == Self.ay)
        #expect(aug.start == F.d(2025, 9, 1) && aug.end == F.d(2026, 8, 31))
        let sep = ReportWindow.academicYearToDate(for: Month(year: 2026, month: 9))
        #expect(sep.start == F.d(2026, 9, 1) && sep.end == F.d(2026, 9, 30))
        let jan = ReportWindow.academicYearToDate(for: Month(year: 2027, month: 1))
        #expect(jan.start == F.d(2026, 9, 1) && jan.end == F.d(2027, 1, 31))
        #expect(ReportWindow.academicYearCode(for: Month(year: 2026, month: 8)) == "202526")
        #expect(ReportWindow.academicYearCode(for: Month(year: 2026, month: 9)) == "202627")
        #expect(ReportWindow.academicYearCode(for: Month(year: 2000, month: 1)) == "199900")
    }

    /// M = August 2026: 1 Sep 2025 to 31 Aug 2026 holds 1 Sep (unauthorised), 2 Mar and 3 Aug
    /// (present): possible 3, attended 2, unauthorised 1; 1/3 absent is persistent, not severe.
    /// The reporting month has 3 Aug only. The rolling year of August is the same span.
    @Test func augustWindowByHand() {
        let ctx = ReportContext(period: Month(year: 2026, month: 8), threshold: 0, breakdowns: [.total])
        let a = AttendanceMetric.tables(Self.oneChild(), ctx)[0]
        #expect(a.rows.map(\.window) == ["Reporting month", "Reporting month", "Rolling 12 months",
                                         "Rolling 12 months", Self.ay, Self.ay])
        let want: [Cell] = [.int(1), .int(3), .int(2), .int(0), .int(1), .num(200.0 / 3), .num(0), .num(100.0 / 3),
                            .num(100.0 / 3), .int(1), .num(100), .int(0), .num(0), .int(1), .int(1), .num(100), .int(0), .num(0)]
        #expect(F.same(F.row(a, Self.ay, "Total"), want))
        #expect(F.same(F.row(a, Self.ay, "all_pupils"), want))
        #expect(F.row(a, "Rolling 12 months", "Total") == F.row(a, Self.ay, "Total"))
        #expect(F.row(a, "Reporting month", "Total")?[1] == .int(1))
    }

    /// M = September 2026: the academic year starts again on 1 Sep 2026: 1 Sep authorised and
    /// 2 Sep present, possible 2, half absent (persistent and severe).
    @Test func septemberWindowByHand() {
        let ctx = ReportContext(period: Month(year: 2026, month: 9), threshold: 0, breakdowns: [.total])
        let a = AttendanceMetric.tables(Self.oneChild(), ctx)[0]
        let want: [Cell] = [.int(1), .int(2), .int(1), .int(1), .int(0), .num(50), .num(50), .num(0), .num(50),
                            .int(1), .num(100), .int(1), .num(100), .int(1), .int(1), .num(100), .int(1), .num(100)]
        #expect(F.same(F.row(a, Self.ay, "Total"), want))
        #expect(F.row(a, Self.ay, "Total") == F.row(a, "Reporting month", "Total"))
        // Rolling 12 months (1 Oct 2025 – 30 Sep 2026): 2 Mar, 3 Aug, 1 Sep, 2 Sep → possible 4.
        #expect(F.row(a, "Rolling 12 months", "Total")?[1] == .int(4))
    }

    /// A pupil at two schools in October 2026, one session a day at each on 1–10 October: school S1
    /// unauthorised on the 1st, present after; S2 present throughout. Episodes: E1 CIN 1–5 Oct,
    /// E2 CP from 4 Oct (overlapping, so the Total row merges their days).
    /// - Total: 20 possible, 1 absent (5%): the pupil is not persistently absent; as enrolments,
    ///   S1 has 1 of 10 absent (10%: persistent), S2 none: 2 enrolments, 1 persistent.
    /// - CIN (1–5 Oct): 10 possible, 1 absent (10%): the pupil is persistent; S1 1 of 5 (20%),
    ///   S2 none: 2 enrolments, 1 persistent.
    /// - CP (4–10 Oct): 14 possible, none absent: 2 enrolments, none persistent.
    static func twoSchools() -> Dataset {
        let d = F.d
        var s: [(school: String, day: Day, cls: MarkClass)] = []
        for day in 1...10 {
            s.append(("S1", d(2026, 10, day), day == 1 ? .unauthorised : .present))
            s.append(("S2", d(2026, 10, day), .present))
        }
        return Dataset(episodes: [
            F.ep("E1", "A", level: "CIN", alloc: d(2026, 10, 1), close: d(2026, 10, 5)),
            F.ep("E2", "A", level: "CP", alloc: d(2026, 10, 4)),
        ], attendance: [PupilAttendance(childID: "A", schoolSessions: s)])
    }

    @Test func enrolmentAtTwoSchools() {
        let ctx = ReportContext(period: F.october, threshold: 0, breakdowns: [.total, Breakdown([.level])])
        let a = AttendanceMetric.tables(Self.twoSchools(), ctx)[0]
        let rm = "Reporting month"
        #expect(F.same(F.row(a, rm, "Total"),
                       [.int(1), .int(20), .int(19), .int(0), .int(1), .num(95), .num(0), .num(5), .num(5),
                        .int(0), .num(0), .int(0), .num(0), .int(2), .int(1), .num(50), .int(0), .num(0)]))
        #expect(F.same(F.row(a, rm, "level", F.cohort(level: "CIN")),
                       [.int(1), .int(10), .int(9), .int(0), .int(1), .num(90), .num(0), .num(10), .num(10),
                        .int(1), .num(100), .int(0), .num(0), .int(2), .int(1), .num(50), .int(0), .num(0)]))
        #expect(F.same(F.row(a, rm, "level", F.cohort(level: "CP")).map { Array($0[13...]) },
                       [.int(2), .int(0), .num(0), .int(0), .num(0)]))
        // all_pupils counts the same two enrolments.
        #expect(F.row(a, rm, "all_pupils")?[13] == .int(2))
        #expect(F.row(a, rm, "all_pupils")?[14] == .int(1))
    }

    /// The store keeps each school's sessions apart for the enrolments (PRECISE.md 38): C1 has
    /// sessions at school 100 (5 Jan present and unauthorised, 2 Feb present), at no school (empty
    /// URN, 5 Jan present) and at 200 (3 Feb unauthorised, code O); C2 one late (present) at 100.
    /// Rolling year to February 2026, all pupils: C1 has 5 possible, 2 absent (40%: persistent,
    /// not severe); as enrolments "" 0 of 1, 100 1 of 3 (persistent), 200 1 of 1 (persistent and
    /// severe); C2 one enrolment, present. So 2 pupils, 1 persistent; 4 enrolments, 2 persistent, 1 severe.
    @Test func storeReadsEachSchoolAsAnEnrolment() throws {
        let t = TempDir()
        t.write("in/episodes.csv", "episode_id,child_id,service,locality,level,allocation_date,closure_date,gender\nE1,C1,YIT,North,CIN,2026-01-01,,F\n")
        t.write("in/attendance.csv", """
            child_id,school_urn,date,session,mark
            C1,100,2026-01-05,AM,/
            C1,100,2026-01-05,PM,O
            C1,,2026-01-05,AM,/
            C1,100,2026-02-02,AM,/
            C1,200,2026-02-03,AM,O
            C2,100,2026-01-31,PM,L

            """)
        let store = try Store(path: t.file("s.db"))
        let r = try Loader(store: store, maxRejectPct: 0).load(folder: t.file("in"))
        #expect(r.rejects.isEmpty)
        let data = try store.dataset(threads: 2)
        let c1 = try #require(data.attendance.first { $0.childID == "C1" })
        #expect(c1.schools.count == 3)
        #expect(c1.schools.map { $0.totals(from: F.d(2026, 1, 1), through: F.d(2026, 2, 28)).possible } == [1, 3, 1])
        let all = c1.totals(from: F.d(2026, 1, 1), through: F.d(2026, 2, 28))
        #expect(all == SessionTotals(attended: 3, authorised: 0, unauthorised: 2, notPossible: 0))
        #expect(data.attendance.first { $0.childID == "C2" }?.schools.isEmpty == true)
        let ctx = ReportContext(period: Month(year: 2026, month: 2), threshold: 0, breakdowns: [.total])
        let a = AttendanceMetric.tables(data, ctx)[0]
        let row = try #require(F.row(a, "Rolling 12 months", "all_pupils"))
        #expect(row[0] == .int(2) && row[9] == .int(1) && row[11] == .int(0))
        #expect(F.same(Array(row[13...]), [.int(4), .int(2), .num(50), .int(1), .num(25)]))
        // The cohort row (C1's episode): C1's three enrolments.
        #expect(F.same(F.row(a, "Rolling 12 months", "Total").map { Array($0[13...15]) }, [.int(3), .int(2), .num(200.0 / 3)]))
    }

    /// Rule 2 on the enrolment counts: at T = 5 the one persistently absent enrolment hides with
    /// its rate (the pupils' counts are judged on their own), T = 0 shows it.
    @Test func enrolmentCountsAreSuppressedLikeTheOtherCounts() {
        let d = F.d
        var eps: [Episode] = [], att: [PupilAttendance] = []
        for i in 1...6 {
            eps.append(F.ep("E\(i)", "P\(i)", alloc: d(2026, 1, 1)))
            att.append(F.pupil("P\(i)", (1...10).map { (d(2026, 10, $0), i == 1 && $0 == 1 ? .unauthorised : .present) }))
        }
        let ctx = ReportContext(period: F.october, threshold: 5, breakdowns: [.total])
        let a = AttendanceMetric.tables(Dataset(episodes: eps, attendance: att), ctx)[0]
        let row = F.row(a, "Reporting month", "Total")!
        #expect(Array(row[13...]) == [.int(6), .c, .c, .int(0), .num(0)])
    }

    // MARK: - Benchmarks

    static let header = "time_period,time_identifier,geographic_level,region_code,new_la_code,la_name,education_phase,possible_sessions,overall_attendance,overall_absence,authorised_absence,unauthorised_absence,attendance_perc,overall_absence_perc,authorised_absence_perc,unauthorised_absence_perc,pa_perc,enrolments\n"

    /// England and the South West for 2025/26, two of three neighbours, Devon only as a primary
    /// phase row (so Devon's Total row is missing), one 2024/25 row and a termly row (ignored).
    static func benchmarkFolder(_ t: TempDir) -> String {
        t.write("bench/ytd.csv", header + """
            202526,Academic year,National,,,,Total,1000,930,70,50,20,93,7,5,2,18,1
            202526,Academic year,Regional,E12000009,,,Total,800,740,60,40,20,92.5,7.5,5,2.5,19.25,1
            202526,Academic year,Local authority,E12000009,E10000008,Devon,Primary,100,95,5,3,2,95,5,3,2,10,1
            202526,Academic year,Local authority,E12000009,E06000026,Plymouth,Total,200,180,20,12,8,90,10,6,4,20,1
            202526,Academic year,Local authority,E12000009,E10000027,Somerset,Total,300,280,20,12,8,93.3333,6.6667,4,2.6667,15,1
            202425,Academic year,Local authority,E12000009,E10000008,Devon,Total,100,90,10,5,5,90,10,5,5,20,1
            202526,Spring term,National,,,,Total,1,1,0,0,0,100,0,0,0,0,1

            """)
        t.write("bench/notes.csv", "a,b\n1,2\n")
        return t.file("bench")
    }

    @Test func publishedFilesAreReadAndTheYearChosen() {
        let t = TempDir()
        let p = PublishedAttendance.load(folder: Self.benchmarkFolder(t))
        #expect(p.rows.count == 5)  // the termly row is left out, the Primary row too
        #expect(p.warnings.count == 1 && p.warnings[0].contains("notes.csv") && p.warnings[0].contains("pa_perc"))
        #expect(p.year(for: Month(year: 2026, month: 3)) == "202526")
        #expect(p.year(for: Month(year: 2026, month: 10)) == "202526")  // 202627 missing: the latest earlier
        #expect(p.year(for: Month(year: 2025, month: 8)) == "202425")
        #expect(p.year(for: Month(year: 2024, month: 8)) == nil)
        #expect(PublishedAttendance.load(folder: t.file("none")).warnings == ["benchmarks folder \(t.file("none")) not found"])
    }

    /// The table for October 2026 (academic year 202627, not in the file: falls back to 202526).
    @Test func benchmarkTableWithMissingGeographyAndNeighbours() throws {
        let t = TempDir()
        let published = PublishedAttendance.load(folder: Self.benchmarkFolder(t))
        let ctx = ReportContext(period: F.october, threshold: 0, breakdowns: [.total, Breakdown([.level])])
        let attendance = AttendanceMetric.tables(Self.twoSchools(), ctx)[0]
        let r = AttendanceBenchmarks.table(attendance: attendance, published: published, ctx: ctx,
                                           neighbours: ["E06000026", "E10000027", "E06000052"])
        let b = try #require(r.table)
        #expect(r.warning == nil)
        #expect(b.rows.map { $0.filters } == [
            ["Children we work with", "extracts"], ["CIN", "extracts"], ["CP", "extracts"],
            ["All pupils in the extracts", "extracts"], ["Devon (published)", "published 202526"],
            ["South West (published)", "published 202526"], ["England (published)", "published 202526"],
            ["Statistical neighbours (published)", "published 202526"]])
        // Ours: academic year to date of October 2026 = 1 Sep – 31 Oct: the October sessions above.
        // Total 95% attended, 0 / 5 / 5% absence, enrolment persistent absence 50%; gap 95 − 93.
        #expect(F.same(b.rows[0].cells, [.num(95), .num(0), .num(5), .num(5), .num(50), .num(2), .z]))
        #expect(F.same(b.rows[1].cells, [.num(90), .num(0), .num(10), .num(10), .num(50), .num(-3), .z]))
        // Devon has no Total row for 202526 (its 202425 row is another year): x throughout.
        #expect(b.rows[4].cells == [.x, .x, .x, .x, .x, .x, .z])
        #expect(F.same(b.rows[5].cells, [.num(92.5), .num(5), .num(2.5), .num(7.5), .num(19.25), .num(-0.5), .z]))
        #expect(F.same(b.rows[6].cells, [.num(93), .num(5), .num(2), .num(7), .num(18), .z, .z]))
        // Neighbours: Plymouth and Somerset found (Cornwall is not in the file): sessions 500,
        // attended 460 (92%), authorised 24 (4.8%), unauthorised 16 (3.2%), absence 40 (8%);
        // persistent absence the mean of 20 and 15; gap 92 − 93.
        #expect(F.same(b.rows[7].cells, [.num(92), .num(4.8), .num(3.2), .num(8), .num(17.5), .num(-1), .int(2)]))
        let w = TableWriter(period: F.october, geography: ctx.geography)
        let csv = w.csv(b).split(separator: "\n")
        #expect(csv[0] == "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,new_la_code,old_la_code,la_name,group,source,attendance_pct,authorised_absence_pct,unauthorised_absence_pct,overall_absence_pct,persistent_absence_pct,gap_to_england_pp,n_neighbours_found")
        #expect(csv[8] == "2026,October,Local authority,E92000001,England,E12000009,South West,E10000008,878,Devon,Statistical neighbours (published),published 202526,92.0,4.8,3.2,8.0,17.5,-1.0,2")
        #expect(csv[5] == "2026,October,Local authority,E92000001,England,E12000009,South West,E10000008,878,Devon,Devon (published),published 202526,x,x,x,x,x,x,z")
        // The check beside it needs the council's figure for the academic year of the period itself.
        #expect(AttendanceBenchmarks.extractVsPublished(attendance: attendance, published: published, ctx: ctx) == nil)
    }

    /// Our rows follow attendance.csv's suppression; a period with no published year gives no table.
    @Test func suppressedRowsAndNoUsableYear() throws {
        let t = TempDir()
        let published = PublishedAttendance.load(folder: Self.benchmarkFolder(t))
        let ctx = ReportContext(period: F.october, threshold: 5, breakdowns: [.total, Breakdown([.level])])
        let attendance = AttendanceMetric.tables(Self.twoSchools(), ctx)[0]
        let b = try #require(AttendanceBenchmarks.table(attendance: attendance, published: published, ctx: ctx, neighbours: []).table)
        #expect(b.rows[0].cells == [.c, .c, .c, .c, .c, .c, .z])
        #expect(!b.rows.contains { $0.filters[0].hasPrefix("Statistical") })
        let early = ReportContext(period: Month(year: 2024, month: 6), threshold: 5, breakdowns: [.total])
        let none = AttendanceBenchmarks.table(attendance: attendance, published: published, ctx: early, neighbours: [])
        #expect(none.table == nil)
        #expect(none.warning?.contains("202324") == true)
    }

    /// `extract_vs_published_pp`: our all-pupils academic-year rate against Devon's published one
    /// for the same year (February 2026, academic year 202526).
    @Test func extractVersusPublishedCheck() throws {
        let t = TempDir()
        t.write("b/f.csv", Self.header + "202526,Academic year,Local authority,E12000009,E10000008,Devon,Total,100,92.5,7.5,5,2.5,92.5,7.5,5,2.5,19,1\n")
        let published = PublishedAttendance.load(folder: t.file("b"))
        let d = F.d
        // Ten sessions in February 2026, one unauthorised: 90% against 92.5% → −2.5 pp, over 2.
        let data = Dataset(episodes: [], attendance: [F.pupil("A", (1...10).map { (d(2026, 2, $0), $0 == 3 ? .unauthorised : .present) })])
        let ctx = ReportContext(period: Month(year: 2026, month: 2), threshold: 0, breakdowns: [.total])
        let attendance = AttendanceMetric.tables(data, ctx)[0]
        let f = try #require(AttendanceBenchmarks.extractVsPublished(attendance: attendance, published: published, ctx: ctx))
        #expect(f.attended == 9 && f.possible == 10 && f.published == 92.5)
        let line = try #require(DataQuality.extractVsPublishedLine(f, thresholds: DataQuality.defaultThresholds))
        #expect(line.failed)
        #expect(line.line.hasSuffix(",9,10,-2.5,2.0,fail\n"))
        var loose = DataQuality.defaultThresholds
        loose["extract_vs_published_pp"] = 3
        #expect(DataQuality.extractVsPublishedLine(f, thresholds: loose)?.failed == false)
    }

    @Test func statisticalNeighboursAreValidated() throws {
        #expect(try OutcomesConfig.parse("statistical_neighbours: [E06000026, E10000027]").statisticalNeighbours
                == ["E06000026", "E10000027"])
        for bad in ["statistical_neighbours: E06000026", "statistical_neighbours: [Plymouth]",
                    "statistical_neighbours: [E0600002]", "statistical_neighbours: [E06000026, E06000026]"] {
            let e = #expect(throws: ConfigError.self) { try OutcomesConfig.parse(bad) }
            guard case .badValue(let k, _)? = e else { Issue.record("\(bad): \(String(describing: e))"); continue }
            #expect(k == "statistical_neighbours")
        }
    }
}
