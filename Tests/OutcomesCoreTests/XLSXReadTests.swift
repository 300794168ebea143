import Foundation
import Testing
import ZIPFoundation
@testable import OutcomesCore

/// PROFILES.md 5, 11-13: `.xlsx` workbooks, built here from SpreadsheetML parts.
@Suite struct XLSXReadTests {
    static let ns = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""

    /// Zips parts into a workbook with ZIPFoundation.
    static func zip(_ parts: [String: String], to path: String) throws {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        for (name, text) in parts.sorted(by: { $0.key < $1.key }) {
            let data = Data(text.utf8)
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { pos, size in
                data.subdata(in: Int(pos)..<Int(pos) + size)
            }
        }
    }

    /// A workbook with sheets "Notes" and "List 2" (in that order), shared strings (one rich
    /// text), a custom date format (style 1), the built-in date format 14 (style 2), a plain
    /// number style (3) and a percentage (4, not a date).
    static func parts(sheet2: String, date1904: Bool = false) -> [String: String] {
        [
            "[Content_Types].xml": "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>",
            "xl/workbook.xml": """
                <?xml version="1.0" encoding="UTF-8"?>
                <workbook \(ns) xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
                <workbookPr\(date1904 ? " date1904=\"1\"" : "")/>
                <sheets><sheet name="Notes" sheetId="1" r:id="rId7"/><sheet name="List 2" sheetId="2" r:id="rId3"/></sheets></workbook>
                """,
            "xl/_rels/workbook.xml.rels": """
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                <Relationship Id="rId3" Type="worksheet" Target="worksheets/sheet2.xml"/>
                <Relationship Id="rId7" Type="worksheet" Target="/xl/worksheets/sheet1.xml"/></Relationships>
                """,
            "xl/sharedStrings.xml": """
                <sst \(ns)><si><t>episode_id</t></si><si><t xml:space="preserve"> child_id </t></si>
                <si><r><t>ser</t></r><r><rPr><b/></rPr><t>vice</t></r><rPh><t>x</t></rPh></si><si><t>Ch&#226;teau &amp; Co</t></si></sst>
                """,
            "xl/styles.xml": """
                <styleSheet \(ns)><numFmts count="1"><numFmt numFmtId="165" formatCode="[$-809]dd\\ mmmm\\ yyyy;@"/></numFmts>
                <cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>
                <cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="165"/><xf numFmtId="14"/><xf numFmtId="2"/><xf numFmtId="10"/></cellXfs></styleSheet>
                """,
            "xl/worksheets/sheet1.xml": "<worksheet \(ns)><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>notes</t></is></c></row></sheetData></worksheet>",
            "xl/worksheets/sheet2.xml": sheet2,
        ]
    }

    static func sheet(_ rows: String) -> String { "<worksheet \(ns)><sheetData>\(rows)</sheetData></worksheet>" }

    func cells(_ path: String, sheet: String?) throws -> [String] {
        var out: [String] = []
        try XLSXTable(path: path, sheet: sheet).forEachRow { r in
            out.append("\(r.line):" + (0..<r.fieldCount).map { r.string($0) }.joined(separator: "|"))
        }
        return out
    }

    @Test func cellsAreReadAsText() throws {
        let t = TempDir()
        let p = t.file("book.xlsx")
        try Self.zip(Self.parts(sheet2: Self.sheet("""
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>
            <row r="2"/>
            <row r="3"><c r="A3"><v>17</v></c><c r="B3" s="3"><v>17.0</v></c><c r="C3"><v>3.25</v></c><c r="D3" t="b"><v>1</v></c><c r="E3" t="b"><v>0</v></c></row>
            <row r="4"><c r="B4" s="1"><v>45000</v></c><c r="C4" s="2"><v>45000.75</v></c><c r="D4" s="4"><v>0.5</v></c><c r="E4"><v>45000</v></c></row>
            <row r="5"><c r="A5" t="str"><f>A1&amp;"x"</f><v>idx</v></c><c r="B5" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="C5" t="e"><v>#N/A</v></c><c r="D5"><f>1+1</f><v>2</v></c></row>
            <row r="6"><c r="C6" t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r></is></c><c r="A6" t="s"><v>3</v></c></row>
            <row r="7"><c r="A7" t="s"/><c r="B7" s="1"/></row>
            <row r="9"><c r="AA9"><v>1</v></c></row>
            """)), to: p)
        let rows = try cells(p, sheet: "List 2")
        #expect(rows[0] == "1:episode_id|child_id|service")
        #expect(rows[1] == "3:17|17|3.25|TRUE|FALSE")
        // 45000 is 2023-03-15 (days since 1899-12-30); the time part .75 is dropped; a
        // percentage style is not a date.
        #expect(rows[2] == "4:|2023-03-15|2023-03-15|0.5|45000")
        #expect(rows[3] == "5:idx|||2")
        #expect(rows[4] == "6:Château & Co||inline")
        #expect(rows[5] == "9:" + String(repeating: "|", count: 26) + "1")
        #expect(rows.count == 6)  // rows 2 and 7 are wholly empty
        // Default: the first sheet.
        #expect(try cells(p, sheet: nil) == ["1:notes"])
    }

