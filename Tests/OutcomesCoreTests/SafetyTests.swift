import Foundation
import Testing
@testable import OutcomesCore

/// What the tool must never do to files it did not create, and the messages that say what went
/// wrong (docs/OUTPUTS.md "What a scheduled monthly run can rely on").
@Suite(.serialized) struct SafetyTests {
    func mode(_ p: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: p)[.posixPermissions] as! Int) & 0o777
    }

    func workspace() throws -> TempDir { try CLI.workspace() }
    func runArgs(_ extra: [String] = [], period: String? = "2026-10") -> [String] { CLI.runArgs(extra, period: period) }

    // MARK: - Locks

    @Test func aSecondLockFailsNamingTheHoldersPid() throws {
        let t = TempDir()
        let path = t.file("x.lock")
        do {
            let first = try RunLock(path: path)
            #expect(throws: FileSafetyError.locked(path: path, pid: getpid())) { try RunLock(path: path) }
            _ = first
        }
        // Released with the value: the next run gets it.
        _ = try RunLock(path: path)
    }

    @Test func aRunWhileAnotherHoldsTheStoreExitsTwoNamingIt() throws {
        let t = try workspace()
        try withExtendedLifetime(try RunLock.forStore(t.file("s.db"))) {
            let r = try CLI.run(runArgs(), cwd: t.path)
            #expect(r.status == 2, "\(r.stderr)")
            #expect(r.stderr.contains("process \(getpid()) holds the lock s.db.lock"), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: t.file("out/2026-10")))
        }
        try withExtendedLifetime(try RunLock.forOutput(t.file("out"))) {
            let r = try CLI.run(runArgs(), cwd: t.path)
            #expect(r.status == 2 && r.stderr.contains("holds the lock out/.outcomes.lock"), "\(r.stderr)")
        }
        // Once both are free the run goes ahead.
        #expect(try CLI.run(runArgs(), cwd: t.path).status == 0)
    }

    @Test func theFolderOfAPath() {
        #expect(SafeFiles.folder(of: "a") == ".")
        #expect(SafeFiles.folder(of: "a/b") == "a" && SafeFiles.folder(of: "a//b") == "a")
        #expect(SafeFiles.folder(of: "/a") == "/" && SafeFiles.folder(of: "/x/y/") == "/x")
        #expect(SafeFiles.folder(of: "./q.csv") == ".")
    }

    @Test func aLockThatIsASymbolicLinkIsAnError() throws {
        let t = TempDir()
        t.write("target", "keep\n")
        symlink(t.file("target"), t.file("x.lock"))
        #expect(throws: FileSafetyError.symbolicLink(t.file("x.lock"))) { try RunLock(path: t.file("x.lock")) }
        #expect(try String(contentsOfFile: t.file("target"), encoding: .utf8) == "keep\n")
    }

    // MARK: - Symbolic links and modes

    @Test func replacingAFileRefusesASymbolicLinkAndLeavesItsTarget() throws {
        let t = TempDir()
        t.write("precious.csv", "precious\n")
        symlink(t.file("precious.csv"), t.file("report.csv"))
        #expect(throws: FileSafetyError.symbolicLink(t.file("report.csv"))) {
            try SafeFiles.replaceFile(t.file("report.csv"), data: Data("rejects\n".utf8))
        }
        #expect(try String(contentsOfFile: t.file("precious.csv"), encoding: .utf8) == "precious\n")
        // A regular file is replaced by a new owner-only one.
        t.write("plain.csv", "old\n")
        chmod(t.file("plain.csv"), 0o644)
        try SafeFiles.replaceFile(t.file("plain.csv"), data: Data("new\n".utf8))
        #expect(try String(contentsOfFile: t.file("plain.csv"), encoding: .utf8) == "new\n")
        #expect(try mode(t.file("plain.csv")) == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: t.path).sorted() == ["plain.csv", "precious.csv", "report.csv"])
    }

    @Test func creatingAFileNeverOpensAnExistingOne() throws {
        let t = TempDir()
        t.write("there.csv", "x\n")
        #expect(throws: FileSafetyError.system(path: t.file("there.csv"), errno: EEXIST, doing: "create the file")) {
            try SafeFiles.createFile(t.file("there.csv"), data: Data("y\n".utf8))
        }
        #expect(try String(contentsOfFile: t.file("there.csv"), encoding: .utf8) == "x\n")
    }

    @Test func existingFoldersKeepTheirMode() throws {
        let t = TempDir()
        try FileManager.default.createDirectory(atPath: t.file("shared"), withIntermediateDirectories: true)
        chmod(t.file("shared"), 0o755)
        try SafeFiles.makeDirectories(t.file("shared/new/deeper"))
        #expect(try mode(t.file("shared")) == 0o755)
        #expect(try mode(t.file("shared/new")) == 0o700 && mode(t.file("shared/new/deeper")) == 0o700)
    }

    @Test func validateRefusesARejectsReportThatIsALink() throws {
        let t = try workspace()
        t.write("precious.txt", "precious\n")
        symlink(t.file("precious.txt"), t.file("rejects.csv"))
        let r = try CLI.run(["validate", "--extracts", "in", "--db", "s.db", "--rejects", "rejects.csv"], cwd: t.path)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("rejects.csv is a symbolic link"), "\(r.stderr)")
        #expect(try String(contentsOfFile: t.file("precious.txt"), encoding: .utf8) == "precious\n")
    }

    @Test func anOutputRootThatIsALinkKeepsEntriesThisRunDidNotMake() throws {
        let t = try workspace()
        let fm = FileManager.default
        try fm.createDirectory(atPath: t.file("real/.old-1234/keep"), withIntermediateDirectories: true)
        try fm.createDirectory(atPath: t.file("real/.staging-2026-10-99"), withIntermediateDirectories: true)
        chmod(t.file("real"), 0o755)
        symlink(t.file("real"), t.file("out"))
        let r = try CLI.run(runArgs(), cwd: t.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(fm.fileExists(atPath: t.file("real/.old-1234/keep")))
        #expect(fm.fileExists(atPath: t.file("real/.staging-2026-10-99")))
        #expect(fm.fileExists(atPath: t.file("real/2026-10/attendance.csv")))
        #expect(try mode(t.file("real")) == 0o755, "the tool changed the mode of a folder it did not create")
        #expect(SafeFiles.isSymbolicLink(t.file("out")))
        // A second run replaces its own folder and removes only what it made.
        let again = try CLI.run(runArgs(), cwd: t.path)
        #expect(again.status == 0, "\(again.stderr)")
        let left = try fm.contentsOfDirectory(atPath: t.file("real")).sorted()
        #expect(left == [".old-1234", ".outcomes.lock", ".staging-2026-10-99", "2026-10"], "\(left)")
    }

    @Test func aReadOnlyStoreIsNotWrittenNorMadeWritable() throws {
        let t = try workspace()
        #expect(try CLI.run(runArgs(), cwd: t.path).status == 0)
        chmod(t.file("s.db"), 0o400)
        let size = try FileManager.default.attributesOfItem(atPath: t.file("s.db"))[.size] as! Int
        t.write("in/episodes-2026-11.csv", "episode_id,child_id,service,level,allocation_date\nEP9,C9,YIT,EH3,2026-10-01\n")
        let r = try CLI.run(runArgs(), cwd: t.path)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("the store s.db is read-only"), "\(r.stderr)")
        #expect(try mode(t.file("s.db")) == 0o400)
        #expect(try FileManager.default.attributesOfItem(atPath: t.file("s.db"))[.size] as! Int == size)
        // Reading it still works.
        let q = try CLI.run(["report", "--db", "s.db", "--out", "out2", "--period", "2026-10", "--queries", "none"], cwd: t.path)
        #expect(q.status == 0, "\(q.stderr)")
    }

    // MARK: - Messages

    @Test func aFullDiskNamesThePathAndSaysFreeSomeSpace() throws {
        // /dev/full fails every write with ENOSPC, as a full disk does.
        let fd = open("/dev/full", O_WRONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        let bytes = [UInt8](repeating: 65, count: 4096)
        do {
            try bytes.withUnsafeBytes { try SafeFiles.writeAll(fd: fd, $0, path: "out/2026-10/feedback.csv") }
            Issue.record("a write to /dev/full succeeded")
        } catch let e as FileSafetyError {
            #expect(e == .system(path: "out/2026-10/feedback.csv", errno: ENOSPC, doing: "write"))
            let m = e.localizedDescription
            #expect(m.hasPrefix("out/2026-10/feedback.csv: cannot write: the disk is full"), "\(m)")
            #expect(m.contains("Free some space"))
            #expect(e.status == .failure)
        }
        #expect(SafeFiles.describe(errno: EDQUOT, path: "x").contains("Free some space"))
    }

    @Test func extractsThatIsAFileSaysSo() throws {
        let t = try workspace()
        t.write("notes.txt", "hello\n")
        let r = try CLI.run(["load", "--extracts", "notes.txt", "--db", "s.db"], cwd: t.path)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("--extracts notes.txt is a file, not a folder"), "\(r.stderr)")
        let m = try CLI.run(["load", "--extracts", "nowhere", "--db", "s.db"], cwd: t.path)
        #expect(m.status == 2 && m.stderr.contains("--extracts nowhere: the folder does not exist"), "\(m.stderr)")
    }

    @Test func theRecordLimitSaysWhatItIs() {
        let m = ExtractError.recordTooLong(file: "attendance.csv", line: 7).localizedDescription
        #expect(m.contains("attendance.csv") && m.contains("line 7") && m.contains("1 GB"))
        #expect(!m.contains("Check the file exists"))
    }

    @Test func queryOutIntoAMissingFolderSaysTheFolderDoesNotExist() throws {
        let t = try workspace()
        #expect(try CLI.run(runArgs(), cwd: t.path).status == 0)
        t.write("q.sql", "SELECT 1 AS one;\n")
        let r = try CLI.run(["query", "q.sql", "--db", "s.db", "--period", "2026-10", "--out", "missing/q.csv"], cwd: t.path)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("the folder missing does not exist"), "\(r.stderr)")
        #expect(!r.stderr.contains("permission"))
    }

    // MARK: - The query command reads outcomes.yml

    @Test func queryCommandReadsTheConfiguration() throws {
        let t = try workspace()
        #expect(try CLI.run(runArgs(), cwd: t.path).status == 0)
        t.write("q.sql", "SELECT suppress(3) AS s;\n")
        let plain = try CLI.run(["query", "q.sql", "--db", "s.db", "--period", "2026-10"], cwd: t.path)
        #expect(plain.stdout == "s\nc\n", "\(plain.stderr)")
        t.write("outcomes.yml", "suppress_max: 2\n")
        let configured = try CLI.run(["query", "q.sql", "--db", "s.db", "--period", "2026-10"], cwd: t.path)
        #expect(configured.stdout == "s\n3\n", "\(configured.stderr)")
        // The option still wins over the file.
        let option = try CLI.run(["query", "q.sql", "--db", "s.db", "--period", "2026-10", "--suppress-max", "3"], cwd: t.path)
        #expect(option.stdout == "s\nc\n", "\(option.stderr)")
        t.write("outcomes.yml", "suppress_maxi: 2\n")
        let bad = try CLI.run(["query", "q.sql", "--db", "s.db", "--period", "2026-10"], cwd: t.path)
        #expect(bad.status == 2 && bad.stderr.contains("unknown key 'suppress_maxi'"), "\(bad.stderr)")
    }
}

