import Foundation
import ZIPFoundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One sheet of an `.xlsx` workbook as a table source (PROFILES.md 11-12).
///
/// The workbook is a zip of SpreadsheetML parts read with ZIPFoundation without unpacking to
/// disk; each part is parsed by `XMLParser` with a delegate (no regular expressions):
/// `xl/workbook.xml` for the sheet names (and the 1904 date system), its relationships for the
/// sheet's part, `xl/sharedStrings.xml`, `xl/styles.xml` for which cell styles are dates, then
/// the sheet itself, row by row.
///
/// Cells are read as text: shared and inline strings as written; numbers as written without a
/// trailing `.0`; booleans `TRUE`/`FALSE`; numbers in a date-formatted cell as ISO dates (the
/// time part dropped); formulas by their cached value; errors (`#N/A` …) as empty. Row numbers
/// are the sheet's, so rejects read `sheet!row`.
public final class XLSXTable: TableSource {
    public let file: String
    public private(set) var sheet: String?
    public var ragged: Bool { true }
    public private(set) var bytesRead = 0
    /// The workbook's sheet names in order.
    public let sheets: [String]

    private let archive: Archive
    private let sheetPath: String
    private let size: Int

    /// Opens the workbook and finds the sheet (default: the first).
    /// - Throws: `ExtractError.badWorkbook` (not a zip, damaged, password-protected) or
    ///   `.missingSheet` naming the sheets it has (exit 3).
    public init(path: String, sheet wanted: String?) throws {
        let file = (path as NSString).lastPathComponent
        self.file = file
        size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if let fh = FileHandle(forReadingAtPath: path) {
            let magic = (try? fh.read(upToCount: 4)) ?? Data()
            try? fh.close()
            // An encrypted workbook is an OLE compound file holding the encrypted package.
            if magic == Data([0xD0, 0xCF, 0x11, 0xE0]) {
                throw ExtractError.badWorkbook(file: file, detail: "it is password-protected (or an old .xls renamed .xlsx); remove the password or save it again as .xlsx or CSV UTF-8")
            }
        }
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw ExtractError.badWorkbook(file: file, detail: "it is not a zip of workbook parts (\(error)); open it in Excel and save it again as .xlsx")
        }
        let wb = try Self.parse(archive, "xl/workbook.xml", file: file, WorkbookParser())
        let rels = try Self.parse(archive, "xl/_rels/workbook.xml.rels", file: file, RelsParser())
        sheets = wb.sheets.map(\.name)
        guard let chosen = wanted.map({ w in wb.sheets.first { $0.name == w } ?? wb.sheets.first { $0.name.lowercased() == w.lowercased() } }) ?? wb.sheets.first else {
            throw ExtractError.missingSheet(file: file, sheet: wanted ?? "(the first)", sheets: sheets)
        }
        guard let target = rels.targets[chosen.rid] else {
            throw ExtractError.badWorkbook(file: file, detail: "sheet \(chosen.name) has no part; save it again as .xlsx")
        }
        sheetPath = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        sheet = chosen.name
        date1904 = wb.date1904
    }

    private let date1904: Bool

    public func forEachRow(_ body: (CSVRecord) throws -> Void) throws {
        let shared = archive["xl/sharedStrings.xml"] == nil ? [] : try Self.parse(archive, "xl/sharedStrings.xml", file: file, SharedStringsParser()).strings
        let styles = archive["xl/styles.xml"] == nil ? StylesParser() : try Self.parse(archive, "xl/styles.xml", file: file, StylesParser())
        let data = try Self.extract(archive, sheetPath, file: file)
        try withoutActuallyEscaping(body) { body in
            let p = SheetParser(shared: shared, dateStyles: styles.dateStyles, date1904: date1904, body: body)
            try Self.run(p, data: data, part: sheetPath, file: file)
            if let e = p.failure { throw e }
            if !p.complete {
                throw ExtractError.badWorkbook(file: file, detail: "part \(sheetPath) is not well-formed XML (it is cut short); export the workbook again")
            }
        }
        bytesRead = size
    }

    // MARK: Parts

    static func extract(_ archive: Archive, _ path: String, file: String) throws -> Data {
        guard let entry = archive[path] else {
            throw ExtractError.badWorkbook(file: file, detail: "part \(path) is missing; open it in Excel and save it again as .xlsx")
        }
        var data = Data()
        data.reserveCapacity(Int(clamping: entry.uncompressedSize))
        do {
            _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
        } catch {
            throw ExtractError.badWorkbook(file: file, detail: "part \(path) is damaged (\(error)); export the workbook again")
        }
        return data
    }

    static func parse<P: PartParser>(_ archive: Archive, _ path: String, file: String, _ p: P) throws -> P {
        try run(p, data: try extract(archive, path, file: file), part: path, file: file)
        return p
    }

    static func run(_ p: PartParser, data: Data, part: String, file: String) throws {
        // Fed as a stream: the parser then reads it in small chunks. Handed 10 MB or more in one
        // piece, libxml2 stops at its lookup limit, and a sheet is a single line of XML.
        let parser = XMLParser(stream: InputStream(data: data))
        parser.delegate = p
        if !parser.parse(), p.failure == nil {
            let why = parser.parserError.map { "\($0.localizedDescription)" } ?? "unknown XML error"
            throw ExtractError.badWorkbook(file: file, detail: "part \(part) is not well-formed XML at line \(parser.lineNumber) (\(why)); export the workbook again")
        }
    }

    // MARK: Cells

    /// Excel's built-in number formats that show a date (ids 14-17 and 22; the locale-specific
    /// 27-36 and 50-58 are dates in the East Asian locales that use them). Time-only formats
    /// (18-21, 45-47) are not dates.
    static let builtInDateFormats: Set<Int> = Set([14, 15, 16, 17, 22] + Array(27...36) + Array(50...58))

    /// True when a custom format code shows a date: it has a day or year part outside quoted
    /// text, escapes and `[…]` sections (`m` alone may be minutes).
    static func isDateFormat(_ code: String) -> Bool {
        var inQuote = false, inBracket = false, escaped = false
        for ch in code {
            if escaped { escaped = false; continue }
            if inQuote { if ch == "\"" { inQuote = false }; continue }
            if inBracket { if ch == "]" { inBracket = false }; continue }
            switch ch {
            case "\"": inQuote = true
            case "[": inBracket = true
            case "\\", "_", "*": escaped = true
            case "d", "D", "y", "Y": return true
            default: break
            }
        }
        return false
    }

    /// A serial date number as ISO `yyyy-mm-dd` (the time part dropped), or nil when it is not
    /// a number. The 1900 system counts the phantom 29 February 1900 as day 60.
    static func isoDate(serial text: String, date1904: Bool) -> String? {
        guard let v = Double(text), v.isFinite, v >= 0, v < 2_958_466 else { return nil }
        let whole = Int(v.rounded(.down))
        let fromEpoch: Int  // days since 1970-01-01
        if date1904 { fromEpoch = whole - 24107 } else { fromEpoch = whole < 61 ? whole - 25568 : whole - 25569 }
        if !date1904 && whole == 60 { return "1900-02-28" }  // the day that never was: nearest real day
        return Days.iso(Day(fromEpoch))
    }

    /// A number as written, without a fractional part of zeros (`17`, not `17.0`).
    static func number(_ text: String) -> String {
        guard let dot = text.firstIndex(of: "."), !text.contains("E"), !text.contains("e") else { return text }
        let frac = text[text.index(after: dot)...]
        return frac.allSatisfy({ $0 == "0" }) ? String(text[..<dot]) : text
    }
}