    @Test(arguments: [(false, "2023-03-15"), (true, "2027-03-16")])
    func serialNumbersFollowTheWorkbooksDateSystem(date1904: Bool, iso: String) throws {
        let t = TempDir()
        let p = t.file("b.xlsx")
        try Self.zip(Self.parts(sheet2: Self.sheet("<row r=\"1\"><c r=\"A1\" s=\"2\"><v>45000</v></c></row>"), date1904: date1904), to: p)
        #expect(try cells(p, sheet: "List 2") == ["1:" + iso])
        #expect(XLSXTable.isoDate(serial: "1", date1904: false) == "1900-01-01")
        #expect(XLSXTable.isoDate(serial: "61", date1904: false) == "1900-03-01")
        #expect(XLSXTable.isoDate(serial: "59", date1904: false) == "1900-02-28")
    }

    @Test func dateFormatCodes() {
        #expect(XLSXTable.isDateFormat("dd/mm/yyyy") && XLSXTable.isDateFormat("[$-809]d mmmm yyyy;@") && XLSXTable.isDateFormat("yyyy-mm-dd hh:mm"))
        #expect(!XLSXTable.isDateFormat("0.00") && !XLSXTable.isDateFormat("hh:mm:ss") && !XLSXTable.isDateFormat("\"day\" 0") && !XLSXTable.isDateFormat("[Red]0"))
    }