/// The analysts' queries' limits: time and size (docs/OUTPUTS.md).
@Suite(.serialized) struct QueryLimitTests {
    static let forever = """
        -- never ends: counts for ever
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) AS c FROM n;
        """
    /// About 3 MB of text: 30,000 rows of 100 characters.
    static let large = """
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000)
        SELECT i, printf('%.100c', 'x') AS pad FROM n;
        """

    func store(_ t: TempDir) throws -> Store {
        let s = try Store(path: t.file("s.db"))
        try s.transaction { w in
            try w.upsert(episodes: [Episode(episodeID: "E1", childID: "C1", service: "FIT", locality: "North", level: "EH3",
                                            allocationDate: Days.parseISO("2026-01-05")!)], file: "episodes.csv")
        }
        return s
    }

    @Test func aQueryThatNeverEndsStopsAtTheTimeLimit() throws {
        let t = TempDir()
        let s = try store(t)
        t.write("q/forever.sql", Self.forever)
        let runner = QueryRunner(storePath: s.path, period: Month(year: 2026, month: 10), threshold: 5,
                                 timeoutSeconds: 1, maxMegabytes: 256)
        let started = Date()
        let o = runner.runOne(fileName: "forever.sql", folder: t.file("q"), outFolder: t.file("out"))
        let took = Date().timeIntervalSince(started)
        #expect(o.error == .timedOut(file: t.file("q/forever.sql"), seconds: 1))
        #expect(took < 10, "took \(took) s")
        #expect(o.message?.contains("query_timeout_s") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: t.file("out")).isEmpty, "a partial file was left")
    }

