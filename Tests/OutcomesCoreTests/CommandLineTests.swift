import Foundation
import GRDB
import Testing
@testable import OutcomesCore

/// The scheduled run's contract, through the real executable: exit codes and their messages,
/// owner-only files, the progress bar on a terminal, and the old folder kept on failure.
@Suite(.serialized) struct CommandLineTests {
    func workspace() throws -> TempDir { try CLI.workspace() }
    func runArgs(_ extra: [String] = [], period: String? = "2026-10") -> [String] { CLI.runArgs(extra, period: period) }

    @Test func successIsZeroAndFilesAreOwnerOnlyWhateverTheUmask() throws {
        let t = try workspace()
        let old = umask(0)
        defer { umask(old) }
        let r = try CLI.run(runArgs(), cwd: t.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("wrote out/2026-10"))
        let fm = FileManager.default
        func mode(_ p: String) throws -> Int { (try fm.attributesOfItem(atPath: t.file(p))[.posixPermissions] as! Int) & 0o777 }
        #expect(try mode("s.db") == 0o600)
        #expect(try mode("out") == 0o700 && mode("out/2026-10") == 0o700)
        for f in try fm.subpathsOfDirectory(atPath: t.file("out/2026-10")) {
            var isDir: ObjCBool = false
            _ = fm.fileExists(atPath: t.file("out/2026-10/" + f), isDirectory: &isDir)
            #expect(try mode("out/2026-10/" + f) == (isDir.boolValue ? 0o700 : 0o600), "\(f)")
        }
        #expect(fm.fileExists(atPath: t.file("out/2026-10/restricted/rejects.csv")))
    }

    @Test func badArgumentsAndConfigurationExitTwo() throws {
        let t = try workspace()
        let a = try CLI.run(runArgs(["--period", "2026-13"]), cwd: t.path)
        #expect(a.status == 2 && a.stderr.contains("--period"))
        t.write("bad.yml", "suppress_maximum: 3\n")
        let b = try CLI.run(runArgs(["--config", "bad.yml"]), cwd: t.path)
        #expect(b.status == 2 && b.stderr.contains("unknown key 'suppress_maximum'"))
        let c = try CLI.run(["report", "--db", "missing.db", "--out", "out"], cwd: t.path)
        #expect(c.status == 2 && c.stderr.contains("no store at missing.db"))
    }

    @Test func contractBreachExitsThreeAndKeepsLastMonthsTables() throws {
        let t = try workspace()
        #expect(try CLI.run(runArgs(), cwd: t.path).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: t.file("out/2026-10/attendance.csv")))
        // A required column missing.
        t.write("in/outcomes-2026-11.csv", "episode_id,assessment_date,stage,score\nEP100001,2026-10-01,entry,5\n")
        let r = try CLI.run(runArgs(), cwd: t.path)
        #expect(r.status == 3)
        #expect(r.stderr.contains("outcomes-2026-11.csv: required column 'domain' is missing"))
        #expect(r.stderr.contains("out/restricted/rejects-failed-run.csv"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: t.file("out/2026-10/attendance.csv"))) == before)
        // Not gzip although named .gz.
        try FileManager.default.removeItem(atPath: t.file("in/outcomes-2026-11.csv"))
        t.write("in/feedback-2026-11.csv.gz", "response_id\nR1\n")
        let g = try CLI.run(runArgs(), cwd: t.path)
        #expect(g.status == 3 && g.stderr.contains("is not gzip-compressed"))
    }

    @Test func tooManyRejectsExitsFourNamingTheReport() throws {
        let t = try workspace()
        t.write("in/feedback-2026-11.csv", "response_id,service,received_date,respondent,instrument,question,answer\nR1,YIT,2026-10-01,child,app,q,perhaps\nR2,YIT,2026-10-01,child,app,q,yes\n")
        let r = try CLI.run(runArgs(), cwd: t.path)
        #expect(r.status == 4)
        #expect(r.stderr.contains("feedback-2026-11.csv") && r.stderr.contains("out/restricted/rejects-failed-run.csv"))
        #expect(!FileManager.default.fileExists(atPath: t.file("out/2026-10")))
        let rejects = try String(contentsOfFile: t.file("out/restricted/rejects-failed-run.csv"), encoding: .utf8)
        #expect(rejects.contains("feedback-2026-11.csv,2,answer,perhaps,"))
        // Raising the limit lets it through.
        #expect(try CLI.run(runArgs(["--max-reject-pct", "60"]), cwd: t.path).status == 0)
    }

