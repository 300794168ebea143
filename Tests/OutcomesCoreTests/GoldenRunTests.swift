import Foundation
import Testing
@testable import OutcomesCore

/// Whole-tool runs on fixture extracts compared with golden files (STYLE.md "Tests").
///
/// To re-record after an intended change: `OUTCOMES_RECORD=1 swift test --filter GoldenRun`, then
/// review the diff. Recording still fails the test, so a new baseline is never accepted silently.
@Suite struct GoldenRunTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/golden")
    static let repoQueries = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("queries").path

    /// Runs `outcomes run` in-process into a temporary folder; returns the period folder.
    static func run(_ t: TempDir, threads: Int, command: String = "run", suppressMax: Int? = nil) -> (OutcomesCore.ExitStatus, String) {
        var o = RunOptions()
        if let suppressMax { o.config.suppressMax = suppressMax }
        o.extracts = fixtures.appendingPathComponent("extracts").path
        o.db = t.file("store.db")
        o.out = t.file("out")
        o.queries = repoQueries
        o.benchmarks = (repoQueries as NSString).deletingLastPathComponent + "/benchmarks"
        o.period = Month(year: 2026, month: 10)
        o.threads = threads
        let p = Pipeline(options: o, console: Console(verbosity: .quiet, isTerminal: false))
        let status = command == "run" ? p.run() : p.reportOnly()
        return (status, t.file("out/2026-10"))
    }

    /// Every file of a period folder except the manifest (it holds the run's times), relative paths.
    static func files(_ folder: String) -> [String] {
        let e = FileManager.default.enumerator(atPath: folder)!
        return (e.allObjects as! [String]).filter { $0.hasSuffix(".csv") || $0.hasSuffix(".html") }.sorted()
    }

    /// `loaded_at` in the rejects report is the time of the load: the golden file holds a
    /// placeholder, and every row must carry a UTC ISO 8601 time there.
    static func normalised(_ name: String, _ text: String) -> String {
        guard name.hasSuffix("rejects.csv") else { return text }
        let time = #/,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/#
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for i in lines.indices.dropFirst() where !lines[i].isEmpty {
            let replaced = lines[i].replacing(time, with: ",<loaded_at>")
            lines[i] = replaced == lines[i] ? lines[i] + " <no loaded_at>" : replaced
        }
        return lines.joined(separator: "\n")
    }

    @Test func runMatchesTheGoldenFiles() throws {
        let t = TempDir()
        let (status, folder) = Self.run(t, threads: 2)
        #expect(status == .success)
        let expected = Self.fixtures.appendingPathComponent("expected").path
        let produced = Self.files(folder)
        #expect(produced.contains("distance_travelled.csv") && produced.contains("restricted/queries/re_referrals.csv"))
        if ProcessInfo.processInfo.environment["OUTCOMES_RECORD"] == "1" {
            try? FileManager.default.removeItem(atPath: expected)
            for f in produced {
                let dst = (expected as NSString).appendingPathComponent(f)
                try FileManager.default.createDirectory(atPath: (dst as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                let text = try String(contentsOfFile: (folder as NSString).appendingPathComponent(f), encoding: .utf8)
                try Self.normalised(f, text).write(toFile: dst, atomically: true, encoding: .utf8)
            }
            Issue.record(Comment(rawValue: "recorded \(produced.count) golden files in \(expected); review the diff and run again without OUTCOMES_RECORD"))
            return
        }
        #expect(Self.files(expected) == produced, "the set of output files changed")
        for f in produced {
            let got = Self.normalised(f, try String(contentsOfFile: (folder as NSString).appendingPathComponent(f), encoding: .utf8))
            let want = (try? String(contentsOfFile: (expected as NSString).appendingPathComponent(f), encoding: .utf8)) ?? "<missing>"
            if got != want {
                let gl = got.split(separator: "\n", omittingEmptySubsequences: false)
                let wl = want.split(separator: "\n", omittingEmptySubsequences: false)
                let i = zip(gl, wl).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(gl.count, wl.count)
                Issue.record(Comment(rawValue: "\(f) differs from its golden file at line \(i + 1):\n  got:  \(i < gl.count ? String(gl[i]) : "<end>")\n  want: \(i < wl.count ? String(wl[i]) : "<end>")"))
            }
        }
    }

    @Test func tablesDoNotDependOnThreadsAndReportRepeatsTheRun() throws {
        let a = TempDir(), b = TempDir()
        let (s1, f1) = Self.run(a, threads: 1)
        let (s8, f8) = Self.run(b, threads: 8)
        #expect(s1 == .success && s8 == .success)
        for f in Self.files(f1) {
            // loaded_at is the time of each run's load, so the rejects report is compared without it.
            let x = Self.normalised(f, try String(contentsOfFile: (f1 as NSString).appendingPathComponent(f), encoding: .utf8))
            let y = Self.normalised(f, try String(contentsOfFile: (f8 as NSString).appendingPathComponent(f), encoding: .utf8))
            #expect(x == y, "\(f) differs between --threads 1 and 8")
        }
        // `report` on the same store gives the same tables.
        let before = try Data(contentsOf: URL(fileURLWithPath: (f1 as NSString).appendingPathComponent("attendance.csv")))
        let (sr, fr) = Self.run(a, threads: 2, command: "report")
        #expect(sr == .success)
        #expect(try Data(contentsOf: URL(fileURLWithPath: (fr as NSString).appendingPathComponent("attendance.csv"))) == before)
    }

    @Test func manifestListsInputsAndOutputs() throws {
        let t = TempDir()
        let (_, folder) = Self.run(t, threads: 2)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json"))) as! [String: Any]
        #expect(json["period"] as? String == "2026-10")
        let inputs = json["inputs"] as! [[String: Any]]
        #expect(inputs.map { $0["file"] as! String } == ["episodes.csv", "outcomes.csv", "attendance.csv.gz", "feedback.csv"])
        for i in inputs {
            #expect((i["rows_read"] as! Int) == (i["rows_loaded"] as! Int) + (i["rows_rejected"] as! Int))
            #expect((i["sha256"] as! String).count == 64)
        }
        let outputs = json["outputs"] as! [[String: Any]]
        let names = Set(outputs.map { $0["file"] as! String })
        for f in Self.files(folder) { #expect(names.contains(f), "\(f) missing from the manifest") }
        // Row counts and digests are the files' own.
        let att = outputs.first { $0["file"] as? String == "attendance.csv" }!
        let text = try String(contentsOfFile: folder + "/attendance.csv", encoding: .utf8)
        #expect(att["rows"] as? Int == text.split(separator: "\n").count - 1)
    }
}
