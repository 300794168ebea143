import Foundation
import GRDB
import Testing
@testable import OutcomesCore

/// A bounded attendance batch spills month entries to the store part-way through a file; the
/// store, the rejects and the accounting must come out exactly as when everything fits in memory.
@Suite struct AttendanceSpillTests {
    enum Order: CaseIterable { case byPupil, byDate }

    static let earlier = """
        child_id,school_urn,date,session,mark
        C1,100,2026-01-05,AM,L
        C1,100,2026-01-19,AM,/
        C9,100,2026-01-05,AM,N

        """

    /// Sessions for four pupils (C2 also at a second school) over five days of three months, in
    /// the given order, then rows that come back to keys spilled long before.
    static func file(_ order: Order) -> (text: String, lines: [String: Int]) {
        struct Row { var child: String, school: String, date: String, pm: Bool, mark: String }
        let codes = ["/", "\\", "N", "L", "I", "/"]
        var rows: [Row] = []
        for c in 1...4 {
            for school in c == 2 ? ["100", "200"] : ["100"] {
                for (m, first) in [(1, 5), (2, 2), (3, 2)] {
                    for d in first..<first + 5 {
                        for pm in [false, true] {
                            let date = String(format: "2026-%02d-%02d", m, d)
                            rows.append(Row(child: "C\(c)", school: school, date: date, pm: pm,
                                            mark: codes[(c + d + (pm ? 1 : 0)) % codes.count]))
                        }
                    }
                }
            }
        }
        if order == .byDate {
            rows.sort { a, b in (a.date, a.pm ? 1 : 0, a.child, a.school) < (b.date, b.pm ? 1 : 0, b.child, b.school) }
        }
        var text = "child_id,school_urn,date,session,mark\n"
        var lines: [String: Int] = [:]
        for (i, r) in rows.enumerated() {
            let s = r.pm ? "PM" : "AM"
            text += "\(r.child),\(r.school),\(r.date),\(s),\(r.mark)\n"
            lines["\(r.child),\(r.school),\(r.date),\(s)"] = i + 2
        }
        let tail = [
            "C1,100,2026-01-05,AM,N",     // duplicate of a long-spilled session
            "C1,100,2026-01-12,AM,/",     // new session in a spilled month: reloaded, not a duplicate
            "C3,100,2026-02-06,PM,/",     // duplicate
            "C1,100,2026-01-12,AM,L",     // duplicate of the reloaded month's new session
            "C4,100,2026-03-04,AM,Z9",    // bad mark
            "C2,200,2026-01-07,PM,/",     // duplicate at the second school
        ]
        for (i, t) in tail.enumerated() {
            text += t + "\n"
            let key = t.split(separator: ",").prefix(4).joined(separator: ",")
            if lines[key] == nil { lines[key] = rows.count + 2 + i }   // first occurrences only
        }
        return (text, lines)
    }

    struct Outcome: Equatable {
        var months: [[String]]
        var rejects: [[String]]
        var files: [FileLoadResult]
        var spills: Int
    }

    func load(_ order: Order, capacity: Int) throws -> Outcome {
        let t = TempDir()
        let store = try Store(path: t.file("s.db"))
        t.write("a/attendance-1.csv", Self.earlier)
        _ = try Loader(store: store).load(folder: t.file("a"))
        t.write("b/attendance-2.csv", Self.file(order).text)
        var loader = Loader(store: store, maxRejectPct: 100)
        loader.attendanceCapacity = capacity
        var spills = 0
        loader.afterSpill = { _ in spills += 1 }
        let r = try loader.load(folder: t.file("b"))
        return Outcome(months: try Self.months(store),
                       rejects: r.rejects.map { ["\($0.line)", $0.column, $0.value, $0.reason] },
                       files: r.files.map { var f = $0; f.sha256 = ""; return f }, spills: spills)
    }

    static func months(_ store: Store) throws -> [[String]] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM attendance_months ORDER BY child_id, school_urn, month").map { row in
                row.databaseValues.map { String.fromDatabaseValue($0) ?? $0.description }
            } + [[String(try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_temp_master") ?? -1)]]
        }
    }

    @Test(arguments: Order.allCases, [2, 3, 7])
    func spillingGivesTheSameStoreAndRejectsAsHoldingEverything(order: Order, capacity: Int) throws {
        let whole = try load(order, capacity: .max)
        let bounded = try load(order, capacity: capacity)
        #expect(whole.spills == 0)
        #expect(bounded.spills > 0)
        #expect(bounded.months == whole.months)
        #expect(bounded.rejects == whole.rejects)
        #expect(bounded.files == whole.files)
        let f = bounded.files[0]
        #expect(f.rowsRead == f.rowsLoaded + f.rowsRejected)
        #expect(f.rowsRejected == 5)
        let lines = Self.file(order).lines
        let dup = bounded.rejects.first { $0[3].contains("2026-01-05, session AM") }
        #expect(dup?[3].contains("line \(lines["C1,100,2026-01-05,AM"]!)") == true)
        let again = bounded.rejects.first { $0[3].contains("2026-01-12, session AM") }
        #expect(again?[3].contains("line \(lines["C1,100,2026-01-12,AM"]!)") == true)
    }

    @Test func aReloadedMonthKeepsBothHalvesAndTheEarlierFilesSessions() throws {
        let o = try load(.byPupil, capacity: 2)
        let jan = try #require(o.months.first { $0.prefix(3) == ["C1", "100", "2026-01"] })
        let marks = Array(jan[3].utf8)
        func code(_ day: Int, pm: Bool = false) -> UInt8 { marks[2 * (day - 1) + (pm ? 1 : 0)] }
        #expect(code(5) == 48 + AttendanceMarks.number(of: "/")!)     // this file's 5 Jan AM replaced L
        #expect(code(12) == 48 + AttendanceMarks.number(of: "/")!)     // added after the month was reloaded
        #expect(code(19) == 48 + AttendanceMarks.number(of: "/")!)     // only in the earlier file
    }

    @Test(arguments: Order.allCases)
    func aFailureAfterASpillLeavesTheStoreAsBefore(order: Order) throws {
        let t = TempDir()
        let store = try Store(path: t.file("s.db"))
        t.write("a/attendance-1.csv", Self.earlier)
        _ = try Loader(store: store).load(folder: t.file("a"))
        let before = try Self.months(store)
        t.write("b/attendance-2.csv", Self.file(order).text)
        struct Boom: Error {}
        for failAt in ["spill", "end"] {
            var loader = Loader(store: store, maxRejectPct: 100)
            loader.attendanceCapacity = 3
            var spills = 0
            loader.afterSpill = { _ in spills += 1; if failAt == "spill" && spills == 2 { throw Boom() } }
            loader.afterWrite = { _ in if failAt == "end" { throw Boom() } }
            #expect(throws: Boom.self) { _ = try loader.load(folder: t.file("b")) }
            #expect(try Self.months(store) == before)
            #expect(try store.rowCounts()["load_log"] == 1)
        }
        // Over the reject limit after spilling: nothing from the file stays either
        var strict = Loader(store: store, maxRejectPct: 1)
        strict.attendanceCapacity = 2
        let r = try strict.load(folder: t.file("b"))
        #expect(r.exceededRejectLimit)
        #expect(try Self.months(store) == before)
        // And a clean retry loads it like an unbounded load
        var retry = Loader(store: store, maxRejectPct: 100)
        retry.attendanceCapacity = 2
        _ = try retry.load(folder: t.file("b"))
        #expect(try Self.months(store) == (try load(order, capacity: .max)).months)
    }
}