// MARK: - Part parsers

/// The base of the part parsers. It implements the delegate methods the subclasses override:
/// on Linux the protocol's default implementations would otherwise be the witnesses.
class PartParser: NSObject, XMLParserDelegate {
    var failure: Error?
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes a: [String: String] = [:]) {}
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {}
    func parser(_ parser: XMLParser, foundCharacters s: String) {}
    /// The element name without a namespace prefix.
    static func local(_ name: String) -> Substring {
        if let i = name.lastIndex(of: ":") { return name[name.index(after: i)...] }
        return Substring(name)
    }
}

final class WorkbookParser: PartParser {
    struct Sheet { let name: String; let rid: String }
    var sheets: [Sheet] = []
    var date1904 = false
    override func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes a: [String: String] = [:]) {
        switch Self.local(name) {
        case "sheet":
            let rid = a.first { Self.local($0.key) == "id" && $0.key != "sheetId" }?.value ?? ""
            sheets.append(Sheet(name: a["name"] ?? "", rid: rid))
        case "workbookPr":
            date1904 = ["1", "true"].contains(a["date1904"] ?? "")
        default: break
        }
    }
}

final class RelsParser: PartParser {
    var targets: [String: String] = [:]
    override func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes a: [String: String] = [:]) {
        if Self.local(name) == "Relationship", let id = a["Id"], let t = a["Target"] { targets[id] = t }
    }
}

