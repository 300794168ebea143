import Foundation
import GRDB
import Testing
@testable import OutcomesCore

/// PRECISE.md 29: a stray quote can never swallow the rest of a file quietly.
@Suite struct StrayQuoteTests {
    /// An attendance file of `n` data rows (lines 2...n+1), one pupil, one session a day from 2025-09-01.
    static func attendance(rows n: Int, edit: (Int, String) -> String = { $1 }) -> String {
        var s = "child_id,school_urn,date,session,mark\n"
        for i in 0..<n {
            let d = Days.iso(Days.parseISO("2025-09-01")! + Day(i / 2))
            s += edit(i + 2, "C1,100,\(d),\(i % 2 == 0 ? "AM" : "PM"),/") + "\n"
        }
        return s
    }

    @Test(arguments: [1, 2, 7, 64, 1 << 20], [false, true])
    func quoteOpenAtEndOfFileRejectsTheFileNamingItsLine(bufferSize: Int, gzip: Bool) throws {
        let t = TempDir()
        // Line 6 opens a quote that nothing closes: the reader must not hand out lines 6-10 as one field.
        let text = Self.attendance(rows: 9) { line, row in line == 6 ? "C1,\"100,2025-09-03,AM,/" : row }
        let path = t.file("attendance.csv" + (gzip ? ".gz" : ""))
        if gzip {
            let w = try GzipFileWriter(path: path)
            try Array(text.utf8).withUnsafeBytes { try w.write(bytes: $0) }
            try w.close()
        } else {
            t.write("attendance.csv", text)
        }
        var seen: [Int] = []
        #expect(throws: ExtractError.unclosedQuote(file: (path as NSString).lastPathComponent, line: 6)) {
            try CSVReader(path: path, bufferSize: bufferSize).forEachRecord { seen.append($0.line) }
        }
        // Records before the quote are delivered (the loader then throws the file away).
        #expect(seen == [1, 2, 3, 4, 5])
    }

    @Test(arguments: [3, 1 << 20])
    func unclosedQuoteHalfWayLoadsNothingAndIsNotLoggedAsLoaded(bufferSize: Int) throws {
        let t = TempDir()
        t.write("in/attendance.csv", Self.attendance(rows: 1000) { line, row in
            line == 501 ? row.replacingOccurrences(of: ",/", with: ",\"/") : row
        })
        let store = try Store(path: t.file("s.db"))
        var loader = Loader(store: store, maxRejectPct: 100)
        loader.bufferSize = bufferSize
        let r = try loader.load(folder: t.file("in"))
        #expect(r.contractError == .unclosedQuote(file: "attendance.csv", line: 501))
        let counts = try store.rowCounts()
        #expect(counts["attendance_months"] == 0 && counts["load_log"] == 0)
        #expect(r.contractError?.localizedDescription.contains("line 501") == true)
        // A second load fails the same way: the file was not recorded as loaded.
        #expect(try loader.load(folder: t.file("in")).contractError == .unclosedQuote(file: "attendance.csv", line: 501))
    }

    /// A stray quote on line 11 closed by another on line 31 joins 21 lines into one record: it is
    /// rejected once, at its first line, saying how many lines it spans, and weighs 21 rows.
    @Test(arguments: [4, 1 << 20])
    func joinedRecordCountsItsLinesAgainstTheLimit(bufferSize: Int) throws {
        let t = TempDir()
        t.write("in/attendance.csv", Self.attendance(rows: 100) { line, row in
            line == 11 ? row.replacingOccurrences(of: "C1,100,", with: "C1,\"100,")
                : line == 31 ? row.replacingOccurrences(of: ",/", with: ",/\"") : row
        })
        // 100 data lines; 21 are in the rejected record: 21% rejected.
        for (pct, over) in [(20.0, true), (21.0, false)] {
            let store = try Store(path: t.file("s\(pct).db"))
            var loader = Loader(store: store, maxRejectPct: pct)
            loader.bufferSize = bufferSize
            let r = try loader.load(folder: t.file("in"))
            let f = try #require(r.files.first)
            #expect(f.rowsRead == 80 && f.rowsRejected == 1 && f.rowsLoaded == 79)
            #expect(f.linesRead == 100 && f.linesRejected == 21)
            #expect(f.overRejectLimit == over, "limit \(pct)%")
            let reject = try #require(r.rejects.first)
            #expect(reject.line == 11)
            #expect(reject.reason.contains("spans 21 lines (11 to 31)"))
            #expect(reject.reason.hasPrefix("wrong number of fields: expected 5"))
            let stored = try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM load_log") }
            #expect(stored == (over ? 0 : 1))
        }
    }

    /// Records in other kinds of file weigh their lines the same way.
    @Test func episodesRecordSpanningLinesWeighsItsLines() throws {
        let t = TempDir()
        var text = "episode_id,child_id,service,level,allocation_date,closure_reason\n"
        for i in 1...18 { text += "E\(i),C\(i),YIT,EH3,2026-01-05,\n" }
        // A legal multi-line value (accepted) and a joined record with a bad level (rejected).
        text += "E19,C19,YIT,EH3,2026-01-05,\"moved\naway\"\n"
        text += "E20,C20,YIT,XX,2026-01-05,\"a\nb\nc\"\n"
        t.write("in/episodes.csv", text)
        let store = try Store(path: t.file("s.db"))
        let r = try Loader(store: store, maxRejectPct: 100).load(folder: t.file("in"))
        let f = try #require(r.files.first)
        #expect(f.rowsRead == 20 && f.rowsRejected == 1)
        #expect(f.linesRead == 18 + 2 + 3 && f.linesRejected == 3)
        #expect(r.rejects.map(\.line) == [22])
        #expect(r.rejects[0].column == "level" && r.rejects[0].reason.contains("spans 3 lines (22 to 24)"))
    }
}
