/// One worksheet as text: its name and its non-empty rows, each with its row number in the sheet.
public struct SheetRows: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var number: Int
        public var cells: [String]
        public init(number: Int, cells: [String]) { self.number = number; self.cells = cells }
    }
    public var name: String
    public var rows: [Row]
    public init(name: String, rows: [Row]) { self.name = name; self.rows = rows }
}

/// Maps Ofsted's Annex A workbook (docs/RETURNS.md "Annex A"): Lists 2, 6, 7 and 8 give early
/// help, children in need, child protection and children in care episodes; other lists are ignored.
///
/// The mapping works on rows of cell text (the workbook reader's output), so it does not depend on
/// how the workbook was read.
public enum AnnexAMapping {
    /// One list the tool reads.
    struct List {
        var sheet: String
        var prefix: String
        var level: String
        /// The service is `EH` for List 2 whatever `returns_service` says (the list is early help's).
        var service: String?
        var start: String
        var assessment: String?
        var closure: String?
        var reason: String?
    }

    static let lists = [
        List(sheet: "List 2", prefix: "EH", level: "EH3", service: "EH", start: "Assessment start date",
             assessment: "Assessment completion date"),
        List(sheet: "List 6", prefix: "CIN", level: "CIN", start: "CIN Start Date", closure: "CIN Closure Date",
             reason: "Reason for Closure"),
        List(sheet: "List 7", prefix: "CP", level: "CP", start: "Child Protection Plan Start Date",
             closure: "Child Protection Plan End Date"),
        List(sheet: "List 8", prefix: "CLA", level: "CIC", start: "Date Started to be Looked After",
             closure: "Date Ceased to be Looked After", reason: "Reason Ceased to be Looked After"),
    ]

    static let childColumn = "Child Unique ID"

    /// True for the sheet names of an Annex A workbook: `List 1` ... `List 11`, or at least
    /// `List 6`, `List 7` and `List 8` (names compared trimmed and case-insensitively).
    public static func isAnnexA(sheetNames: [String]) -> Bool {
        let names = Set(sheetNames.map { key($0) })
        return ["list 6", "list 7", "list 8"].allSatisfy(names.contains)
    }

    /// A header or sheet name compared as PROFILES.md compares headers: trimmed, any case; runs of
    /// spaces and line breaks (a wrapped header cell) read as one space.
    static func key(_ s: String) -> String {
        ReturnCodes.trimmed(s).lowercased().split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\r\n" })
            .joined(separator: " ")
    }

    /// Maps the read lists of a workbook.
    /// - Throws: `ExtractError.missingColumn` when a list has rows but no header holding
    ///   `Child Unique ID` and the list's start date.
    public static func map(sheets: [SheetRows], file: String, settings: ReturnsSettings) throws -> ReturnRows {
        var out = ReturnRows(kind: .annexA, file: file)
        for list in lists {
            guard let sheet = sheets.first(where: { key($0.name) == key(list.sheet) }) else { continue }
            try map(sheet, list, file: file, settings: settings, into: &out)
        }
        return out
    }

    private static func map(_ sheet: SheetRows, _ list: List, file: String, settings: ReturnsSettings,
                            into out: inout ReturnRows) throws {
        guard !sheet.rows.isEmpty else { return }
        // The header is the first row naming the child's column (the template may put a title above it).
        guard let h = sheet.rows.prefix(10).firstIndex(where: { $0.cells.contains { key($0) == key(childColumn) } }) else {
            throw ExtractError.missingColumn(file: "\(file) (sheet \(sheet.name))", column: childColumn)
        }
        let header = sheet.rows[h].cells.map(key)
        func index(_ name: String?) -> Int? { name.flatMap { n in header.firstIndex(of: key(n)) } }
        guard let start = index(list.start) else {
            throw ExtractError.missingColumn(file: "\(file) (sheet \(sheet.name), header on row \(sheet.rows[h].number))", column: list.start)
        }
        let child = index(childColumn)!
        let gender = index("Gender"), ethnicity = index("Ethnicity"), dob = index("Date of Birth")
        let assessment = index(list.assessment), closure = index(list.closure), reason = index(list.reason)
        for row in sheet.rows[(h + 1)...] {
            func cell(_ i: Int?) -> String {
                guard let i, i < row.cells.count else { return "" }
                return value(row.cells[i])
            }
            func date(_ i: Int?) -> String { serialDate(cell(i)) }
            // A row holding nothing but error values (a formula copied down an empty list) is empty.
            if row.cells.allSatisfy({ value($0).isEmpty }) { continue }
            out.recordsRead += 1
            let id = cell(child)
            var v: [String: String] = [
                "episode_id": ReturnCodes.episodeID(list.prefix, child: id, date: date(start)), "child_id": id,
                "service": list.service ?? settings.service, "level": list.level,
                "allocation_date": date(start),
                "birth_month": date(dob), "gender": ReturnCodes.gender(cell(gender)),
                "ethnicity": ReturnCodes.ethnicity(cell(ethnicity)),
            ]
            if assessment != nil { v["assessment_date"] = date(assessment) }
            if closure != nil { v["closure_date"] = date(closure) }
            if reason != nil { v["closure_reason"] = cell(reason) }
            out.rows.append(MappedEpisodeRow(v, line: row.number, sheet: sheet.name))
        }
    }

    /// A cell's text trimmed; spreadsheet error values (`#N/A`, `#REF!` ...) read as empty.
    static func value(_ raw: String) -> String {
        let s = ReturnCodes.trimmed(raw)
        return errorValues.contains(s.uppercased()) ? "" : s
    }

    static let errorValues: Set<String> = ["#N/A", "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!",
                                           "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!"]

    /// A date column's value: an Excel serial day number (a date cell saved without its date
    /// format, e.g. `44927` or `44927.5`) becomes `YYYY-MM-DD`; anything else is kept as written.
    public static func serialDate(_ s: String) -> String {
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              s.filter({ $0 == "." }).count <= 1, let serial = Double(s), serial >= 1, serial < 2_958_466
        else { return s }
        // Day 0 is 1899-12-30 for every serial after Excel's phantom 29 February 1900 (serial 60).
        let whole = Int(serial.rounded(.down))
        let epoch = Days.from(year: 1899, month: 12, day: whole < 61 ? 31 : 30)
        return Days.iso(epoch + Day(whole))
    }
}