    @Test func aQueryThatReturnsTooMuchStopsAtTheSizeLimit() throws {
        let t = TempDir()
        let s = try store(t)
        t.write("q/large.sql", Self.large)
        let small = QueryRunner(storePath: s.path, period: Month(year: 2026, month: 10), threshold: 5,
                                timeoutSeconds: 300, maxMegabytes: 1)
        let o = small.runOne(fileName: "large.sql", folder: t.file("q"), outFolder: t.file("out"))
        #expect(o.error == .tooLarge(file: t.file("q/large.sql"), megabytes: 1))
        #expect(o.message?.contains("query_max_mb") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: t.file("out")).isEmpty, "a partial file was left")
        // The same query under a limit it fits: 30,000 rows, each "i,<100 x>\n".
        let roomy = QueryRunner(storePath: s.path, period: Month(year: 2026, month: 10), threshold: 5,
                                timeoutSeconds: 300, maxMegabytes: 4)
        let ok = roomy.runOne(fileName: "large.sql", folder: t.file("q"), outFolder: t.file("out"))
        #expect(ok.error == nil && ok.rows == 30000)
        let size = try FileManager.default.attributesOfItem(atPath: t.file("out/large.csv"))[.size] as! Int
        let digits = (1...30000).reduce(0) { $0 + String($1).count }
        #expect(size == "i,pad\n".count + digits + 30000 * (1 + 100 + 1))
    }

