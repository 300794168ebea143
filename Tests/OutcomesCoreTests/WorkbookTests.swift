import Foundation
import Testing
@testable import OutcomesCore

/// `outcomes.xlsx` read back cell by cell against the CSV files of the same run, with a tiny
/// SpreadsheetML reader of its own (the parts are unzipped by /usr/bin/unzip, not by the code
/// that wrote them), plus its About sheet, frozen header, autofilter, chart and determinism.
@Suite struct WorkbookTests {
    /// One run of the golden fixture extracts; returns the period folder.
    static func run(_ t: TempDir, threads: Int = 2, workbook: Bool = true) -> String {
        var o = RunOptions()
        o.extracts = GoldenRunTests.fixtures.appendingPathComponent("extracts").path
        o.db = t.file("store.db")
        o.out = t.file("out")
        o.queries = nil
        o.period = Month(year: 2026, month: 10)
        o.threads = threads
        o.workbook = workbook
        let status = Pipeline(options: o, console: Console(verbosity: .quiet, isTerminal: false)).run()
        #expect(status == .success)
        return t.file("out/2026-10")
    }

    /// A part of the workbook as text, through /usr/bin/unzip.
    static func part(_ xlsx: String, _ name: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/unzip")
        p.arguments = ["-p", xlsx, name]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// A read-back cell: a number or text.
    enum Read: Equatable { case number(Double), text(String) }

    /// The text between `<tag…>` and `</tag>` for every occurrence (the XML libxlsxwriter writes
    /// has no nested tags of the same name).
    static func elements(_ xml: String, _ tag: String) -> [String] {
        xml.components(separatedBy: "<\(tag)").dropFirst().compactMap { piece -> String? in
            guard piece.hasPrefix(">") || piece.hasPrefix(" ") else { return nil }
            if let selfClosed = piece.range(of: "/>"), let open = piece.range(of: ">"), selfClosed.lowerBound < open.lowerBound { return "" }
            return piece.components(separatedBy: "</\(tag)>")[0]
        }
    }

    static func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Every sheet by name, as rows of cells (column letters resolved, so gaps would show).
    static func sheets(_ xlsx: String) throws -> [(name: String, xml: String, rows: [[Read]])] {
        let shared = elements(try part(xlsx, "xl/sharedStrings.xml"), "si").map { si in
            unescape(elements(si, "t").map { $0.components(separatedBy: ">").last ?? $0 }.joined())
        }
        let wb = try part(xlsx, "xl/workbook.xml")
        let names = wb.components(separatedBy: "<sheet name=\"").dropFirst().map { unescape($0.components(separatedBy: "\"")[0]) }
        return try names.enumerated().map { i, name in
            let xml = try part(xlsx, "xl/worksheets/sheet\(i + 1).xml")
            let rows = elements(xml, "row").map { row -> [Read] in
                var out: [Read] = []
                for c in row.components(separatedBy: "<c r=\"").dropFirst() {
                    let ref = c.components(separatedBy: "\"")[0]
                    let col = ref.prefix { $0.isLetter }.reduce(0) { $0 * 26 + Int($1.asciiValue! - 64) } - 1
                    while out.count < col { out.append(.text("")) }
                    let head = c.components(separatedBy: ">")[0]
                    // Text held in the cell itself (libxlsxwriter's constant_memory mode).
                    if head.contains("t=\"inlineStr\"") {
                        let inline = elements(c, "is").first ?? ""
                        out.append(.text(unescape(elements(inline, "t").map { $0.components(separatedBy: ">").last ?? $0 }.joined())))
                        continue
                    }
                    // A cell with no value (a blank with a format) reads as empty text.
                    guard let v = c.components(separatedBy: "<v>").dropFirst().first?.components(separatedBy: "</v>")[0] else {
                        out.append(.text("")); continue
                    }
                    out.append(head.contains("t=\"s\"") ? .text(shared[Int(v)!]) : .number(Double(v)!))
                }
                return out
            }
            return (name, xml, rows)
        }
    }

    /// The CSV as fields (the tool's tables have no quoted commas in the fixture run).
    static func csv(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }

    @Test func everySheetEqualsItsCSVCellByCell() throws {
        let t = TempDir()
        let folder = Self.run(t)
        let xlsx = folder + "/outcomes.xlsx"
        let sheets = try Self.sheets(xlsx)
        let tables = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { $0.hasSuffix(".meta.csv") }.map { String($0.dropLast(9)) }.sorted()
        #expect(tables.count == 10 && tables.contains("attendance_benchmarks"))
        #expect(sheets.first?.name == "About")
        #expect(Set(sheets.map(\.name)) == Set(["About", "attendance_chart"] + tables))
        var numbers = 0
        for name in tables {
            let sheet = try #require(sheets.first { $0.name == name })
            let rows = try Self.csv("\(folder)/\(name).csv")
            let meta = try Self.csv("\(folder)/\(name).meta.csv")
            let numeric = Set(meta.filter { $0[1] == "Indicator" }.map { $0[0] } + ["time_period"])
            #expect(sheet.rows.count == rows.count, "\(name) rows")
            for (i, (want, got)) in zip(rows, sheet.rows).enumerated() {
                #expect(got.count == want.count, "\(name) row \(i + 1) width")
                for (j, (w, g)) in zip(want, got).enumerated() {
                    if i > 0 && numeric.contains(rows[0][j]) && !["c", "z", "x"].contains(w) {
                        numbers += 1
                        if g != .number(Double(w)!) { Issue.record("\(name) \(rows[0][j]) row \(i + 1): \(g) for \(w)") }
                    } else if g != .text(w) {
                        Issue.record("\(name) \(rows[0][j]) row \(i + 1): \(g) for text \(w)")
                    }
                }
            }
            // Header frozen, filter over the whole table.
            #expect(sheet.xml.contains("<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"), "\(name) frozen")
            let lastCol = Self.columnName(rows[0].count - 1)
            #expect(sheet.xml.contains("<autoFilter ref=\"A1:\(lastCol)\(rows.count)\"/>"), "\(name) autofilter")
        }
        #expect(numbers > 1000)
        // Codes stay text (old_la_code 878), symbols are text, the year a number.
        let att = try #require(sheets.first { $0.name == "attendance" })
        #expect(att.rows[1][8] == .text("878") && att.rows[1][0] == .number(2026))
        #expect(att.rows.contains { $0.contains(.text("c")) })
    }

    static func columnName(_ i: Int) -> String {
        var n = i + 1, s = ""
        while n > 0 { let r = (n - 1) % 26; s = String(UnicodeScalar(65 + r)!) + s; n = (n - 1) / 26 }
        return s
    }

    @Test func aboutSheetSaysWhatTheWorkbookHolds() throws {
        let t = TempDir()
        let folder = Self.run(t)
        let about = try #require(try Self.sheets(folder + "/outcomes.xlsx").first { $0.name == "About" })
        let text = about.rows.flatMap { $0 }.compactMap { c -> String? in if case .text(let s) = c { return s }; return nil }
        #expect(text.contains("Children's services outcomes: October 2026"))
        #expect(text.contains("October 2026: 2026-10-01 to 2026-10-31"))
        #expect(text.contains { $0.hasPrefix("5: counts from 1 to 5 are shown as c") })
        #expect(text.contains { $0.hasSuffix("Contains public sector information licensed under the Open Government Licence v3.0.") })
        for s in ["c", "z", "x", "distance_travelled", "activity_trend", "attendance_chart"] { #expect(text.contains(s), "\(s)") }
        // The source files with their SHA-256, as the manifest gives them.
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json")))
        for i in manifest.inputs { #expect(text.contains(i.file) && text.contains(i.sha256), "\(i.file)") }
    }

    @Test func trendChartDrawsTheAttendanceTrend() throws {
        let t = TempDir()
        let folder = Self.run(t)
        let xlsx = folder + "/outcomes.xlsx"
        let chart = try Self.part(xlsx, "xl/charts/chart1.xml")
        #expect(chart.contains("<c:lineChart>"))
        // The figures drawn are in the chart too, for readers that do not recalculate.
        #expect(chart.contains("<c:numCache>") && chart.contains("<c:strCache>"))
        // The chart's figures are the trend table's Total and all_pupils attendance, month by month.
        let sheet = try #require(try Self.sheets(xlsx).first { $0.name == "attendance_chart" })
        let trend = try Self.csv(folder + "/attendance_trend.csv")
        let h = trend[0]
        let (b, a) = (h.firstIndex(of: "breakdown")!, h.firstIndex(of: "attendance_pct")!)
        // A trend row's month: its `month` column, or (a time series) time_identifier and time_period.
        func label(_ r: [String]) -> String {
            if let m = h.firstIndex(of: "month") { return r[m] }
            return r[h.firstIndex(of: "time_identifier")!] + " " + r[h.firstIndex(of: "time_period")!]
        }
        let months = trend.dropFirst().map(label).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        #expect(!months.isEmpty)
        #expect(chart.contains("<c:f>attendance_chart!$B$2:$B$\(months.count + 1)</c:f>"))
        #expect(chart.contains("<c:f>attendance_chart!$C$2:$C$\(months.count + 1)</c:f>"))
        for (i, month) in months.enumerated() {
            let row = sheet.rows[i + 1]
            #expect(row[0] == .text(month))
            for (col, kind) in [(1, "Total"), (2, "all_pupils")] {
                let want = trend.first { label($0) == month && $0[b] == kind }?[a]
                let got = col < row.count ? row[col] : .text("")
                if let w = want, let v = Double(w) { #expect(got == .number(v), "\(month) \(kind)") }
                else { #expect(got == .text(""), "\(month) \(kind): a gap, never a number") }
            }
        }
    }

    @Test func sameInputsGiveTheSameBytesAndModeIsPrivate() throws {
        let a = TempDir(), b = TempDir(), c = TempDir()
        // One thread builds it at the end; two and four fill it while tables are suppressed.
        let fa = Self.run(a, threads: 1), fb = Self.run(b, threads: 4), fc = Self.run(c, threads: 2)
        let x = try Data(contentsOf: URL(fileURLWithPath: fa + "/outcomes.xlsx"))
        let y = try Data(contentsOf: URL(fileURLWithPath: fb + "/outcomes.xlsx"))
        let z = try Data(contentsOf: URL(fileURLWithPath: fc + "/outcomes.xlsx"))
        #expect(x == y && x == z)
        let attrs = try FileManager.default.attributesOfItem(atPath: fa + "/outcomes.xlsx")
        #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: fa + "/manifest.json")))
        let entry = try #require(manifest.outputs.first { $0.file == "outcomes.xlsx" })
        #expect(entry.access == "publishable")
        #expect(manifest.outputs.first { $0.file == "restricted/rejects.csv" }?.access == "restricted")
        #expect(!FileManager.default.fileExists(atPath: fa + "/.outcomes-\(getpid()).xlsx"))
    }

    /// The run's tables as sheets, read from its CSV and meta files in the order they were written.
    static func contents(_ folder: String) throws -> WorkbookContents {
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json")))
        let names = manifest.outputs.map(\.file).filter { $0.hasSuffix(".meta.csv") && !$0.contains("/") }.map { String($0.dropLast(9)) }
        let sheets = try names.map { n in
            try WorkbookSheet(name: n, csv: String(contentsOfFile: "\(folder)/\(n).csv", encoding: .utf8),
                              meta: String(contentsOfFile: "\(folder)/\(n).meta.csv", encoding: .utf8))
        }
        return WorkbookContents(period: Month(year: 2026, month: 10), threshold: 5, sheets: sheets, inputs: [])
    }

    /// The report fills the sheets in whatever order their tables are done being suppressed; the
    /// bytes must be those of filling them in order, whichever order that is.
    @Test func sheetsFilledInAnyOrderGiveTheSameBytes() throws {
        let t = TempDir()
        let c = try Self.contents(Self.run(t, threads: 1))
        #expect(c.sheets.count >= 9 && c.sheets.contains { $0.name == "attendance_trend" })
        let scratch = t.file("scratch")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let inOrder = try Workbook.data(c, scratch: scratch)
        // Backwards, the last table added after the others (as attendance_benchmarks is).
        let named = Array(c.sheets.dropLast())
        let b = try Workbook.builder(scratch: scratch, period: c.period, tables: named.map(\.name))
        for (i, s) in named.enumerated().reversed() { try b.fill(i, s) }
        try b.append(c.sheets.last!)
        let backwards = try b.finish(threshold: c.threshold, inputs: c.inputs)
        #expect(inOrder == backwards)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).isEmpty, "the scratch file is removed")
        // Text is held inline, so no cell refers to a shared string table filled in fill order.
        let xlsx = t.file("w.xlsx")
        try inOrder.write(to: URL(fileURLWithPath: xlsx))
        let feedback = try #require(try Self.sheets(xlsx).first { $0.name == "feedback" })
        #expect(feedback.xml.contains("t=\"inlineStr\"") && !feedback.xml.contains("t=\"s\""))
    }

    /// A table that cannot be read back fails the workbook with its file and line, and the
    /// half-built workbook's file is removed.
    @Test func aDamagedTableFailsTheFeedAndLeavesNoFile() throws {
        let t = TempDir()
        let scratch = t.file("scratch")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let feed = try WorkbookFeed(scratch: scratch, period: Month(year: 2026, month: 10), tables: ["a", "t"])
        feed.fill(0, name: "a", csv: "x,y\n1,2\n", meta: "col_name,col_type,indicator_dp\ny,Indicator,0\n")
        feed.fill(1, name: "t", csv: "a,b\n1,2\n3\n", meta: "col_name,col_type,indicator_dp\nb,Indicator,0\n")
        feed.finish(appending: [], threshold: 5, inputs: [])
        #expect(throws: WorkbookError.malformedTable(file: "t.csv", line: 3, reason: "1 fields where the header has 2")) {
            try feed.value()
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).isEmpty)
        // A sheet never filled is an error too, not a workbook short of a table.
        let short = try WorkbookFeed(scratch: scratch, period: Month(year: 2026, month: 10), tables: ["a", "t"])
        short.fill(0, name: "a", csv: "x,y\n1,2\n", meta: "col_name,col_type,indicator_dp\ny,Indicator,0\n")
        short.finish(appending: [], threshold: 5, inputs: [])
        #expect(throws: WorkbookError.library(step: "closing", message: "the sheet t was never filled")) { try short.value() }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).isEmpty)
    }

    @Test func noWorkbookTurnsItOff() {
        let t = TempDir()
        let folder = Self.run(t, workbook: false)
        #expect(!FileManager.default.fileExists(atPath: folder + "/outcomes.xlsx"))
        #expect(FileManager.default.fileExists(atPath: folder + "/attendance.csv"))
    }

    @Test(arguments: [("12", 12.0), ("-0.5", -0.5), ("3.25", 3.25)] as [(String, Double)])
    func figuresAreNumbers(text: String, value: Double) {
        #expect(WorkbookSheet.number(text) == value)
    }

    @Test(arguments: ["c", "z", "x", "", "1e5", "inf", "nan", "1.2.3", "-", "'=1"])
    func otherTextStaysText(text: String) {
        #expect(WorkbookSheet.number(text) == nil)
    }

    @Test func aDamagedTableNamesItsLine() {
        #expect(throws: WorkbookError.malformedTable(file: "t.csv", line: 3, reason: "1 fields where the header has 2")) {
            try WorkbookSheet(name: "t", csv: "a,b\n1,2\n3\n", meta: "col_name,col_type,indicator_dp\nb,Indicator,0\n")
        }
    }
}
