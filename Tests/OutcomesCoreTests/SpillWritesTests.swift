import Foundation
import GRDB
import Testing
@testable import OutcomesCore

/// The spill's writes made cheaper (docs/PERFORMANCE.md "The spill's writes"): a statement of
/// months that meets a stored key part-way keeps the rows before it and goes one at a time from
/// there (`INSERT OR FAIL`), and the staging table holds each spilled key once, deleted when the
/// key comes back. Compared with one statement per month and with the one-thread route.
@Suite struct SpillWritesTests {
    static let n = MultiRowInsert.defaultRows

    /// A stored month at each place in a statement's worth of new months (first row, second,
    /// last, first of the next statement, the rows left over after the full statements): the
    /// store equals one month per statement, and the stored month's marks are merged by hand.
    @Test(arguments: [0, 1, n - 1, n, 2 * n + 3])
    func aStoredMonthAnywhereInAStatementMergesAsOneAtATime(at position: Int) throws {
        let t = TempDir()
        let bulk = try Store(path: t.file("bulk.db")), single = try Store(path: t.file("single.db"))
        // Stored before: the month at `position`, late (L) in its first four sessions, and the
        // month after it, present (/) in its first session.
        let before = MultiRowInsertTests.months(1, from: position, mark: "L", sessions: 4)
            + MultiRowInsertTests.months(1, from: position + 1, mark: "/", sessions: 1)
        // New: two sessions unauthorised absent (O) for every month of 2n + 5.
        let new = MultiRowInsertTests.months(2 * Self.n + 5, mark: "O", sessions: 2)
        for s in [bulk, single] { try s.transaction { try $0.merge(attendance: before) } }
        try bulk.transaction { try $0.merge(attendance: new) }
        try single.transaction { w in for m in new { try w.merge(attendance: [m]) } }
        let stored = try MultiRowInsertTests.dump(bulk, "attendance_months")
        #expect(stored == (try MultiRowInsertTests.dump(single, "attendance_months")))
        #expect(stored.count == 2 * Self.n + 5)
        let absent = String(UnicodeScalar(48 + AttendanceMarks.number(of: "O")!))
        let late = String(UnicodeScalar(48 + AttendanceMarks.number(of: "L")!))
        let merged = try #require(stored.first { $0[0] == String(format: "P%03d", position) })
        // The new file's two O marks win; the third and fourth sessions keep the stored L.
        #expect(merged[3] == absent + absent + late + late + String(repeating: "0", count: 58))
        // possible, attended, authorised, unauthorised, not possible
        #expect(Array(merged[4...]) == ["4", "2", "0", "2", "0"])
        let next = try #require(stored.first { $0[0] == String(format: "P%03d", position + 1) })
        #expect(next[3] == absent + absent + String(repeating: "0", count: 60))
        #expect(Array(next[4...]) == ["2", "0", "0", "2", "0"])
        let other = try #require(stored.first { $0[0] == String(format: "P%03d", (position + 2) % (2 * Self.n + 5)) })
        #expect(Array(other[4...]) == ["2", "0", "0", "2", "0"])
    }

    /// A key staged, read back (its row deleted), staged again with other lines: the second
    /// staging is a plain insert of a key no longer there, and a lookup gives the latest lines.
    @Test func aKeyComingBackLeavesTheStagingTableAndCanBeStagedAgain() throws {
        let t = TempDir()
        let store = try Store(path: t.file("s.db"))
        try store.transaction { w in
            let sink = try AttendanceSink(w)
            #expect(try sink.staged(child: 1, school: 100, month: 7) == nil)
            let first: [UInt8] = [1, 0, 0, 0, 0, 0, 0, 0, 4]
            let second: [UInt8] = [3, 0, 0, 0, 0, 0, 0, 0, 4, 2]
            try first.withUnsafeBufferPointer { try sink.stage(child: 1, school: 100, month: 7, lines: $0) }
            try first.withUnsafeBufferPointer { try sink.stage(child: 1, school: 200, month: 7, lines: $0) }
            #expect(try Self.stagedCount(w.db) == 2)
            #expect(try sink.staged(child: 1, school: 100, month: 7) == first)
            // Back in the batch: no longer staged, so a second lookup finds nothing.
            #expect(try Self.stagedCount(w.db) == 1)
            #expect(try sink.staged(child: 1, school: 100, month: 7) == nil)
            try second.withUnsafeBufferPointer { try sink.stage(child: 1, school: 100, month: 7, lines: $0) }
            #expect(try sink.staged(child: 1, school: 100, month: 7) == second)
            #expect(try sink.staged(child: 1, school: 200, month: 7) == first)
            try sink.finish()
            #expect(try Int.fetchOne(w.db, sql: "SELECT count(*) FROM temp.sqlite_master WHERE name = 'outcomes_attendance_staging'") == 0)
        }
    }

    static func stagedCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM \(AttendanceSink.table)") ?? -1
    }

    /// Keys that spill, come back and spill again, many times over, read ahead on two threads
    /// with batches of 1 to 4 entries: the store and rejects are one thread's with no spill.
    @Test(arguments: [1, 2, 4])
    func keysSpilledAgainAndAgainGiveOneThreadsStore(capacity: Int) throws {
        // Pupils visited in turn, each month coming back after the others: every new row finds
        // its key spilled, reloads it and pushes another out.
        var text = "child_id,school_urn,date,session,mark\n"
        for round in 0..<3 {
            for p in 0..<5 {
                for m in 1...2 {
                    text += String(format: "P%d,100,2026-%02d-%02d,AM,/\n", p, m, 5 + round)
                }
            }
        }
        text += "P0,100,2026-01-05,AM,N\n"   // a duplicate of line 2, found through the staging table
        let t = TempDir()
        let folder = try ParallelLoadTests.writeFolder(t, gzip: false)
        t.write("in/attendance.csv", text)
        let whole = try ReadAheadTests.load(folder, t, threads: 1)
        let months = try #require(whole.loaded.tables["attendance_months"])
        #expect(whole.spills == 0 && months.count == 10)
        let rejects = whole.loaded.rejects.filter { $0.file == "attendance.csv" }
        #expect(rejects.count == 1 && rejects[0].line == 32 && rejects[0].reason.contains("line 2"))
        for threads in [1, 2] {
            let bounded = try ReadAheadTests.load(folder, t, threads: threads, capacity: capacity)
            #expect(bounded.spills >= 10, "\(bounded.spills) spills")
            #expect(bounded.loaded == whole.loaded)
            #expect(bounded.thrown == nil && bounded.contractError == nil)
        }
    }
}
