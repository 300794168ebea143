import Foundation
import Testing
@testable import OutcomesCore

/// The golden run's `attendance_impact.csv` holds real rows, and they agree with figures worked out
/// by hand from the fixture extracts (docs/METRICS.md 2), so the whole-run golden test checks the
/// impact metric rather than a header.
///
/// The fixture's episodes EP100081-EP100088 were added for this: children with attendance from
/// November 2025, allocated February to April 2026 (so the 90 days before allocation hold sessions)
/// and closed July to October 2026. Their rates, attended ÷ possible sessions, counted by a plain
/// Python script over `attendance.csv.gz` independently of the Swift code:
///
/// | episode | before | during | change |
/// |---|---|---|---|
/// | EP100081 | 92/108 = 85.1852 | 180/196 = 91.8367 | +6.6515 |
/// | EP100082 | 77/108 = 71.2963 | 192/222 = 86.4865 | +15.1902 |
/// | EP100083 | 92/108 = 85.1852 | 148/154 = 96.1039 | +10.9187 |
/// | EP100084 | 87/96 = 90.6250 | 203/226 = 89.8230 | -0.8020 |
/// | EP100085 | 82/98 = 83.6735 | 120/160 = 75.0000 | -8.6735 |
/// | EP100086 | 88/96 = 91.6667 | 170/216 = 78.7037 | -12.9630 |
/// | EP100087 | 78/96 = 81.2500 | 112/176 = 63.6364 | -17.6136 |
/// | EP100088 | 72/96 = 75.0000 | 117/146 = 80.1370 | +5.1370 |
///
/// Rolling 12 months, Total: 8 episodes; mean before 663.8819/8 = 82.985 → 82.99; mean during
/// 661.7272/8 = 82.716 → 82.72; mean change -0.2693 → -0.27; 4 improved (EP100081, 82, 83, 88), 50.0%.
///
/// At the golden threshold (T = 5) the disclosure stage hides every impact row (docs/DISCLOSURE.md,
/// rule 4): gender splits the 8 episodes 4 + 4, both hidden by rule 1, so the set has no other
/// shown count and its parent, the Total, is hidden; then FIT (2) is hidden in the service set and
/// YIT (6) with it, North (6) with South (2), and so on. So the hand-worked figures are checked on a
/// whole run with suppression off (`--suppress-max 0` gives, by service, FIT 2 and YIT 6).
@Suite struct GoldenImpactTests {
    static let golden = GoldenRunTests.fixtures.appendingPathComponent("expected/attendance_impact.csv").path

    static func rows(_ text: String) -> [[String: String]] {
        let lines = text.split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { l in
            Dictionary(uniqueKeysWithValues: zip(header, l.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    @Test func wholeRunWithoutSuppressionGivesTheHandWorkedFigures() throws {
        let t = TempDir()
        let (status, folder) = GoldenRunTests.run(t, threads: 2, suppressMax: 0)
        #expect(status == .success)
        let rows = Self.rows(try String(contentsOfFile: folder + "/attendance_impact.csv", encoding: .utf8))
        #expect(rows.count >= 3, "attendance_impact.csv has \(rows.count) rows")
        let total = try #require(rows.first { $0["window"] == "Rolling 12 months" && $0["breakdown"] == "Total" })
        #expect(total["n_episodes"] == "8")
        #expect(total["mean_before_pct"] == "82.99")
        #expect(total["mean_during_pct"] == "82.72")
        #expect(total["mean_change_pp"] == "-0.27")
        #expect(total["n_improved"] == "4" && total["pct_improved"] == "50.0")
        let fit = try #require(rows.first { $0["window"] == "Rolling 12 months" && $0["service"] == "FIT" && $0["breakdown"] == "service" })
        #expect(fit["n_episodes"] == "2")
    }

    @Test func goldenThresholdHidesTheSmallGroupsAndTheTotalThatWouldGiveThemAway() throws {
        let rows = Self.rows(try String(contentsOfFile: Self.golden, encoding: .utf8))
        let total = try #require(rows.first { $0["window"] == "Rolling 12 months" && $0["breakdown"] == "Total" })
        let fit = try #require(rows.first { $0["window"] == "Rolling 12 months" && $0["service"] == "FIT" && $0["breakdown"] == "service" })
        #expect(fit["n_episodes"] == "c")
        #expect(total["n_episodes"] == "c")
    }

    /// The same figures straight from the metric, on the store the golden run builds.
    @Test func impactOnTheFixtureStoreMatchesTheHandWorkedFigures() throws {
        let t = TempDir()
        let (status, folder) = GoldenRunTests.run(t, threads: 2)
        #expect(status == .success)
        let text = try String(contentsOfFile: folder + "/attendance_impact.csv", encoding: .utf8)
        #expect(text == (try String(contentsOfFile: Self.golden, encoding: .utf8)))
        // With suppression off, the improved count shows: EP100081, 82, 83 and 88 improved.
        let store = try Store(path: t.file("store.db"), readOnly: true)
        let period = Month(year: 2026, month: 10)
        let ctx = ReportContext(period: period, threshold: 0, threads: 1)
        let data = try store.dataset(threads: 1, attendanceFrom: { Pipeline.attendanceFrom($0, ctx) })
        let impact = try #require(AttendanceMetric.tables(data, ctx).first { $0.name == "attendance_impact" })
        let csv = TableWriter(period: period, geography: ctx.geography).csv(impact)
        let line = try #require(csv.split(separator: "\n").first { $0.contains("Rolling 12 months,Total,") })
        #expect(line.hasSuffix(",8,82.99,82.72,-0.27,4,50.0"), "\(line)")
    }
}
