import Foundation
import Testing
@testable import OutcomesCore

/// Buffer sizes down to one byte force every split: CRLF, `""`, BOM and records across reads.
private let bufferSizes = [1, 2, 3, 5, 7, 64, 1 << 20]

private struct Parsed: Equatable, CustomStringConvertible {
    var line: Int
    var fields: [String]
    /// Physical lines the record spans (PRECISE.md 29).
    var span = 1
    /// Set (alone) when the file ends inside quotes: the line where that quote opened.
    var unclosedQuoteAt: Int?
    var description: String { unclosedQuoteAt.map { "unclosed quote at \($0)" } ?? "\(line)+\(span):\(fields)" }
}

/// An independent, deliberately simple reference: String scalars, one field at a time. A file
/// that ends inside quotes gives one `Parsed` naming the line the quote opened on.
private func referenceParse(_ text: String) -> [Parsed] {
    var s = Array(text.unicodeScalars)
    if s.first == "\u{FEFF}" { s.removeFirst() }
    func trim(_ v: String) -> String {
        var u = Substring(v)
        while let f = u.first, f == " " || f == "\t" { u = u.dropFirst() }
        while let l = u.last, l == " " || l == "\t" { u = u.dropLast() }
        return String(u)
    }
    var out: [Parsed] = []
    var i = 0, line = 1
    while i < s.count {
        if s[i] == "\n" { line += 1; i += 1; continue }
        if s[i] == "\r" {
            i += 1
            if i < s.count && s[i] == "\n" { i += 1 }
            line += 1
            continue
        }
        let start = line
        var end = line
        var fields: [String] = []
        while true {
            var v = String.UnicodeScalarView()
            while i < s.count && (s[i] == " " || s[i] == "\t") { i += 1 }
            if i < s.count && s[i] == "\"" {
                let opened = line
                var closed = false
                i += 1
                while i < s.count {
                    if s[i] == "\"" {
                        if i + 1 < s.count && s[i + 1] == "\"" { v.append("\""); i += 2; continue }
                        i += 1
                        closed = true
                        break
                    }
                    if s[i] == "\n" { line += 1 }
                    v.append(s[i]); i += 1
                }
                if !closed { return [Parsed(line: 0, fields: [], unclosedQuoteAt: opened)] }
            }
            while i < s.count && s[i] != "," && s[i] != "\n" && s[i] != "\r" { v.append(s[i]); i += 1 }
            fields.append(trim(String(v)))
            end = line
            if i >= s.count { break }
            if s[i] == "," { i += 1; continue }
            if s[i] == "\r" { i += 1; if i < s.count && s[i] == "\n" { i += 1 } } else { i += 1 }
            line += 1
            break
        }
        // A line holding nothing but white space is blank (PRECISE 3): skipped like an empty one.
        if fields != [""] { out.append(Parsed(line: start, fields: fields, span: end - start + 1)) }
    }
    return out
}

private let trickyInputs: [String] = [
    "",
    "\n\n",
    "a,b,c\n1,2,3\n",
    "\u{FEFF}child_id,mark\nC1,/\n",
    "\u{FEFF}",
    "a,b\r\n1,2\r\n3,4",
    "a,b\r\n\r\n\r\n1,2\r\n",
    "a\n\n\nb\n\n",
    "x,\"a,b\",y\n1,2,3\n",
    "note,id\n\"line1\nline2\r\nline3\",7\nnext,8\n",
    "q\n\"he said \"\"hi\"\"\",\"\"\"\",\"\"\n",
    "  a  ,\tb\t, c \n  \"  quoted  \"  ,\t\"x\"\t,\" y\"z \n",
    "last,line,no,newline",
    ",,\n,\n,,,",
    "a\"b,c\"\"d,\"e\"f\"g\n",
    "ok,\"unterminated\nrest,of\nfile",
    "a\rb\rc",
    "a,b\r",
    "é,ü\n\"ß,\",中\n",
    "id,text\n1,\"" + String(repeating: "long \"\" field, ", count: 400) + "\"\n2,x\n",
    String(repeating: "C0001234,123456,2025-09-03,AM,/\n", count: 300),
]

/// Deterministic random inputs over the bytes that matter to the grammar.
private func fuzzInputs(count: Int) -> [String] {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    let alphabet = ["a", "b", ",", "\"", "\n", "\r", "\r\n", " ", "\t", "é", "\u{FEFF}"]
    return (0..<count).map { _ in
        let n = Int(next() % 40)
        return (0..<n).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }.joined()
    }
}