    /// A profiled workbook: the named sheet, a header below titles, rejects as `sheet!row`.
    @Test func aProfiledWorkbookLoadsAndRejectsNameSheetAndRow() throws {
        let t = TempDir()
        try FileManager.default.createDirectory(atPath: t.file("in"), withIntermediateDirectories: true)
        try Self.zip(Self.parts(sheet2: Self.sheet("""
            <row r="1"><c r="A1" t="inlineStr"><is><t>Early help episodes</t></is></c></row>
            <row r="3"><c r="A3" t="inlineStr"><is><t>Case</t></is></c><c r="B3" t="inlineStr"><is><t>Client</t></is></c><c r="C3" t="inlineStr"><is><t>Start</t></is></c><c r="D3" t="inlineStr"><is><t>Sex</t></is></c><c r="E3" t="inlineStr"><is><t>Level</t></is></c></row>
            <row r="4"><c r="A4"><v>101</v></c><c r="B4" t="inlineStr"><is><t>K1</t></is></c><c r="C4" s="1"><v>45000</v></c><c r="D4"><v>1</v></c><c r="E4" t="inlineStr"><is><t>b) EH3</t></is></c></row>
            <row r="5"><c r="A5"><v>102</v></c><c r="B5" t="inlineStr"><is><t>K2</t></is></c><c r="C5" t="inlineStr"><is><t>31/02/2023</t></is></c><c r="D5"><v>2</v></c><c r="E5" t="inlineStr"><is><t>b) EH4</t></is></c></row>
            <row r="6"><c r="A6"><v>103</v></c><c r="B6" t="inlineStr"><is><t>K3</t></is></c><c r="C6" t="inlineStr"><is><t>2023-03-01</t></is></c><c r="D6"><v>2</v></c></row>
            """)), to: t.file("in/Early Help Oct.xlsx"))
        let p = try ProfileSupport.profile("""
            kind: episodes
            files: ["early help*.xlsx"]
            sheet: List 2
            header_row: 3
            columns: {episode_id: Case, child_id: Client, allocation_date: Start, gender: Sex}
            constants: {service: YIT}
            values:
              gender: {"1": Male, "2": Female}
              level: {"/^[a-z]\\\\) *(EH[34])$/": "$1"}
            """)
        let (r, store) = try ProfileSupport.load(t, folder: t.file("in"), profiles: [p])
        #expect(r.contractError == nil)
        #expect(try ProfileSupport.episodes(store, ["episode_id", "child_id", "allocation_date", "gender", "level", "source_file"])
                == ["101|K1|2023-03-15|Male|EH3|Early Help Oct.xlsx"])
        #expect(r.rejects.map { "\($0.file) \($0.location) \($0.column) \($0.value)" }
                == ["Early Help Oct.xlsx List 2!5 allocation_date 31/02/2023", "Early Help Oct.xlsx List 2!6 level "])
        // The stored rejects, as the report prints them: the sheet survives the store.
        let out = try StreamingFile(path: t.file("rejects.csv"))
        try RejectsReport.write(store: store, to: out)
        try out.close()
        #expect(try String(contentsOfFile: t.file("rejects.csv"), encoding: .utf8)
                    .contains("Early Help Oct.xlsx,List 2!5,allocation_date,31/02/2023,"))
    }

    @Test func aMissingSheetRejectsTheFileNamingTheSheetsItHas() throws {
        let t = TempDir()
        try FileManager.default.createDirectory(atPath: t.file("in"), withIntermediateDirectories: true)
        try Self.zip(Self.parts(sheet2: Self.sheet("")), to: t.file("in/EH.xlsx"))
        let p = try ProfileSupport.profile("kind: episodes\nfiles: [\"*.xlsx\"]\nsheet: Episodes\n")
        let (r, _) = try ProfileSupport.load(t, folder: t.file("in"), profiles: [p])
        #expect(r.contractError == .missingSheet(file: "EH.xlsx", sheet: "Episodes", sheets: ["Notes", "List 2"]))
        #expect(r.contractError!.localizedDescription.contains("its sheets are 'Notes', 'List 2'"))
    }

    @Test(arguments: [
        ("not a zip at all" as String, "not a zip"),
        ("\u{D0}\u{CF}\u{11}\u{E0}", "password-protected"),
    ])
    func aWorkbookThatCannotBeOpenedRejectsTheFile(content: String, says: String) throws {
        let t = TempDir()
        let bytes: [UInt8] = content.hasPrefix("\u{D0}") ? [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] : Array(content.utf8)
        ProfileSupport.writeBytes(t, "in/episodes.xlsx", bytes)
        let (r, _) = try ProfileSupport.load(t, folder: t.file("in"), profiles: [])
        guard case .badWorkbook(let f, let d)? = r.contractError else { Issue.record("\(String(describing: r.contractError))"); return }
        #expect(f == "episodes.xlsx" && d.contains(says))
    }

    @Test func aDamagedPartRejectsTheFile() throws {
        let t = TempDir()
        var parts = Self.parts(sheet2: "<worksheet \(Self.ns)><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row>")
        parts["xl/styles.xml"] = nil
        try Self.zip(parts, to: t.file("b.xlsx"))
        #expect(throws: ExtractError.self) { _ = try cells(t.file("b.xlsx"), sheet: "List 2") }
        do { _ = try cells(t.file("b.xlsx"), sheet: "List 2") } catch let e as ExtractError {
            guard case .badWorkbook(_, let d) = e else { Issue.record("\(e)"); return }
            #expect(d.contains("xl/worksheets/sheet2.xml") && d.contains("not well-formed"))
        }
    }

    @Test func oldXlsFilesAreIgnoredWithAWarning() throws {
        let t = TempDir()
        t.write("in/episodes.xls", "x")
        let (r, _) = try ProfileSupport.load(t, folder: t.file("in"), profiles: [])
        #expect(r.files.isEmpty)
        #expect(r.warnings == ["episodes.xls: old Excel .xls files are not read; open it in Excel and save it as .xlsx (Excel Workbook) or CSV UTF-8; ignored"])
    }
}
