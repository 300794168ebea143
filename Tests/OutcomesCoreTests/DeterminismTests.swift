import Foundation
import Testing
@testable import OutcomesCore

/// The same inputs give the same bytes (docs/OUTPUTS.md "The tables"), checked across processes.
///
/// Swift seeds its hashing afresh in every process, so a table whose order leaked from a `Set` or
/// `Dictionary` would come out the same twice in one process and differ between two. Hence two
/// separate runs of the built binary, with deterministic hashing explicitly off.
@Suite(.serialized) struct DeterminismTests {
    static let repoQueries = CLI.repo.appendingPathComponent("queries").path

    /// Every table, meta file, query result and page of a period folder; not the manifest (it holds
    /// the run's times) nor the rejects report (it says when each file was loaded).
    static func outputs(_ folder: String) -> [String] {
        let e = FileManager.default.enumerator(atPath: folder)!
        return (e.allObjects as! [String])
            .filter { ($0.hasSuffix(".csv") || $0.hasSuffix(".html")) && !$0.hasSuffix("rejects.csv") }
            .sorted()
    }

    @Test func twoProcessesWriteByteIdenticalOutputs() throws {
        let t = TempDir()
        try FileManager.default.copyItem(atPath: CLI.fixtures, toPath: t.file("in"))
        var env = ProcessInfo.processInfo.environment
        env["SWIFT_DETERMINISTIC_HASHING"] = nil
        for (name, threads) in [("a", "2"), ("b", "2"), ("c", "1")] {
            let r = try CLI.run(["run", "--extracts", "in", "--db", "\(name).db", "--out", name, "--period", "2026-10",
                                 "--queries", Self.repoQueries, "--threads", threads, "--quiet"], cwd: t.path, environment: env)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let files = Self.outputs(t.file("a/2026-10"))
        #expect(files.contains("attendance_impact.csv") && files.contains("summary.html") && files.contains { $0.hasPrefix("restricted/queries/") })
        for other in ["b", "c"] {
            #expect(Self.outputs(t.file("\(other)/2026-10")) == files)
            for f in files {
                let x = try Data(contentsOf: URL(fileURLWithPath: t.file("a/2026-10/" + f)))
                let y = try Data(contentsOf: URL(fileURLWithPath: t.file("\(other)/2026-10/" + f)))
                #expect(x == y, "\(f) differs between two processes (\(other))")
            }
        }
    }
}
