import Foundation
import GRDB
import Testing
@testable import OutcomesCore

/// A store written by the first release (602aa05, before versioning) is recognised, upgraded in
/// place, loaded into and reported from (issue 14; `docs/STORE.md` "Upgrades").
///
/// The fixture was made by that release's own binary from the golden extracts
/// (`scripts/make-store-fixture.sh`), so these tests compare it with a store the current code
/// loads from the very same files.
@Suite(.serialized) struct StoreUpgradeTests {
    static let fixture = CLI.repo.appendingPathComponent("Tests/OutcomesCoreTests/Fixtures/store-602aa05/outcomes.db").path

    /// A copy of the old store in a fresh folder, with the golden extracts beside it in `in/`.
    func workspace() throws -> TempDir {
        let t = TempDir()
        try FileManager.default.copyItem(atPath: Self.fixture, toPath: t.file("old.db"))
        try FileManager.default.copyItem(atPath: CLI.fixtures, toPath: t.file("in"))
        return t
    }

    func tables(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")
    }

    @Test func theFixtureIsAnUnversionedStoreOfTheGoldenExtracts() throws {
        let q = try DatabaseQueue(path: Self.fixture, configuration: { var c = Configuration(); c.readonly = true; return c }())
        try q.read { db in
            #expect(try !db.tableExists("grdb_migrations") && !db.tableExists("rejects"))
            #expect(try !db.columns(in: "load_log").map(\.name).contains("file_size"))
            let logged = try Row.fetchAll(db, sql: "SELECT file_name, sha256 FROM load_log ORDER BY id")
            #expect(logged.count == 4)
            // If the golden extracts change, re-make the fixture (scripts/make-store-fixture.sh).
            for r in logged {
                let name: String = r[0], sha: String = r[1]
                let now = try sha256sum((CLI.fixtures as NSString).appendingPathComponent(name))
                #expect(sha == now, "\(name)")
            }
        }
    }

    @Test func openingUpgradesInPlaceKeepingEveryRow() throws {
        let t = try workspace()
        let countsBefore = try Store(path: t.file("old.db"), readOnly: true).rowCounts()
        let store = try Store(path: t.file("old.db"))
        try store.read { db in
            #expect(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid") == StoreMigrations.identifiers)
            #expect(try db.tableExists("rejects"))
            let columns = try db.columns(in: "load_log").map(\.name)
            #expect(columns.suffix(3) == ["file_size", "file_mtime_ns", "file_inode"])
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM attendance_mark_codes") == AttendanceMarks.codes.count)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM attendance_slots") == 62)
        }
        #expect(try store.rowCounts() == countsBefore)
        // Opening again changes nothing.
        _ = try Store(path: t.file("old.db"))
        #expect(try Store(path: t.file("old.db")).rowCounts() == countsBefore)
    }

    /// The old store reports exactly what a store freshly loaded by this build reports.
    @Test func reportsFromTheOldStoreMatchAFreshStore() throws {
        let t = try workspace()
        let old = try CLI.run(["report", "--db", "old.db", "--out", "a", "--period", "2026-10", "--queries", "none"], cwd: t.path)
        #expect(old.status == 0, "\(old.stderr)")
        let fresh = try CLI.run(["run", "--extracts", "in", "--db", "new.db", "--out", "b", "--period", "2026-10",
                                 "--queries", "none"], cwd: t.path)
        #expect(fresh.status == 0, "\(fresh.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: t.file("b/2026-10")).filter { $0.hasSuffix(".csv") }
        #expect(names.count >= 18)
        for n in names + ["restricted/data_quality.csv"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: t.file("a/2026-10/" + n)))
            let b = try Data(contentsOf: URL(fileURLWithPath: t.file("b/2026-10/" + n)))
            #expect(a == b, "\(n) differs between the upgraded and a fresh store")
        }
        // The first release kept no rejects, so there are none to list for its loads.
        #expect(try String(contentsOfFile: t.file("a/2026-10/restricted/rejects.csv"), encoding: .utf8)
            == "file,line,column,value,reason,loaded_at\n")
    }

    @Test func loadingIntoTheOldStoreSkipsWhatItHoldsAndAddsWhatIsNew() throws {
        let t = try workspace()
        let before = try Store(path: t.file("old.db"), readOnly: true).rowCounts()
        // The files it logged (no size, time or inode then) are read once and found unchanged by SHA-256.
        let a = try CLI.run(["load", "--extracts", "in", "--db", "old.db"], cwd: t.path)
        #expect(a.status == 0, "\(a.stderr)")
        #expect(a.stderr.components(separatedBy: "unchanged").count - 1 == 4)
        let store = try Store(path: t.file("old.db"))
        #expect(try store.rowCounts() == before)
        let identities = try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM load_log WHERE file_inode IS NOT NULL") }
        #expect(identities == 4)
        // A new month's feedback loads into it, rejects and all.
        t.write("in/feedback-2026-11.csv", "response_id,service,received_date,respondent,instrument,question,answer\n"
            + (0..<25).map { "U\($0),YIT,2026-11-0\($0 % 9 + 1),child,app,q,\($0 == 3 ? "maybe so" : "yes")" }.joined(separator: "\n") + "\n")
        let b = try CLI.run(["load", "--extracts", "in", "--db", "old.db"], cwd: t.path)
        #expect(b.status == 0, "\(b.stderr)")
        #expect(b.stderr.contains("feedback-2026-11.csv: 25 rows read, 24 loaded, 1 rejected"))
        let after = try store.rowCounts()
        #expect(after["feedback"] == before["feedback"]! + 24 && after["load_log"] == 5)
        let rejects = try store.read { try Row.fetchAll($0, sql: "SELECT file_name, line, value FROM rejects") }
        #expect(rejects.count == 1 && rejects[0][0] == "feedback-2026-11.csv" && rejects[0][1] == 5 && rejects[0][2] == "maybe so")
    }

    @Test func aStoreFromANewerReleaseIsRefused() throws {
        let t = try workspace()
        _ = try Store(path: t.file("old.db"))
        let q = try DatabaseQueue(path: t.file("old.db"))
        try q.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('9-from-the-future')") }
        #expect(throws: StoreError.newerSchema(path: t.file("old.db"), unknown: ["9-from-the-future"])) {
            _ = try Store(path: t.file("old.db"))
        }
        let r = try CLI.run(["load", "--extracts", "in", "--db", "old.db"], cwd: t.path)
        #expect(r.status == 2 && r.stderr.contains("9-from-the-future") && r.stderr.contains("newer release"))
    }
}
