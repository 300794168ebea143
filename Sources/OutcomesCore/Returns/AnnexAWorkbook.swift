import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

/// Reads the sheets of an `.xlsx` workbook as rows of cell text, as PROFILES.md 11 says a cell
/// is read: shared and inline strings as written; numbers as written without a trailing `.0`;
/// booleans `TRUE`/`FALSE`; date cells (a serial number in a cell whose number format is a date)
/// as `YYYY-MM-DD`, a time part dropped; formula cells by their cached value; error values and
/// empty cells as empty. Wholly empty rows are skipped.
///
/// An Annex A workbook is a few thousand rows, so each part is inflated whole and parsed with a
/// SAX parser.
enum AnnexAWorkbook {
    /// The names of the workbook's sheets, in workbook order.
    static func sheetNames(path: String) throws -> [String] {
        let archive = try open(path: path, file: (path as NSString).lastPathComponent)
        return try sheets(archive, file: (path as NSString).lastPathComponent).map(\.name)
    }

    /// The rows of the named sheets that the workbook has (names compared trimmed, any case).
    /// - Throws: `ExtractError.unreadable` when the workbook cannot be opened or read.
    static func read(path: String, file: String, sheets wanted: [String]) throws -> [SheetRows] {
        let archive = try open(path: path, file: file)
        let all = try sheets(archive, file: file)
        let shared = try part(archive, "xl/sharedStrings.xml", file: file).map(AnnexASharedStrings.parse) ?? []
        let dateStyles = try part(archive, "xl/styles.xml", file: file).map(AnnexAStyles.dateStyles) ?? []
        var out: [SheetRows] = []
        for w in wanted {
            guard let s = all.first(where: { AnnexAMapping.key($0.name) == AnnexAMapping.key(w) }) else { continue }
            guard let data = try part(archive, s.target, file: file) else {
                throw ExtractError.unreadable(file: file, detail: "the workbook names sheet '\(s.name)' but holds no \(s.target); save it again from Excel")
            }
            out.append(SheetRows(name: s.name, rows: try AnnexASheetParser.rows(data, shared: shared, dateStyles: dateStyles, file: file, sheet: s.name)))
        }
        return out
    }

    private static func open(path: String, file: String) throws -> Archive {
        do { return try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
            throw ExtractError.unreadable(file: file, detail: "not an .xlsx workbook that can be opened (not a zip archive, damaged, or password-protected); save it again as an Excel workbook")
        }
    }

    /// A part of the package inflated whole, nil when absent.
    private static func part(_ archive: Archive, _ name: String, file: String) throws -> Data? {
        guard let entry = archive[name] else { return nil }
        var data = Data()
        do { _ = try archive.extract(entry) { data.append($0) } } catch {
            throw ExtractError.unreadable(file: file, detail: "the workbook's part \(name) is damaged (\(error)); save it again from Excel")
        }
        return data
    }

    /// The sheets of `xl/workbook.xml` with the part each one's relationship points at.
    private static func sheets(_ archive: Archive, file: String) throws -> [(name: String, target: String)] {
        guard let wb = try part(archive, "xl/workbook.xml", file: file) else {
            throw ExtractError.unreadable(file: file, detail: "no xl/workbook.xml: not an .xlsx workbook")
        }
        let rels = try part(archive, "xl/_rels/workbook.xml.rels", file: file).map(AnnexAWorkbookParts.relationships) ?? [:]
        return AnnexAWorkbookParts.sheets(wb).enumerated().map { i, s in
            var target = rels[s.rid] ?? "worksheets/sheet\(i + 1).xml"
            // Targets are relative to xl/ unless written from the package root.
            target = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            return (s.name, target)
        }
    }
}

/// Local element name without a namespace prefix.
private func annexLocalName(_ n: String) -> String {
    guard let i = n.lastIndex(of: ":") else { return n }
    return String(n[n.index(after: i)...])
}

/// Attributes of the workbook's `sheet` elements and its relationships.
private final class AnnexAWorkbookParts: NSObject, XMLParserDelegate {
    var sheets: [(name: String, rid: String)] = []
    var rels: [String: String] = [:]

    static func sheets(_ data: Data) -> [(name: String, rid: String)] {
        let c = AnnexAWorkbookParts(); let p = XMLParser(data: data); p.delegate = c; _ = p.parse(); return c.sheets
    }
    static func relationships(_ data: Data) -> [String: String] {
        let c = AnnexAWorkbookParts(); let p = XMLParser(data: data); p.delegate = c; _ = p.parse(); return c.rels
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes a: [String: String]) {
        switch annexLocalName(elementName) {
        case "sheet":
            let rid = a.first { annexLocalName($0.key) == "id" && $0.key != "sheetId" }?.value ?? ""
            sheets.append((a["name"] ?? "", rid))
        case "Relationship":
            if let id = a["Id"], let t = a["Target"] { rels[id] = t }
        default: break
        }
    }
}

/// The shared strings table: each `si` is the text of its `t` elements (rich text runs joined;
/// phonetic `rPh` runs left out).
private final class AnnexASharedStrings: NSObject, XMLParserDelegate {
    var strings: [String] = []
    private var current = "", inT = false, inPhonetic = false

    static func parse(_ data: Data) -> [String] {
        let c = AnnexASharedStrings(); let p = XMLParser(data: data); p.delegate = c; _ = p.parse(); return c.strings
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes a: [String: String]) {
        switch annexLocalName(elementName) {
        case "si": current = ""
        case "t": inT = true
        case "rPh": inPhonetic = true
        default: break
        }
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inT && !inPhonetic { current += string }
    }
    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        switch annexLocalName(elementName) {
        case "si": strings.append(current)
        case "t": inT = false
        case "rPh": inPhonetic = false
        default: break
        }
    }
}

