import Foundation
import GRDB
import Testing
@testable import OutcomesCore

/// Nothing lost, nothing overwritten (issue 14), through the real executable: exit codes, messages
/// and the files left behind.
@Suite(.serialized) struct IntegrityCommandLineTests {
    func workspace() throws -> TempDir { try CLI.workspace() }
    func runArgs(_ extra: [String] = [], period: String? = "2026-10") -> [String] { CLI.runArgs(extra, period: period) }

    func read(_ t: TempDir, _ p: String) throws -> String { try String(contentsOfFile: t.file(p), encoding: .utf8) }

    func csvRows(_ text: String) -> [[String]] {
        text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    // MARK: PRECISE.md 29-30

    @Test func strayQuoteHalfWayExitsThreeNamingItsLineAndLoadsNothingOfTheFile() throws {
        let t = try workspace()
        var text = "response_id,service,received_date,respondent,instrument,question,answer\n"
        for i in 0..<40 { text += "S\(i),YIT,2026-10-0\(i % 9 + 1),child,app,kept_informed,\(i == 20 ? "\"yes" : "yes")\n" }
        t.write("in/feedback-2026-11.csv", text)
        let r = try CLI.run(runArgs(), cwd: t.path)
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("feedback-2026-11.csv: line 22: a quoted field opened here is never closed"))
        #expect(r.stderr.contains("out/restricted/rejects-failed-run.csv"))
        #expect(!FileManager.default.fileExists(atPath: t.file("out/2026-10")))
        let logged = try Store(path: t.file("s.db")).read { try String.fetchAll($0, sql: "SELECT file_name FROM load_log") }
        #expect(!logged.contains("feedback-2026-11.csv") && logged.count == 3)  // it sorts before feedback.csv, which is not reached
    }

    @Test func duplicateHeaderExitsThreeNamingBothPositions() throws {
        let t = try workspace()
        t.write("in/outcomes-2026-11.csv", "episode_id,assessment_date,stage,domain,score,Stage\n")
        let r = try CLI.run(runArgs(), cwd: t.path)
        #expect(r.status == 3)
        #expect(r.stderr.contains("outcomes-2026-11.csv: line 1: the header names column 'Stage' twice (columns 3 and 6)"))
    }

    // MARK: Rejects never lost, restricted folder

    @Test func rejectsOfEveryLoadedFileAreInEveryRunsReport() throws {
        let t = try workspace()
        #expect(try CLI.run(runArgs(), cwd: t.path).status == 0)
        let first = try read(t, "out/2026-10/restricted/rejects.csv")
        #expect(first.hasPrefix("file,line,column,value,reason,loaded_at\n"))
        let rows = csvRows(first)
        #expect(rows.count == 4)  // the fixture's four rejects (validateWritesRejects… counts them too)
        // A second run on unchanged files lists them again.
        let again = try CLI.run(runArgs(), cwd: t.path)
        #expect(again.status == 0 && again.stderr.contains("unchanged"))
        #expect(try read(t, "out/2026-10/restricted/rejects.csv") == first)
        // A file loaded by `load` alone shows up in the next run's report, with its load time.
        t.write("in/feedback-2026-11.csv", "response_id,service,received_date,respondent,instrument,question,answer\n"
            + (0..<30).map { "N\($0),YIT,2026-10-05,child,app,q,\($0 == 0 ? "perhaps" : "yes")" }.joined(separator: "\n") + "\n")
        #expect(try CLI.run(["load", "--extracts", "in", "--db", "s.db", "--out", "out"], cwd: t.path).status == 0)
        #expect(try CLI.run(runArgs(), cwd: t.path).status == 0)
        let third = csvRows(try read(t, "out/2026-10/restricted/rejects.csv"))
        #expect(third.count == 5)
        let added = try #require(third.last)
        #expect(Array(added.prefix(4)) == ["feedback-2026-11.csv", "2", "answer", "perhaps"])
        let loadedAt = try Store(path: t.file("s.db")).read {
            try String.fetchOne($0, sql: "SELECT loaded_at FROM load_log WHERE file_name = 'feedback-2026-11.csv'")
        }
        #expect(added.last == loadedAt)
    }

