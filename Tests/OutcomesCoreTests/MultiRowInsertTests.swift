import Foundation
import GRDB
import Testing
@testable import OutcomesCore

/// The store's bulk writes put many rows in one statement (`MultiRowInsert`, docs/PERFORMANCE.md
/// "The store's writes"); the tables must come out exactly as when each row is its own statement,
/// on both sides of a statement's worth of rows, with keys repeated within a file and, for
/// attendance, with months already stored (whose statement fails and goes row by row).
@Suite struct MultiRowInsertTests {
    static let n = MultiRowInsert.defaultRows

    static func dump(_ store: Store, _ table: String) throws -> [[String]] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1, 2, 3").map { row in
                row.databaseValues.map { $0.isNull ? "NULL" : (String.fromDatabaseValue($0) ?? $0.description) }
            }
        }
    }

    /// Outcome rows whose keys repeat every 50 rows (so a repeat falls in the same statement as
    /// its first row, or in a later one): with `OR REPLACE` the last row of a key wins.
    static func outcomes(_ count: Int) -> [OutcomeScore] {
        (0..<count).map { i in
            OutcomeScore(episodeID: "E\(i % 50)", assessmentDate: Days.from(year: 2026, month: 1, day: 1 + i % 50 % 7),
                         stage: .entry, domain: "health", score: 1 + i / 50 % 10)
        }
    }

    @Test(arguments: [0, 1, n - 1, n, n + 1, 2 * n + 5])
    func outcomesAreStoredAsByOneStatementPerRow(count: Int) throws {
        let t = TempDir()
        let bulk = try Store(path: t.file("bulk.db")), single = try Store(path: t.file("single.db"))
        let rows = Self.outcomes(count)
        try bulk.transaction { try $0.upsert(outcomes: rows, file: "o.csv") }
        // The independent route: one plain SQL statement per row, through GRDB.
        try single.transaction { w in
            for o in rows {
                try w.db.execute(sql: "INSERT OR REPLACE INTO outcomes VALUES (?,?,?,?,?,?,?)",
                                 arguments: [o.episodeID, Days.iso(o.assessmentDate), o.stage.code, o.domain,
                                             o.ratedBy.rawValue, o.score, "o.csv"])
            }
        }
        let stored = try Self.dump(bulk, "outcomes")
        #expect(stored == (try Self.dump(single, "outcomes")))
        #expect(stored.count == min(count, 50))
        if count > 0 {
            // E0's rows are 0, 50, 100, …: the last one's score (1 + its number / 50) stays.
            let last = (count - 1) / 50 * 50
            #expect(stored.first { $0[0] == "E0" }?[5] == String(1 + last / 50 % 10))
        }
    }

    /// `count` months for pupils P000…, each with the mark `mark` in its first `sessions` slots.
    static func months(_ count: Int, from first: Int = 0, mark: String, sessions: Int) -> [AttendanceMonth] {
        let m = Month(year: 2026, month: 1)
        let number = AttendanceMarks.number(of: mark)!
        return (first..<first + count).map { i in
            var marks = [UInt8](repeating: StoreSchema.noMark, count: 62)
            for s in 0..<sessions { marks[s] = StoreSchema.noMark + number }
            return AttendanceMonth(childID: String(format: "P%03d", i), schoolURN: "100", month: m, marks: marks)
        }
    }

    @Test(arguments: [n - 1, n, n + 1, 2 * n + 5])
    func attendanceMonthsMergeAsOneAtATimeWithSomeStoredBefore(count: Int) throws {
        let t = TempDir()
        let bulk = try Store(path: t.file("bulk.db")), single = try Store(path: t.file("single.db"))
        // Stored before: pupils 10-14 with four sessions late (L), and one pupil beyond the new ones.
        let before = Self.months(5, from: 10, mark: "L", sessions: 4) + Self.months(1, from: 900, mark: "L", sessions: 4)
        // New: two sessions present (/) for every pupil, so 10-14 keep their last two L marks.
        let new = Self.months(count, mark: "/", sessions: 2)
        for s in [bulk, single] { try s.transaction { try $0.merge(attendance: before) } }
        try bulk.transaction { try $0.merge(attendance: new) }
        try single.transaction { w in for m in new { try w.merge(attendance: [m]) } }
        let stored = try Self.dump(bulk, "attendance_months")
        #expect(stored == (try Self.dump(single, "attendance_months")))
        #expect(stored.count == count + 1)  // pupils 10-14 were among the new ones; P900 stays
        let present = String(UnicodeScalar(48 + AttendanceMarks.number(of: "/")!))
        let late = String(UnicodeScalar(48 + AttendanceMarks.number(of: "L")!))
        let p10 = try #require(stored.first { $0[0] == "P010" })
        #expect(p10[3] == present + present + late + late + String(repeating: "0", count: 58))
        // marks, possible, attended, authorised, unauthorised, not possible (L is present: late before close)
        #expect(Array(p10[4...]) == ["4", "4", "0", "0", "0"])
        let p0 = try #require(stored.first { $0[0] == "P000" })
        #expect(Array(p0[4...]) == ["2", "2", "0", "0", "0"])
    }

    /// An attendance file big enough that each spill and the end of the file write whole
    /// statements of months, some of them stored by an earlier file and some spilled earlier in
    /// this one and met again: the store and rejects equal those of a batch that never spills.
    @Test func spillsOfManyMonthsGiveTheSameStoreAndRejects() throws {
        var earlier = "child_id,school_urn,date,session,mark\n"
        for p in stride(from: 0, to: 400, by: 3) { earlier += String(format: "P%03d,100,2026-01-05,AM,L\n", p) }
        var text = "child_id,school_urn,date,session,mark\n"
        for p in 0..<400 {
            for (m, d) in [(1, 5), (1, 6), (2, 2)] {
                for s in ["AM", "PM"] { text += String(format: "P%03d,100,2026-%02d-%02d,%@,/\n", p, m, d, s) }
            }
        }
        // Back to months spilled long before: a new session, and a duplicate of line 2.
        text += "P001,100,2026-01-07,AM,N\nP000,100,2026-01-05,AM,N\n"
        func load(capacity: Int) throws -> (months: [[String]], rejects: [[String]], spills: Int) {
            let t = TempDir()
            let store = try Store(path: t.file("s.db"))
            t.write("a/attendance-1.csv", earlier)
            _ = try Loader(store: store).load(folder: t.file("a"))
            t.write("b/attendance-2.csv", text)
            var loader = Loader(store: store, maxRejectPct: 100)
            loader.attendanceCapacity = capacity
            var spills = 0
            loader.afterSpill = { _ in spills += 1 }
            let r = try loader.load(folder: t.file("b"))
            return (try Self.dump(store, "attendance_months"),
                    r.rejects.map { ["\($0.line)", $0.column, $0.value, $0.reason] }, spills)
        }
        let whole = try load(capacity: .max)
        let bounded = try load(capacity: 3 * Self.n)
        #expect(whole.spills == 0 && bounded.spills > 2)
        #expect(bounded.months == whole.months)
        #expect(bounded.rejects == whole.rejects)
        #expect(whole.months.count == 800)
        #expect(whole.rejects.count == 1 && whole.rejects[0][0] == "2403")
        let late = String(UnicodeScalar(48 + AttendanceMarks.number(of: "L")!))
        let present = String(UnicodeScalar(48 + AttendanceMarks.number(of: "/")!))
        let p3 = try #require(whole.months.first { $0[0] == "P003" && $0[2] == "2026-01" })
        // Slots 8-11 are 5 and 6 January; this file's 5 January AM replaced the earlier file's L.
        let slots = Array(p3[3]).map(String.init)
        #expect(slots[8...11] == [present, present, present, present][...] && !p3[3].contains(late))
        let p1 = try #require(whole.months.first { $0[0] == "P001" && $0[2] == "2026-01" })
        #expect(String(Array(p1[3])[12]) == String(UnicodeScalar(48 + AttendanceMarks.number(of: "N")!)))
    }
}
