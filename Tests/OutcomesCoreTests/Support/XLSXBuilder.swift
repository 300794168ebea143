import Foundation
import ZIPFoundation

/// Writes a small `.xlsx` workbook by hand, so a test says exactly which cell types it holds.
///
/// Cells are raw `<c>` bodies: use the helpers (`s`, `date`, `num`, `err`, `formula`, `inline`).
struct XLSXBuilder {
    /// Sheet name → rows (row number, cells in column order; nil leaves a column out).
    var sheets: [(name: String, rows: [(Int, [String?])])] = []
    private(set) var strings: [String] = []

    mutating func s(_ text: String) -> String {
        if let i = strings.firstIndex(of: text) { return "t=\"s\"><v>\(i)</v>" }
        strings.append(text)
        return "t=\"s\"><v>\(strings.count - 1)</v>"
    }
    /// A serial day number in a cell styled as a date (style 1: dd/mm/yyyy).
    static func date(_ serial: Int) -> String { "s=\"1\"><v>\(serial)</v>" }
    /// A plain number as the file writes it.
    static func num(_ v: String) -> String { "><v>\(v)</v>" }
    static func err(_ v: String) -> String { "t=\"e\"><f>VLOOKUP(A1,B:C,2,0)</f><v>\(v)</v>" }
    static func formula(_ f: String, cached: String) -> String { "t=\"str\"><f>\(esc(f))</f><v>\(esc(cached))</v>" }
    static func inline(_ text: String) -> String { "t=\"inlineStr\"><is><t>\(esc(text))</t></is>" }
    static func bool(_ b: Bool) -> String { "t=\"b\"><v>\(b ? 1 : 0)</v>" }

    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func column(_ i: Int) -> String {
        var n = i + 1, s = ""
        while n > 0 { let r = (n - 1) % 26; s = String(UnicodeScalar(65 + r)!) + s; n = (n - 1) / 26 }
        return s
    }

    func write(to path: String) throws {
        try? FileManager.default.removeItem(atPath: path)
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        func add(_ name: String, _ text: String) throws {
            let data = Data(text.utf8)
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { pos, size in
                data.subdata(in: Int(pos)..<Int(pos) + size)
            }
        }
        let ns = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
        try add("[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>")
        try add("xl/workbook.xml", "<?xml version=\"1.0\"?><workbook \(ns) xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
            + sheets.enumerated().map { "<sheet name=\"\(Self.esc($1.name))\" sheetId=\"\($0 + 1)\" r:id=\"rId\($0 + 1)\"/>" }.joined()
            + "</sheets></workbook>")
        try add("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            + sheets.indices.map { "<Relationship Id=\"rId\($0 + 1)\" Type=\"worksheet\" Target=\"worksheets/sheet\($0 + 1).xml\"/>" }.joined()
            + "</Relationships>")
        try add("xl/styles.xml", "<?xml version=\"1.0\"?><styleSheet \(ns)><numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/></numFmts>"
            + "<cellXfs count=\"3\"><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"14\"/></cellXfs></styleSheet>")
        try add("xl/sharedStrings.xml", "<?xml version=\"1.0\"?><sst \(ns)>" + strings.map { "<si><t>\(Self.esc($0))</t></si>" }.joined() + "</sst>")
        for (i, sheet) in sheets.enumerated() {
            var body = ""
            for (r, cells) in sheet.rows {
                body += "<row r=\"\(r)\">"
                for (c, cell) in cells.enumerated() {
                    guard let cell else { continue }
                    body += "<c r=\"\(Self.column(c))\(r)\" \(cell)</c>"
                }
                body += "</row>"
            }
            try add("xl/worksheets/sheet\(i + 1).xml", "<?xml version=\"1.0\"?><worksheet \(ns)><sheetData>\(body)</sheetData></worksheet>")
        }
    }
}