    @Test func aFailingQueryExitsOneAfterWritingTheRest() throws {
        let t = try workspace()
        t.write("q/a_good.sql", "SELECT count(*) AS n FROM episodes")
        t.write("q/b_bad.sql", "DELETE FROM episodes")
        var args = runArgs()
        args[args.firstIndex(of: "none")!] = "q"
        let r = try CLI.run(args, cwd: t.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("b_bad.sql"))
        #expect(FileManager.default.fileExists(atPath: t.file("out/2026-10/restricted/queries/a_good.csv")))
        #expect(try Store(path: t.file("s.db")).rowCounts()["episodes"] == 78)  // 70 episodes + EP100081-88 (GoldenImpactTests)
    }

    @Test func validateWritesRejectsAndLeavesTheStoreAlone() throws {
        let t = try workspace()
        let r = try CLI.run(["validate", "--extracts", "in", "--db", "s.db", "--rejects", "v/rejects.csv"], cwd: t.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: t.file("s.db")))
        let text = try String(contentsOfFile: t.file("v/rejects.csv"), encoding: .utf8)
        #expect(text.split(separator: "\n").count == 5)   // header + the fixture's four rejects
    }

    @Test func progressBarOnATerminalPlainLinesOtherwise() throws {
        let t = try workspace()
        // `script` gives the tool a pseudo-terminal for standard error.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        p.arguments = ["-qec", ([CLI.binary] + runArgs()).joined(separator: " "), "/dev/null"]
        p.currentDirectoryURL = URL(fileURLWithPath: t.path)
        let out = Pipe()
        p.standardOutput = out; p.standardError = out; p.standardInput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(text.contains("\r") && text.contains("100% loading attendance.csv.gz"))
        // Not a terminal: plain lines, no carriage returns.
        let w2 = try workspace(), w3 = try workspace()
        let plain = try CLI.run(runArgs(), cwd: w2.path)
        #expect(!plain.stderr.contains("\r") && plain.stderr.contains("attendance.csv.gz:"))
        // --quiet prints nothing on success.
        #expect(try CLI.run(runArgs(["--quiet"]), cwd: w3.path).stderr.isEmpty)
    }

    /// SIGKILL at many points of load and report: the store stays sound and holds whole files only,
    /// and the previous period folder stays byte-identical.
    @Test func killedRunsLeaveStoreAndOutputsWhole() throws {
        let t = try workspace()
        #expect(try CLI.run(runArgs(), cwd: t.path).status == 0)
        let reference = try Store(path: t.file("s.db")).rowCounts()
        let snapshot = try snapshotTables(t.file("out/2026-10"))
        try FileManager.default.removeItem(atPath: t.file("s.db"))
        for delayMs in stride(from: 5, through: 400, by: 15) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: CLI.binary)
            p.arguments = runArgs(["--quiet"])
            p.currentDirectoryURL = URL(fileURLWithPath: t.path)
            try p.run()
            usleep(useconds_t(delayMs * 1000))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let killed = p.terminationReason == .uncaughtSignal
            if FileManager.default.fileExists(atPath: t.file("s.db")) {
                let store = try Store(path: t.file("s.db"))
                let ok = try store.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }
                #expect(ok == "ok", "integrity after \(delayMs) ms")
                let counts = try store.rowCounts()
                let logged = try store.read { try String.fetchAll($0, sql: "SELECT kind FROM load_log") }
                for (kind, table) in [("episodes", "episodes"), ("outcomes", "outcomes"),
                                      ("attendance", "attendance_months"), ("feedback", "feedback")] {
                    let want = logged.contains(kind) ? reference[table]! : 0
                    #expect(counts[table] == want, "\(table) after a kill at \(delayMs) ms")
                }
            }
            if killed {
                #expect(try snapshotTables(t.file("out/2026-10")) == snapshot, "outputs after a kill at \(delayMs) ms")
            }
            try? FileManager.default.removeItem(atPath: t.file("s.db"))
        }
        // The next run succeeds. It never deletes what another run made (docs/OUTPUTS.md), so a
        // killed run's staging folder stays, named in a warning; the lock file stays too.
        let next = try CLI.run(runArgs(), cwd: t.path)
        #expect(next.status == 0, "\(next.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: t.file("out")).filter { $0.hasPrefix(".") }
        #expect(left.allSatisfy { $0 == ".outcomes.lock" || $0.hasPrefix(".staging-2026-10-") }, "\(left)")
        for stale in left where stale.hasPrefix(".staging-") { #expect(next.stderr.contains(stale), "\(stale) not named") }
    }

    func snapshotTables(_ folder: String) throws -> [String: Data] {
        var d: [String: Data] = [:]
        for f in try FileManager.default.contentsOfDirectory(atPath: folder) where f.hasSuffix(".csv") {
            d[f] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + f))
        }
        return d
    }
}