private func tempDir() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("csvreader-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

private func writeGzip(_ bytes: [UInt8], to path: String) throws {
    let w = try GzipFileWriter(path: path)
    try bytes.withUnsafeBytes { try w.write(bytes: $0) }
    try w.close()
}

private func readAll(_ path: String, bufferSize: Int) throws -> [Parsed] {
    var out: [Parsed] = []
    let reader = try CSVReader(path: path, bufferSize: bufferSize)
    do {
        try reader.forEachRecord { rec in
            out.append(Parsed(line: rec.line, fields: (0..<rec.fieldCount).map { rec.string($0) }, span: rec.lineSpan))
        }
    } catch ExtractError.unclosedQuote(_, let line) {
        return [Parsed(line: 0, fields: [], unclosedQuoteAt: line)]
    }
    return out
}

@Suite struct CSVReaderTests {
    @Test(arguments: bufferSizes, [false, true])
    func matchesReference(bufferSize: Int, gzip: Bool) throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inputs = trickyInputs + fuzzInputs(count: gzip ? 60 : 300)
        for (n, text) in inputs.enumerated() {
            let path = dir.appendingPathComponent("case\(n).csv" + (gzip ? ".gz" : "")).path
            if gzip {
                try writeGzip(Array(text.utf8), to: path)
            } else {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            }
            let got = try readAll(path, bufferSize: bufferSize)
            #expect(got == referenceParse(text), "input #\(n): \(text.debugDescription)")
        }
    }

    @Test func quotedLineBreaksCountTowardsLineNumbers() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("e.csv").path
        try Data("h1,h2\n\"a\nb\r\nc\",1\n\n2,\"x\"\n".utf8).write(to: URL(fileURLWithPath: path))
        let got = try readAll(path, bufferSize: 3)
        #expect(got == [
            Parsed(line: 1, fields: ["h1", "h2"]),
            Parsed(line: 2, fields: ["a\nb\r\nc", "1"], span: 3),
            Parsed(line: 6, fields: ["2", "x"]),
        ])
    }

    @Test func plainContentNamedGzThrowsNotGzip() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, text) in [("a.csv.gz", "a,b\n1,2\n"), ("b.CSV.GZ", "x"), ("c.csv.gz", "")] {
            let path = dir.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            #expect(throws: ExtractError.notGzip(file: name)) { _ = try CSVReader(path: path) }
        }
    }

    @Test func missingFileThrowsUnreadable() {
        #expect(throws: ExtractError.self) { _ = try CSVReader(path: "/nonexistent/x.csv") }
        #expect(throws: ExtractError.self) { try CSVReader(path: "/tmp").forEachRecord { _ in } }
    }

    @Test(arguments: [1, 64, 1 << 20])
    func truncatedGzipThrowsCorrupt(bufferSize: Int) throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.csv.gz").path
        let rows = (0..<2000).map { "C\($0),123456,2025-09-03,AM,/\n" }.joined()
        try writeGzip(Array(rows.utf8), to: path)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes.removeLast(bytes.count / 3)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var seen = 0
        let error = #expect(throws: ExtractError.self) {
            try CSVReader(path: path, bufferSize: bufferSize).forEachRecord { _ in seen += 1 }
        }
        guard case .corruptGzip(let file, _)? = error else {
            Issue.record("expected corruptGzip, got \(String(describing: error))")
            return
        }
        #expect(file == "t.csv.gz")
        #expect(seen < 2000)

        // Damaged in the middle rather than cut short.
        let good = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        var bad = good
        for i in 20..<min(60, bad.count) { bad[i] ^= 0x5A }
        try Data(bad).write(to: URL(fileURLWithPath: path))
        #expect(throws: ExtractError.self) {
            try CSVReader(path: path, bufferSize: bufferSize).forEachRecord { _ in }
        }
    }

    @Test(arguments: [1, 7, 1 << 20], [false, true])
    func rawObserverSeesExactlyTheFile(bufferSize: Int, gzip: Bool) throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("r.csv" + (gzip ? ".gz" : "")).path
        let text = "\u{FEFF}a,b\r\n" + (0..<500).map { "\($0),\"x\ny\"\n" }.joined()
        if gzip {
            try writeGzip(Array(text.utf8), to: path)
        } else {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        }
        var seen: [UInt8] = []
        let reader = try CSVReader(path: path, bufferSize: bufferSize) { seen.append(contentsOf: $0) }
        var records = 0
        try reader.forEachRecord { _ in records += 1 }
        let file = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(seen == file)
        #expect(reader.bytesRead == file.count)
        #expect(records == 501)
    }

    @Test(arguments: [1, 5, 1 << 20])
    func concatenatedGzipMembersReadAsOneFile(bufferSize: Int) throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let parts = ["h1,h2\r", "\n1,\"a", "\"\"b\"\n2,c\n", "", "3,d"]
        var joined: [UInt8] = []
        for (n, p) in parts.enumerated() {
            let path = dir.appendingPathComponent("p\(n).gz").path
            try writeGzip(Array(p.utf8), to: path)
            joined += try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        }
        let path = dir.appendingPathComponent("all.csv.gz").path
        try Data(joined).write(to: URL(fileURLWithPath: path))
        let got = try readAll(path, bufferSize: bufferSize)
        #expect(got == referenceParse(parts.joined()))
        #expect(got.count == 4)
    }

    @Test func gzipReaderDroppedUnreadDoesNotHang() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("u.csv.gz").path
        try writeGzip(Array("a,b\n".utf8), to: path)
        var reader: CSVReader? = try CSVReader(path: path)
        #expect(reader != nil)
        reader = nil
    }

    @Test func errorFromBodyStopsReadingAndPropagates() throws {
        struct Stop: Error {}
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.csv.gz").path
        try writeGzip(Array(String(repeating: "a,b\n", count: 100_000).utf8), to: path)
        var seen = 0
        #expect(throws: Stop.self) {
            try CSVReader(path: path, bufferSize: 256).forEachRecord { _ in
                seen += 1
                if seen == 10 { throw Stop() }
            }
        }
        #expect(seen == 10)
    }
}
