import Foundation
import GRDB
import Testing
@testable import OutcomesCore

/// OUTPUTS.md: the store keeps every rejected row of every load, and a file of nothing but bad
/// rows needs bounded memory.
@Suite struct RejectStoreTests {
    static func reject(_ i: Int) -> Reject {
        Reject(file: "f.csv", line: i + 2, column: i % 3 == 0 ? "" : "date", value: i % 5 == 0 ? "" : "v\(i),\"q\"",
               reason: i % 2 == 0 ? "invalid date" : "reason \(i)")
    }

    @Test(arguments: [0, 1, 3, 100])
    func spoolKeepsEveryRejectInOrderWithBoundedMemory(limit: Int) throws {
        let spool = RejectSpool(file: "f.csv", memoryLimit: limit)
        for i in 0..<50 { spool.append(Self.reject(i)) }
        #expect(spool.count == 50)
        #expect(spool.inMemory <= limit)
        #expect(spool.spilledToDisk == (limit < 50))
        #expect(try spool.all() == (0..<50).map(Self.reject))
        // Appending after reading back keeps the order (the file is read from the start each time).
        spool.append(Self.reject(50))
        #expect(try spool.all() == (0..<51).map(Self.reject))
    }

    @Test func spoolWithManyDistinctReasonsWritesTheRestInline() throws {
        let spool = RejectSpool(file: "f.csv", memoryLimit: 0)
        let n = RejectSpool.maxReasons + 10
        let rs = (0..<n).map { Reject(file: "f.csv", line: $0, column: "c", value: "", reason: "r\($0)") }
        for r in rs { spool.append(r) }
        #expect(try spool.all() == rs)
    }

    @Test func spoolOnDiskKeepsAWorkbookRowsSheet() throws {
        let spool = RejectSpool(file: "annex.xlsx", memoryLimit: 1)
        var a = Reject(file: "annex.xlsx", line: 17, column: "allocation_date", value: "31/02/2023", reason: "bad date")
        a.sheet = "List 6"
        let b = Reject(file: "annex.xlsx", line: 3, column: "", value: "", reason: "bad date")
        var c = a; c.sheet = "List 8"; c.line = 4
        for r in [a, b, c] { spool.append(r) }
        #expect(spool.spilledToDisk)
        let back = try spool.all()
        #expect(back == [a, b, c])
        #expect(back.map(\.location) == ["List 6!17", "3", "List 8!4"])
    }

    static let episodes = """
        episode_id,child_id,service,level,allocation_date
        E1,C1,YIT,EH3,2026-01-05
        E2,C2,YIT,XX,2026-01-05
        E3,C3,YIT,EH3,2026-02-30

        """

    @Test func loadKeepsRejectsInTheStoreWithTheFilesSHAAndTime() throws {
        let t = TempDir()
        t.write("in/episodes.csv", Self.episodes)
        t.write("in/attendance.csv", "child_id,school_urn,date,session,mark\nC1,1,2026-01-05,AM,/\nC1,1,2026-01-05,XM,/\n")
        let store = try Store(path: t.file("s.db"))
        var loader = Loader(store: store, maxRejectPct: 100)
        loader.rejectMemoryLimit = 1
        let r = try loader.load(folder: t.file("in"))
        #expect(r.rejectCount == 3 && r.spools.allSatisfy { $0.loadedAt != nil })
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.file_name, CAST(r.line AS TEXT), r.column_name, r.value, r.sha256 = l.sha256, r.loaded_at = l.loaded_at
                FROM rejects r JOIN load_log l ON l.id = r.load_id ORDER BY r.id
                """)
        }
        #expect(rows.map { [$0[0], $0[1], $0[2], $0[3]] as [String?] } == [
            ["episodes.csv", "3", "level", "XX"], ["episodes.csv", "4", "allocation_date", "2026-02-30"],
            ["attendance.csv", "3", "session", "XM"],
        ].map { $0 as [String?] })
        #expect(rows.allSatisfy { $0[4] == true && $0[5] == true })
        // The SHA-256 computed while parsing is the file's own.
        let sha = try store.read { try String.fetchOne($0, sql: "SELECT sha256 FROM load_log WHERE file_name = 'episodes.csv'") }
        let own = try sha256sum(t.file("in/episodes.csv"))
        #expect(sha == own)
        // Loading again adds nothing: the files are unchanged.
        _ = try loader.load(folder: t.file("in"))
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM rejects") } == 3)
    }

    /// A file over the limit leaves no reject in the store (it was not loaded) but keeps them all
    /// for the failed-run report, with little memory.
    @Test func fileOverTheLimitKeepsItsRejectsOutOfTheStore() throws {
        let t = TempDir()
        var text = "child_id,school_urn,date,session,mark\n"
        for i in 0..<5000 { text += "C\(i),1,2026-13-0\(i % 9 + 1),AM,/\n" }
        t.write("in/attendance.csv", text)
        let store = try Store(path: t.file("s.db"))
        var loader = Loader(store: store)
        loader.rejectMemoryLimit = 100
        let r = try loader.load(folder: t.file("in"))
        #expect(r.exceededRejectLimit)
        let spool = try #require(r.spools.first)
        #expect(spool.count == 5000 && spool.inMemory == 0 && spool.loadedAt == nil)
        let all = try spool.all()
        #expect(all.map(\.line) == Array(2...5001))
        #expect(all.allSatisfy { $0.column == "date" && $0.value.hasPrefix("2026-13-") })
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM rejects") } == 0)
    }
}

/// SHA-256 of a file by an independent route: the system's `sha256sum`.
func sha256sum(_ path: String) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    p.arguments = [path]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    return String(text.prefix(64))
}