/// Which cell styles (`cellXfs` positions) format numbers as dates.
private final class AnnexAStyles: NSObject, XMLParserDelegate {
    private var custom: [Int: String] = [:]
    private var xfFormats: [Int] = []
    private var inCellXfs = false

    static func dateStyles(_ data: Data) -> Set<Int> {
        let c = AnnexAStyles(); let p = XMLParser(data: data); p.delegate = c; _ = p.parse()
        return Set(c.xfFormats.indices.filter { c.isDate(c.xfFormats[$0]) })
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes a: [String: String]) {
        switch annexLocalName(elementName) {
        case "numFmt": if let id = a["numFmtId"].flatMap(Int.init) { custom[id] = a["formatCode"] ?? "" }
        case "cellXfs": inCellXfs = true
        case "xf" where inCellXfs: xfFormats.append(a["numFmtId"].flatMap(Int.init) ?? 0)
        default: break
        }
    }
    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        if annexLocalName(elementName) == "cellXfs" { inCellXfs = false }
    }

    /// Built-in date formats (ECMA-376 18.8.30: 14-22, 45-47; 27-36 and 50-58 are the East Asian
    /// date formats), or a custom format with a day, month or year part outside quotes and brackets.
    func isDate(_ id: Int) -> Bool {
        if (14...22).contains(id) || (27...36).contains(id) || (45...47).contains(id) || (50...58).contains(id) { return true }
        guard let code = custom[id] else { return false }
        var quoted = false, bracket = false, escaped = false
        for ch in code.lowercased() {
            if escaped { escaped = false; continue }
            switch ch {
            case "\\": escaped = true
            case "\"": quoted.toggle()
            case "[": bracket = true
            case "]": bracket = false
            case "d", "y", "m": if !quoted && !bracket { return true }
            default: break
            }
        }
        return false
    }
}

/// A worksheet's `sheetData` as rows of cell text.
private final class AnnexASheetParser: NSObject, XMLParserDelegate {
    let shared: [String]
    let dateStyles: Set<Int>
    var rows: [SheetRows.Row] = []
    var failure: String?
    private var rowNumber = 0
    private var cells: [String] = []
    private var cellColumn = 0, cellType = "", cellStyle = 0
    private var value = "", inline = ""
    private var inV = false, inInlineT = false

    init(shared: [String], dateStyles: Set<Int>) { self.shared = shared; self.dateStyles = dateStyles }

    static func rows(_ data: Data, shared: [String], dateStyles: Set<Int>, file: String, sheet: String) throws -> [SheetRows.Row] {
        let c = AnnexASheetParser(shared: shared, dateStyles: dateStyles)
        let p = XMLParser(data: data); p.delegate = c
        if !p.parse() || c.failure != nil {
            throw ExtractError.unreadable(file: file, detail: "sheet '\(sheet)' is damaged (\(c.failure ?? "not well-formed XML at line \(p.lineNumber)")); save the workbook again from Excel")
        }
        return c.rows
    }

    /// The zero-based column of a reference such as `AB12`.
    static func column(_ ref: String) -> Int? {
        var n = 0, any = false
        for u in ref.utf8 {
            guard u >= 65 && u <= 90 else { break }
            n = n * 26 + Int(u - 64); any = true
        }
        return any ? n - 1 : nil
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes a: [String: String]) {
        switch annexLocalName(elementName) {
        case "row":
            rowNumber = a["r"].flatMap(Int.init) ?? rowNumber + 1
            cells = []
        case "c":
            cellColumn = a["r"].flatMap(Self.column) ?? cells.count
            cellType = a["t"] ?? "n"
            cellStyle = a["s"].flatMap(Int.init) ?? 0
            value = ""; inline = ""
        case "v": inV = true
        case "t": inInlineT = cellType == "inlineStr"
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inV { value += string } else if inInlineT { inline += string }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        switch annexLocalName(elementName) {
        case "v": inV = false
        case "t": inInlineT = false
        case "c":
            let text = cellText()
            if cellColumn >= cells.count { cells += Array(repeating: "", count: cellColumn - cells.count + 1) }
            cells[cellColumn] = text
        case "row":
            if cells.contains(where: { !$0.isEmpty }) { rows.append(.init(number: rowNumber, cells: cells)) }
        default: break
        }
    }

    /// One cell as text (PROFILES.md 11).
    private func cellText() -> String {
        switch cellType {
        case "s":
            guard let i = Int(value), i >= 0, i < shared.count else {
                failure = "a shared string index \(value) out of range"; return ""
            }
            return shared[i]
        case "inlineStr": return inline
        case "str": return value
        case "b": return value == "1" ? "TRUE" : value == "0" ? "FALSE" : value
        case "e": return ""
        default:
            if value.isEmpty { return "" }
            if dateStyles.contains(cellStyle), let serial = Double(value) {
                return AnnexAMapping.serialDate(String(Int(serial.rounded(.down))))
            }
            return Self.number(value)
        }
    }

    /// A number as written, without a trailing `.0` (`17.0` → `17`).
    static func number(_ s: String) -> String {
        guard let dot = s.firstIndex(of: "."), !s.contains("E"), !s.contains("e") else { return s }
        let frac = s[s.index(after: dot)...]
        if frac.allSatisfy({ $0 == "0" }) { return String(s[..<dot]) }
        return s
    }
}
