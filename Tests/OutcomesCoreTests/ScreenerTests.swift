import Foundation
import Testing
@testable import OutcomesCore

/// Every table of the golden run screened with the port of the DfE's open-data screener
/// (`Support/Screener.swift`): no failure and no warning (OUTPUTS.md "Output tables").
@Suite struct ScreenerTests {
    static let expected = GoldenRunTests.fixtures.appendingPathComponent("expected").path
    static let dfeFile = GoldenRunTests.fixtures.deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("benchmarks/pupil_attendance_ytd_202526.csv").path

    static func frame(_ path: String) throws -> Screener.Frame {
        try Screener.Frame(csv: String(contentsOfFile: path, encoding: .utf8))
    }

    static func screen(_ folder: String, _ name: String, meta: String? = nil) throws -> [Screener.Outcome] {
        let data = try frame((folder as NSString).appendingPathComponent(name + ".csv"))
        let m = try meta.map { try Screener.Frame(csv: $0) } ?? frame((folder as NSString).appendingPathComponent(name + ".meta.csv"))
        return Screener.screen(dataName: name + ".csv", data: data, metaName: name + ".meta.csv", meta: m,
                               lookup: try Screener.Lookup(dfeFile: dfeFile))
    }

    /// The publishable tables: every data file of the period folder with a meta file.
    static let tables = ["activity_trend", "attendance", "attendance_benchmarks", "attendance_impact", "attendance_trend",
                         "distance_travelled", "distance_travelled_bands", "feedback", "feedback_response_rate", "timeliness"]

    @Test func everyGoldenTableHasAMetaFile() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.expected)
        let metas = files.filter { $0.hasSuffix(".meta.csv") }.map { String($0.dropLast(9)) }.sorted()
        #expect(metas == Self.tables)
    }

    /// Every table of the golden run, `attendance_impact.csv` included: the fixture's episodes
    /// EP100081-88 give it real rows (GoldenImpactTests).
    @Test(arguments: tables) func goldenTablePassesTheScreener(_ name: String) throws {
        let results = try Self.screen(Self.expected, name)
        #expect(results.count > 60)
        let problems = results.filter { $0.level != .pass }
        #expect(problems.isEmpty, "\(name): \(problems)")
    }

    /// A whole run on the shipped sample (`data/`), every table screened, so a table with rows is
    /// screened even where the golden fixture has none.
    @Test func sampleRunPassesTheScreener() throws {
        let t = TempDir()
        let root = GoldenRunTests.fixtures.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        var o = RunOptions()
        o.extracts = root.appendingPathComponent("data").path
        o.benchmarks = root.appendingPathComponent("benchmarks").path
        o.db = t.file("store.db")
        o.out = t.file("out")
        o.queries = nil
        o.period = Month(year: 2026, month: 10)
        o.summary = false
        #expect(Pipeline(options: o, console: Console(verbosity: .quiet, isTerminal: false)).run() == .success)
        let folder = t.file("out/2026-10")
        for name in Self.tables {
            let results = try Self.screen(folder, name)
            let problems = results.filter { $0.level != .pass }
            #expect(problems.isEmpty, "\(name): \(problems)")
        }
    }

    /// The checks can fail: the layout the tool wrote before (every cohort filter grouped under
    /// `breakdown`, a default of `Total` on a filter without one) fails `meta_fil_grp_dupe` and
    /// `filter_group_level` and warns on `filter_defaults`, as the real screener reported.
    @Test func theOldLayoutFails() throws {
        let path = (Self.expected as NSString).appendingPathComponent("attendance.meta.csv")
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        for (i, l) in lines.enumerated() {
            var f = l.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if ["service", "locality", "level"].contains(f[0]) { f[7] = "breakdown" }
            if f[0] == "window" { f[8] = "Total" }
            lines[i] = f.joined(separator: ",")
        }
        let results = try Self.screen(Self.expected, "attendance", meta: lines.joined(separator: "\n") + "\n")
        let failed = Set(results.filter { $0.level == .fail }.map(\.check))
        #expect(failed == ["meta_fil_grp_dupe", "filter_group_level"])
        #expect(results.contains { $0.check == "filter_defaults" && $0.level == .warning })
    }

    /// Singular filters, symbols, time and geography columns are caught too.
    @Test func otherFaultsAreCaught() throws {
        let t = TempDir()
        let meta = """
            col_name,col_type,label,indicator_grouping,indicator_unit,indicator_dp,filter_hint,filter_grouping_column,filter_default
            window,Filter,Window,,,,,,
            n,Indicator,Count,,,0,,,
            rate_pct,Indicator,Rate,,%,1,,,

            """
        t.write("bad.csv", """
            time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,new_la_code,old_la_code,la_name,window,n,rate_pct
            20261,Octobre,Local authority,E92000001,England,E12000009,South West,E10000008,878,Devonshire,Reporting month,1,
            20261,Octobre,Local authority,E92000001,England,E12000009,South West,E10000008,878,Devonshire,Reporting month,NA,~

            """)
        t.write("bad.meta.csv", meta)
        let r = try Self.screen(t.path, "bad")
        let failed = Set(r.filter { $0.level == .fail }.map(\.check))
        #expect(failed.isSuperset(of: ["filter_not_singular", "time_period_num", "time_id_valid", "geog_la_combos",
                                       "general_dupes", "general_null", "ind_invalid_entry"]))
        #expect(r.contains { $0.check == "filter_defaults" && $0.level == .warning })
    }
}
