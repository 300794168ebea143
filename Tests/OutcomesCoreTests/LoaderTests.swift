import Foundation
import GRDB
import Testing
@testable import OutcomesCore

/// Loading a folder into the store: idempotence, replacement, accounting and all-or-nothing files.
@Suite struct LoaderTests {
    static let episodes = """
        episode_id,child_id,service,locality,level,allocation_date,closure_date,gender
        E1,C1,yit,North,EH3,2026-01-05,,F
        E2,C2,FIT,,cin,10/02/2026,,M
        E3,C3,FIT,South,XX,2026-02-10,,M
        E4,C4,FIT,South,CP,2026-03-01,2026-02-01,M

        """
    static let outcomes = """
        episode_id,assessment_date,stage,domain,score,rated_by
        E1,2026-01-06,entry,health,3,family
        E1,2026-03-06,exit,health,7,
        E1,2026-03-06,exit,health,8,practitioner
        E9,2026-03-06,exit,health,8,
        E2,2026-03-06,exit,housing,11,

        """
    static let attendance = """
        child_id,school_urn,date,session,mark
        C1,100,2026-01-05,AM,/
        C1,100,2026-01-05,PM,N
        C1,200,2026-01-05,AM,/
        C1,100,2026-01-06,am,Z9
        C2,100,2026-01-31,PM,L

        """

    func makeFolder(_ t: TempDir) {
        t.write("in/episodes.csv", Self.episodes)
        t.write("in/outcomes.csv", Self.outcomes)
        t.write("in/attendance.csv", Self.attendance)
        t.write("in/notes.txt", "ignored")
    }