    @Test func aRunWritesTheOtherQueriesAndExitsOneNamingTheLimits() throws {
        let t = TempDir()
        try FileManager.default.copyItem(atPath: CLI.fixtures, toPath: t.file("in"))
        t.write("queries/forever.sql", Self.forever)
        // Eleven rows of 100,000 characters: over 1 MB at once, long before any time limit.
        t.write("queries/large.sql", "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 11) SELECT i, printf('%.100000c', 'x') AS pad FROM n;\n")
        t.write("queries/small.sql", "SELECT count(*) AS episodes FROM episodes;\n")
        t.write("outcomes.yml", "query_timeout_s: 1\nquery_max_mb: 1\n")
        let r = try CLI.run(["run", "--extracts", "in", "--db", "s.db", "--out", "out", "--period", "2026-10"], cwd: t.path)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("forever.sql") && r.stderr.contains("1 s (query_timeout_s)"), "\(r.stderr)")
        #expect(r.stderr.contains("large.sql") && r.stderr.contains("1 MB (query_max_mb)"), "\(r.stderr)")
        let written = try String(contentsOfFile: t.file("out/2026-10/restricted/queries/small.csv"), encoding: .utf8)
        let episodes = try Store(path: t.file("s.db"), readOnly: true).rowCounts()["episodes"]!
        #expect(written == "episodes\n\(episodes)\n")
        #expect(FileManager.default.fileExists(atPath: t.file("out/2026-10/attendance.csv")))
    }

    @Test func theLimitsAreConfigurationKeys() throws {
        let d = OutcomesConfig()
        #expect(d.queryTimeoutSeconds == 300 && d.queryMaxMegabytes == 256)
        let c = try OutcomesConfig.parse("query_timeout_s: 2.5\nquery_max_mb: 10\n")
        #expect(c.queryTimeoutSeconds == 2.5 && c.queryMaxMegabytes == 10)
        #expect(throws: ConfigError.badValue("query_timeout_s", "a number of seconds > 0")) {
            try OutcomesConfig.parse("query_timeout_s: 0\n")
        }
        #expect(throws: ConfigError.badValue("query_max_mb", "a number of megabytes > 0")) {
            try OutcomesConfig.parse("query_max_mb: -1\n")
        }
    }
}