/// `<si>` items: plain `<t>` or rich-text runs `<r><t>`; phonetic `<rPh>` runs are not text.
final class SharedStringsParser: PartParser {
    var strings: [String] = []
    private var current = ""
    private var inText = false, inPhonetic = false
    override func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes a: [String: String] = [:]) {
        switch Self.local(name) {
        case "si": current = ""
        case "t": inText = !inPhonetic
        case "rPh": inPhonetic = true
        default: break
        }
    }
    override func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch Self.local(name) {
        case "si": strings.append(current)
        case "t": inText = false
        case "rPh": inPhonetic = false
        default: break
        }
    }
    override func parser(_ parser: XMLParser, foundCharacters s: String) { if inText { current += s } }
}

/// Which cell style indexes (`s` attribute, into `cellXfs`) show dates.
final class StylesParser: PartParser {
    private var custom: [Int: String] = [:]
    private var xfFormats: [Int] = []
    private var inCellXfs = false
    override func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes a: [String: String] = [:]) {
        switch Self.local(name) {
        case "numFmt":
            if let id = a["numFmtId"].flatMap(Int.init) { custom[id] = a["formatCode"] ?? "" }
        case "cellXfs": inCellXfs = true
        case "xf" where inCellXfs: xfFormats.append(a["numFmtId"].flatMap(Int.init) ?? 0)
        default: break
        }
    }
    override func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if Self.local(name) == "cellXfs" { inCellXfs = false }
    }
    var dateStyles: Set<Int> {
        Set(xfFormats.indices.filter { i in
            let id = xfFormats[i]
            if let code = custom[id] { return XLSXTable.isDateFormat(code) }
            return XLSXTable.builtInDateFormats.contains(id)
        })
    }
}

/// The sheet's rows, handed on as records as each `</row>` closes.
final class SheetParser: PartParser {
    private let shared: [String]
    private let dateStyles: Set<Int>
    private let date1904: Bool
    private let body: (CSVRecord) throws -> Void
    private var rows = RowAssembler()
    private var cells: [String] = []
    private var rowNumber = 0
    private var column = 0
    private var type = "", style = 0
    private var text = ""
    private var collecting = false, inInline = false, inPhonetic = false
    private var sawValue = false
    /// The closing `</worksheet>` was seen: the part was not cut short.
    private(set) var complete = false

    init(shared: [String], dateStyles: Set<Int>, date1904: Bool, body: @escaping (CSVRecord) throws -> Void) {
        self.shared = shared; self.dateStyles = dateStyles; self.date1904 = date1904; self.body = body
    }

    /// Column index from a reference such as `AB12` (0-based), or nil.
    static func columnIndex(_ ref: String) -> Int? {
        var n = 0, any = false
        for u in ref.utf8 {
            if u >= 65 && u <= 90 { n = n * 26 + Int(u - 64); any = true } else if u >= 97 && u <= 122 { n = n * 26 + Int(u - 96); any = true } else { break }
        }
        return any ? n - 1 : nil
    }

    override func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes a: [String: String] = [:]) {
        switch Self.local(name) {
        case "row":
            rowNumber = a["r"].flatMap(Int.init) ?? rowNumber + 1
            cells.removeAll(keepingCapacity: true)
            column = 0
        case "c":
            column = a["r"].flatMap(Self.columnIndex) ?? cells.count
            type = a["t"] ?? "n"
            style = a["s"].flatMap(Int.init) ?? 0
            text = ""; sawValue = false
        case "v": collecting = true; text = ""; sawValue = true
        case "is": inInline = true; text = ""; sawValue = true
        case "t" where inInline: collecting = !inPhonetic
        case "rPh": inPhonetic = true
        default: break
        }
    }

    override func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch Self.local(name) {
        case "v", "t": collecting = false
        case "is": inInline = false
        case "rPh": inPhonetic = false
        case "c":
            let value = sawValue ? cellText() : ""
            while cells.count < column { cells.append("") }
            if cells.count == column { cells.append(value) } else if column < cells.count { cells[column] = value }
        case "worksheet": complete = true
        case "row":
            do { try rows.emit(cells, line: rowNumber, body) } catch {
                failure = error
                parser.abortParsing()
            }
        default: break
        }
    }

    override func parser(_ parser: XMLParser, foundCharacters s: String) { if collecting { text += s } }

    private func cellText() -> String {
        switch type {
        case "s": return Int(text).flatMap { $0 >= 0 && $0 < shared.count ? shared[$0] : nil } ?? ""
        case "inlineStr", "str": return text
        case "b": return text == "1" || text.lowercased() == "true" ? "TRUE" : "FALSE"
        case "e": return ""
        case "d": return String(text.prefix(10))  // ISO 8601 date-time as written
        default:
            if dateStyles.contains(style), let d = XLSXTable.isoDate(serial: text, date1904: date1904) { return d }
            return XLSXTable.number(text)
        }
    }
}