    @Test func loadsCountsEveryRowAndRejectsWithReasons() throws {
        let t = TempDir(); makeFolder(t)
        let store = try Store(path: t.file("s.db"))
        let r = try Loader(store: store, maxRejectPct: 100).load(folder: t.file("in"))
        #expect(r.contractError == nil)
        #expect(r.warnings.count == 1 && r.warnings[0].hasPrefix("notes.txt"))
        #expect(r.files.map(\.file) == ["episodes.csv", "outcomes.csv", "attendance.csv"])
        for f in r.files { #expect(f.rowsRead == f.rowsLoaded + f.rowsRejected) }
        #expect(r.files.map(\.rowsRead) == [4, 5, 5])
        #expect(r.files.map(\.rowsRejected) == [2, 3, 1])
        // E3: bad level (line 4); E4: closure before allocation (line 5)
        let ep = r.rejects.filter { $0.file == "episodes.csv" }
        #expect(ep.map(\.line) == [4, 5])
        #expect(ep.map(\.column) == ["level", "closure_date"])
        let oc = r.rejects.filter { $0.file == "outcomes.csv" }
        #expect(oc.map(\.line) == [4, 5, 6])
        #expect(oc[0].reason.contains("line 3"))      // duplicate key: empty rated_by reads as practitioner
        #expect(oc[1].column == "episode_id")          // E9 unknown
        #expect(oc[2].column == "score")
        let at = r.rejects.filter { $0.file == "attendance.csv" }
        #expect(at.map(\.line) == [5] && at[0].column == "mark")
        let counts = try store.rowCounts()
        #expect(counts["episodes"] == 2 && counts["outcomes"] == 2 && counts["load_log"] == 3)
        // C1 at two schools in January, C2 at one: three packed months
        #expect(counts["attendance_months"] == 3)
        let sessions = try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM attendance_sessions") }
        #expect(sessions == 4)
        let n = try store.read { try String.fetchOne($0, sql: "SELECT mark FROM attendance_sessions WHERE child_id='C1' AND school_urn='100' AND session='PM'") }
        #expect(n == "N")
    }

    @Test func secondLoadOfTheSameFolderChangesNothing() throws {
        let t = TempDir(); makeFolder(t)
        let store = try Store(path: t.file("s.db"))
        _ = try Loader(store: store, maxRejectPct: 100).load(folder: t.file("in"))
        let before = try store.rowCounts()
        let r = try Loader(store: store, maxRejectPct: 100).load(folder: t.file("in"))
        #expect(r.files.allSatisfy { $0.unchanged })
        #expect(try store.rowCounts() == before)
    }

    @Test func laterEpisodesFileClosesEpisodesAndLaterAttendanceReplacesSessions() throws {
        let t = TempDir(); makeFolder(t)
        let store = try Store(path: t.file("s.db"))
        _ = try Loader(store: store, maxRejectPct: 100).load(folder: t.file("in"))
        t.write("in/episodes-update.csv", "episode_id,child_id,service,level,allocation_date,closure_date\nE1,C1,YIT,EH3,2026-01-05,2026-04-30\n")
        t.write("in/attendance-2.csv", "child_id,school_urn,date,session,mark\nC1,100,2026-01-05,PM,I\nC1,100,2026-02-02,AM,/\n")
        let r = try Loader(store: store, maxRejectPct: 100).load(folder: t.file("in"))
        #expect(r.files.filter { !$0.unchanged }.map(\.file) == ["episodes-update.csv", "attendance-2.csv"])
        let d = try store.dataset()
        let e1 = d.episodes.first { $0.episodeID == "E1" }!
        #expect(e1.closureDate == Days.from(year: 2026, month: 4, day: 30))
        #expect(e1.locality == "Unknown")   // the newer row replaces the whole episode
        let mark = try store.read { try String.fetchOne($0, sql: "SELECT mark FROM attendance_sessions WHERE child_id='C1' AND school_urn='100' AND date='2026-01-05' AND session='PM'") }
        #expect(mark == "I")
        let c1 = d.attendance.first { $0.childID == "C1" }!
        // 5 Jan: AM / at 100, PM I at 100, AM / at 200 → 2 attended, 1 authorised
        let jan5 = c1.totals(from: Days.from(year: 2026, month: 1, day: 5), through: Days.from(year: 2026, month: 1, day: 5))
        #expect(jan5 == SessionTotals(attended: 2, authorised: 1, unauthorised: 0, notPossible: 0))
        #expect(c1.totals(from: 0, through: 30000).all == 4)
    }

    @Test func aFailurePartWayThroughAFileLeavesTheStoreAsBefore() throws {
        let t = TempDir(); makeFolder(t)
        let store = try Store(path: t.file("s.db"))
        var loader = Loader(store: store, maxRejectPct: 100)
        struct Boom: Error {}
        loader.afterWrite = { name in if name == "outcomes.csv" { throw Boom() } }
        #expect(throws: Boom.self) { _ = try loader.load(folder: t.file("in")) }
        let counts = try store.rowCounts()
        #expect(counts["episodes"] == 2)       // the file before it stays loaded
        #expect(counts["outcomes"] == 0 && counts["load_log"] == 1)
        // A clean retry loads the rest
        let r = try Loader(store: store, maxRejectPct: 100).load(folder: t.file("in"))
        #expect(r.files.map(\.unchanged) == [true, false, false])
        #expect(try store.rowCounts()["outcomes"] == 2)
    }

    @Test func missingRequiredColumnRejectsTheWholeFile() throws {
        let t = TempDir()
        t.write("in/episodes.csv", "episode_id,child_id,service,level\nE1,C1,YIT,EH3\n")
        let store = try Store(path: t.file("s.db"))
        let r = try Loader(store: store).load(folder: t.file("in"))
        #expect(r.contractError == .missingColumn(file: "episodes.csv", column: "allocation_date"))
        #expect(try store.rowCounts()["episodes"] == 0)
    }

    @Test func aFileOverTheRejectLimitIsNotLoaded() throws {
        let t = TempDir(); makeFolder(t)
        let store = try Store(path: t.file("s.db"))
        let r = try Loader(store: store, maxRejectPct: 5).load(folder: t.file("in"))
        #expect(r.exceededRejectLimit)
        #expect(r.files.count == 1 && r.files[0].overRejectLimit)   // stops at episodes.csv (2 of 4 rejected)
        #expect(try store.rowCounts()["episodes"] == 0)
    }

    @Test func gzipAttendanceLoadsLikePlain() throws {
        let t = TempDir(); makeFolder(t)
        try FileManager.default.removeItem(atPath: t.file("in/attendance.csv"))
        let gz = try GzipFileWriter(path: t.file("in/attendance.csv.gz"))
        try gz.write(Self.attendance); try gz.close()
        let store = try Store(path: t.file("s.db"))
        let r = try Loader(store: store, maxRejectPct: 100).load(folder: t.file("in"))
        #expect(r.files.last!.file == "attendance.csv.gz" && r.files.last!.rowsLoaded == 4)
    }

    @Test func storeFileIsOwnerOnly() throws {
        let t = TempDir()
        let old = umask(0)
        defer { umask(old) }
        _ = try Store(path: t.file("s.db"))
        let mode = try FileManager.default.attributesOfItem(atPath: t.file("s.db"))[.posixPermissions] as! Int
        #expect(mode & 0o777 == 0o600)
    }
}
