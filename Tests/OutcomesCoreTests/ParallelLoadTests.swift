import Foundation
import GRDB
import Testing
@testable import OutcomesCore

/// The load on two threads (docs/PERFORMANCE.md): one thread parses while the caller's thread
/// validates and stores, records handed over in blocks. Whatever the block and read sizes — down
/// to blocks that cut quoted multi-line fields, CRLF pairs and byte-order marks — the store, the
/// rejects (lines, order, messages, multi-line spans) and the file results must be exactly those
/// of the single-threaded load.
@Suite struct ParallelLoadTests {
    /// The shipped sample's files, shortened, with the awkward cases woven in: line ends that vary
    /// (LF, CRLF, lone CR), blank and space-only lines, a quoted field holding commas, `""` and line
    /// breaks, a stray quote that joins five lines into one rejected record, a duplicate, and a
    /// last line without a line end.
    static func extract(_ name: String, keep: Int) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("data").path
        let path = (root as NSString).appendingPathComponent(name)
        let reader = try CSVReader(path: path)
        var lines: [String] = []
        // Re-serialise the records (the sample has no quoted fields) so the text below is ours.
        try reader.forEachRecord { r in
            if lines.count <= keep { lines.append((0..<r.fieldCount).map { r.string($0) }.joined(separator: ",")) }
        }
        let header = lines.removeFirst()
        var out = "\u{FEFF}" + header + "\r\n"
        let multi = lines.count / 3, stray = lines.count / 2
        for (i, line) in lines.enumerated() {
            var l = line
            if i == multi {
                // The same row again under a new first value, its last field quoted over three lines.
                var f = l.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                f[0] = "X" + f[0]
                f[f.count - 1] = "\"\(f[f.count - 1]), \"\"quoted\"\"\r\nsecond\nthird\""
                out += f.joined(separator: ",") + "\n"
            }
            if i == stray { l = l.replacingOccurrences(of: ",", with: ",\"", options: [], range: l.range(of: ",")) }
            if i == stray + 4 { l += "\"" }
            let end = i % 7 == 3 ? "\r\n" : i % 11 == 5 ? "\r" : "\n"
            out += l + (i == lines.count - 1 ? "" : end)
            if i % 97 == 0 { out += "\n" }
            if i % 89 == 0 { out += "  \t \n" }
            if i == 40 { out += lines[10] + "\n" }  // a duplicate of an earlier row
        }
        return out
    }

    static func writeFolder(_ t: TempDir, gzip: Bool) throws -> String {
        try FileManager.default.createDirectory(atPath: t.file("in"), withIntermediateDirectories: true)
        let files = [("episodes.csv", 400), ("outcomes.csv", 900), ("feedback.csv", 500), ("attendance.csv.gz", 1500)]
        for (name, keep) in files {
            let text = try Self.extract(name, keep: keep)
            let plain = name.replacingOccurrences(of: ".gz", with: "")
            if gzip {
                let w = try GzipFileWriter(path: t.file("in/" + plain + ".gz"))
                try Array(text.utf8).withUnsafeBytes { try w.write(bytes: $0) }
                try w.close()
            } else {
                t.write("in/" + plain, text)
            }
        }
        return t.file("in")
    }

    struct Loaded: Equatable {
        var files: [FileLoadResult]
        var rejects: [Reject]
        var warnings: [String]
        var tables: [String: [[String]]]
    }

    /// Every table of the store, rows in the store's own order, `loaded_at` left out (a clock).
    static func dump(_ store: Store) throws -> [String: [[String]]] {
        try store.read { db in
            var out: [String: [[String]]] = [:]
            let names = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            for n in names {
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(n)")
                out[n] = rows.map { r in
                    let names = Array(r.columnNames)
                    return names.indices.filter { names[$0] != "loaded_at" }.map { i -> String in
                        let v: DatabaseValue = r[i]
                        return v.description
                    }
                }
            }
            return out
        }
    }

    func load(_ folder: String, _ t: TempDir, threads: Int, bufferSize: Int = 1 << 20, blockSize: Int = 1 << 20) throws -> Loaded {
        let store = try Store(path: t.file("s-\(threads)-\(bufferSize)-\(blockSize)-\(UUID().uuidString).db"))
        var loader = Loader(store: store, maxRejectPct: 100)
        loader.threads = threads
        loader.bufferSize = bufferSize
        loader.parseBlockSize = blockSize
        let r = try loader.load(folder: folder)
        #expect(r.contractError == nil)
        return Loaded(files: r.files, rejects: r.rejects, warnings: r.warnings, tables: try Self.dump(store))
    }

    @Test(arguments: [false, true], [(1, 1), (7, 7), (4096, 4096), (1 << 20, 1 << 20), (1 << 20, 7), (3, 4096)])
    func twoThreadsLoadExactlyWhatOneThreadLoads(gzip: Bool, sizes: (read: Int, block: Int)) throws {
        // Tiny gzip reads mean one thread hand-off per inflated byte: slow, and no more telling.
        if gzip && sizes.read < 7 { return }
        let t = TempDir()
        let folder = try Self.writeFolder(t, gzip: gzip)
        let one = try load(folder, t, threads: 1)
        let two = try load(folder, t, threads: 2, bufferSize: sizes.read, blockSize: sizes.block)
        #expect(one == two)
        // The files do hold what the test is about: rows loaded, a multi-line reject, a duplicate.
        #expect(one.files.count == 4 && one.files.allSatisfy { $0.rowsLoaded > 100 })
        #expect(one.rejects.contains { $0.reason.contains("spans 5 lines") })
        #expect(one.rejects.contains { $0.reason.contains("duplicate") || $0.reason.contains("already") })
        #expect(one.tables["attendance_months"]?.isEmpty == false)
    }

    // MARK: The reader itself

    struct Parsed: Equatable {
        var line: Int, span: Int, fields: [String]
    }

    static func read(_ path: String, bufferSize: Int, blockSize: Int?, stopAt: Int? = nil) -> (records: [Parsed], error: String?) {
        var out: [Parsed] = []
        do {
            let reader = try CSVReader(path: path, bufferSize: bufferSize, parseThreadBlockSize: blockSize)
            try reader.forEachRecord { r in
                if let stopAt, r.line >= stopAt { throw StopHere() }
                out.append(Parsed(line: r.line, span: r.lineSpan, fields: (0..<r.fieldCount).map { r.string($0) }))
            }
            return (out, nil)
        } catch {
            return (out, "\(error)")
        }
    }

    struct StopHere: Error {}

    /// Quoted fields that hold commas, `""`, CR, LF and CRLF, cut by every block size from 4 to
    /// 40 bytes (a block of 4 holds one byte after the byte-order mark).
    static let awkward = "\u{FEFF}a,b,c\r\n\"x,\"\"y\"\"\r\nz\",  2 ,\"\"\n\n \t \r\"\n\",\"\r\",\"\r\n\"\r\r\nlast,\"q\"tail, end"

    @Test func blocksCutAnywhereGiveTheSameRecords() throws {
        let t = TempDir()
        let path = t.write("a.csv", Self.awkward)
        let expected = Self.read(path, bufferSize: 1 << 20, blockSize: nil)
        #expect(expected.error == nil)
        #expect(expected.records == [
            Parsed(line: 1, span: 1, fields: ["a", "b", "c"]),
            Parsed(line: 2, span: 2, fields: ["x,\"y\"\r\nz", "2", ""]),
            Parsed(line: 6, span: 3, fields: ["\n", "\r", "\r\n"]),
            Parsed(line: 10, span: 1, fields: ["last", "qtail", "end"]),
        ])
        for block in 1...40 {
            for read in [1, 2, 3, 5, 1 << 20] {
                let got = Self.read(path, bufferSize: read, blockSize: block)
                #expect(got.records == expected.records && got.error == nil, "block \(block), read \(read)")
            }
        }
    }

    /// A fault of the parser reaches the caller after every record before it, as on one thread;
    /// a caller that stops early stops the parsing thread.
    @Test(arguments: [4, 9, 64, 1 << 20])
    func faultsAndEarlyStopsMatchOneThread(blockSize: Int) throws {
        let t = TempDir()
        var rows = "child_id,school_urn,date,session,mark\n"
        for i in 0..<500 { rows += "C\(i),100,2025-09-01,AM,/\n" }
        let open = t.write("open.csv", rows + "C9,\"100,2025-09-01,AM,/\nC10,100,2025-09-01,AM,/\n")
        let badUTF8 = t.file("bad.csv")
        _ = FileManager.default.createFile(atPath: badUTF8, contents: Data(Array(rows.utf8) + [0x43, 0xC3, 0x28, 0x0A]))
        for path in [open, badUTF8] {
            for read in [1, 7, 1 << 20] {
                let one = Self.read(path, bufferSize: read, blockSize: nil)
                let two = Self.read(path, bufferSize: read, blockSize: blockSize)
                #expect(one.error != nil && one.records.count == 501)
                #expect(one.records == two.records && one.error == two.error, "\(path) read \(read)")
                let stopped = Self.read(path, bufferSize: read, blockSize: blockSize, stopAt: 300)
                #expect(stopped.records == Array(one.records.prefix(299)) && stopped.error == "\(StopHere())")
            }
        }
        let e = Self.read(open, bufferSize: 7, blockSize: blockSize).error
        #expect(e == "\(ExtractError.unclosedQuote(file: "open.csv", line: 502))")
    }
}