    @Test func restrictedFilesLiveApartAndTheManifestSaysWhich() throws {
        let t = try workspace()
        t.write("q/open.sql", "SELECT count(*) AS n FROM episodes")
        var args = runArgs()
        args[args.firstIndex(of: "none")!] = "q"
        #expect(try CLI.run(args, cwd: t.path).status == 0)
        let fm = FileManager.default
        let top = try fm.contentsOfDirectory(atPath: t.file("out/2026-10"))
        for f in ["rejects.csv", "data_quality.csv", "queries"] { #expect(!top.contains(f), "\(f) in the publishable folder") }
        for f in ["rejects.csv", "data_quality.csv", "queries/open.csv"] {
            #expect(fm.fileExists(atPath: t.file("out/2026-10/restricted/" + f)), "\(f)")
        }
        func mode(_ p: String) throws -> Int { (try fm.attributesOfItem(atPath: t.file(p))[.posixPermissions] as! Int) & 0o777 }
        #expect(try mode("out/2026-10/restricted") == 0o700 && mode("out/2026-10/restricted/queries") == 0o700)
        #expect(try mode("out/2026-10/restricted/rejects.csv") == 0o600)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: t.file("out/2026-10/manifest.json")))) as! [String: Any]
        let outputs = json["outputs"] as! [[String: Any]]
        var access: [String: String] = [:]
        for o in outputs { access[o["file"] as! String] = o["access"] as? String }
        #expect(access["restricted/rejects.csv"] == "restricted" && access["restricted/data_quality.csv"] == "restricted")
        #expect(access["restricted/queries/open.csv"] == "restricted")
        #expect(access["attendance.csv"] == "publishable" && access["summary.html"] == "publishable")
        #expect(access.values.allSatisfy { $0 == "publishable" || $0 == "restricted" })
        // The streamed report's digest in the manifest is the file's own.
        let digest = outputs.first { $0["file"] as? String == "restricted/rejects.csv" }?["sha256"] as? String
        let own = try sha256sum(t.file("out/2026-10/restricted/rejects.csv"))
        #expect(digest == own)
    }

    // MARK: --period

    @Test func periodNotEndedOrWithoutDataExitsTwoSayingWhatTheStoreHolds() throws {
        let t = try workspace()
        #expect(try CLI.run(runArgs(), cwd: t.path).status == 0)
        let held = try Store(path: t.file("s.db")).monthsHeld()!
        let range = "the store holds data from \(held.first.text) to \(held.last.text)"
        let future = Month(containing: Days.today())
        let a = try CLI.run(runArgs(period: future.text), cwd: t.path)
        #expect(a.status == 2 && a.stderr.contains("--period \(future.text): that month has not ended yet"), "\(a.stderr)")
        #expect(a.stderr.contains(range))
        let b = try CLI.run(runArgs(period: "2019-01"), cwd: t.path)
        #expect(b.status == 2 && b.stderr.contains("no episode open in that month and no attendance session"))
        #expect(b.stderr.contains(range))
        let c = try CLI.run(["report", "--db", "s.db", "--out", "out", "--period", "2019-01", "--queries", "none"], cwd: t.path)
        #expect(c.status == 2 && c.stderr.contains(range))
        let written = try FileManager.default.contentsOfDirectory(atPath: t.file("out")).sorted()
        #expect(written == [".outcomes.lock", "2026-10"])  // the lock stays (docs/OUTPUTS.md); no new period folder
        // The default period is unchanged: the sample's last month.
        let d = try CLI.run(runArgs(period: nil), cwd: t.path)
        #expect(d.status == 0 && d.stderr.contains("reporting 2026-10"))
    }

    // MARK: sample and reset

    @Test func sampleWritesToSampleAndRefusesAFolderWithFiles() throws {
        let t = TempDir()
        let a = try CLI.run(["sample"], cwd: t.path)
        #expect(a.status == 0, "\(a.stderr)")
        let made = try FileManager.default.contentsOfDirectory(atPath: t.file("sample"))
        #expect(Set(made) == Set(SampleGenerator.fileNames(gzipAttendance: true)))
        #expect(!FileManager.default.fileExists(atPath: t.file("data")))
        let before = try Data(contentsOf: URL(fileURLWithPath: t.file("sample/episodes.csv")))
        let b = try CLI.run(["sample", "--seed", "2"], cwd: t.path)
        #expect(b.status == 2 && b.stderr.contains("sample already holds files") && b.stderr.contains("--force"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: t.file("sample/episodes.csv"))) == before)
        t.write("data/episodes.csv", "mine\n")
        let c = try CLI.run(["sample", "--out", "data"], cwd: t.path)
        let mine = try read(t, "data/episodes.csv")
        #expect(c.status == 2 && mine == "mine\n")
        let d = try CLI.run(["sample", "--seed", "2", "--force"], cwd: t.path)
        #expect(d.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: t.file("sample/episodes.csv"))) != before)
    }

    @Test func resetNeedsATerminalOrYes() throws {
        let t = try workspace()
        #expect(try CLI.run(["load", "--extracts", "in", "--db", "s.db"], cwd: t.path).status == 0)
        t.write("s.db-wal", "")
        let a = try CLI.run(["reset", "--db", "s.db"], cwd: t.path)  // standard input is not a terminal here
        #expect(a.status == 2 && a.stderr.contains("--yes"))
        #expect(FileManager.default.fileExists(atPath: t.file("s.db")))
        let b = try CLI.run(["reset", "--db", "s.db", "--yes"], cwd: t.path)
        #expect(b.status == 0, "\(b.stderr)")
        #expect(!FileManager.default.fileExists(atPath: t.file("s.db")) && !FileManager.default.fileExists(atPath: t.file("s.db-wal")))
        let c = try CLI.run(["reset", "--db", "s.db", "--yes"], cwd: t.path)
        #expect(c.status == 2 && c.stderr.contains("no store at s.db"))
        // Starting again loads everything anew.
        let d = try CLI.run(["load", "--extracts", "in", "--db", "s.db"], cwd: t.path)
        #expect(d.status == 0 && !d.stderr.contains("unchanged"))
    }

    @Test func resetRefusesAStoreARunIsUsing() throws {
        let t = try workspace()
        #expect(try CLI.run(["load", "--extracts", "in", "--db", "s.db"], cwd: t.path).status == 0)
        // This test process holds the store's lock, as a run in progress would.
        let lock = try RunLock.forStore(t.file("s.db"))
        let r = try CLI.run(["reset", "--db", "s.db", "--yes"], cwd: t.path)
        #expect(r.status == 2 && r.stderr.contains("\(getpid())"), "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: t.file("s.db")))
        withExtendedLifetime(lock) {}
    }

    @Test func resetAsksOnATerminal() throws {
        let t = try workspace()
        #expect(try CLI.run(["load", "--extracts", "in", "--db", "s.db"], cwd: t.path).status == 0)
        for (answer, deleted) in [("no", false), ("yes", true)] {
            // `script` gives the tool a pseudo-terminal; the answer comes through it.
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            p.arguments = ["-qec", "\(CLI.binary) reset --db s.db", "/dev/null"]
            p.currentDirectoryURL = URL(fileURLWithPath: t.path)
            let input = Pipe(), out = Pipe()
            p.standardInput = input; p.standardOutput = out; p.standardError = out
            try p.run()
            input.fileHandleForWriting.write(Data((answer + "\n").utf8))
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(text.contains("Delete the store s.db"), "\(text)")
            #expect(FileManager.default.fileExists(atPath: t.file("s.db")) == !deleted, "answer \(answer)")
        }
    }
}
