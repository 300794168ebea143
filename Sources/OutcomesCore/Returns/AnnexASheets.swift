import Foundation

/// Annex A's lists read through the workbook reader every `.xlsx` uses (`XLSXTable`,
/// PROFILES.md 11-12): shared and inline strings, numbers as written, date-formatted cells as ISO
/// dates, formula cells by their cached value, error cells (`#N/A` ...) empty. The mapping then
/// works on rows of cell text (docs/RETURNS.md "Annex A").
enum AnnexASheets {
    /// The workbook's sheet names in order (for recognition: only the workbook part is read).
    static func sheetNames(path: String) throws -> [String] {
        try XLSXTable(path: path, sheet: nil).sheets
    }

    /// The sheets of `wanted` the workbook has (names compared as Annex A headers are), in
    /// `wanted` order, each with its non-empty rows and their row numbers in the sheet.
    /// - Throws: `ExtractError.badWorkbook` when the file is not a readable workbook (exit 3).
    static func read(path: String, file: String, sheets wanted: [String]) throws -> [SheetRows] {
        let names = try sheetNames(path: path)
        var out: [SheetRows] = []
        for w in wanted {
            guard let name = names.first(where: { AnnexAMapping.key($0) == AnnexAMapping.key(w) }) else { continue }
            let table = try XLSXTable(path: path, sheet: name)
            var rows: [SheetRows.Row] = []
            try table.forEachRow { rec in
                rows.append(.init(number: rec.line, cells: (0..<rec.fieldCount).map { rec.string($0) }))
            }
            out.append(SheetRows(name: name, rows: rows))
        }
        return out
    }
}
