import CXlsxWriter
import Foundation

/// `outcomes.xlsx` filled one table sheet at a time, in any order, then closed.
///
/// The sheets are added up front in the order the tables' files are written (OUTPUTS.md
/// "Publishable and restricted"), so the report can fill each one as soon as its table is final,
/// while other tables are still being suppressed (docs/PERFORMANCE.md "The report").
///
/// libxlsxwriter runs in its `constant_memory` mode: a sheet's rows are written out as XML to a
/// temporary file of that sheet's as they are added, so `workbook_close` is left with copying
/// those files into the zip and deflating them; in the default mode it kept every cell in memory
/// and printed all the XML at the close, on one core at the end of the run. In that mode text
/// cells hold their text inline (`t="inlineStr"`) rather than an index into a shared string
/// table, so a sheet's XML depends on its own cells only; and the cell formats take their style
/// numbers when they are made (`Workbook.Formats`), not at their first use. The bytes are
/// therefore the same whatever order the sheets are filled in (`WorkbookTests` fills them
/// backwards and compares).
///
/// Not thread-safe: one thread at a time (the report's workbook queue, `WorkbookFeed`).
final class WorkbookBuilder {
    /// The file being written (in the caller's private scratch folder).
    let path: String
    private let wb: UnsafeMutablePointer<lxw_workbook>
    private let period: Month
    private let formats: Workbook.Formats
    private let about: UnsafeMutablePointer<lxw_worksheet>
    private var worksheets: [UnsafeMutablePointer<lxw_worksheet>] = []
    private var names: [String] = []
    /// Data rows of each table sheet once filled.
    private var rows: [Int?] = []
    /// The trend chart of each `attendance_trend` sheet filled, by sheet index (the first is drawn).
    private var trends: [Int: TrendChart] = [:]
    private var closed = false

    /// Creates the workbook at `path` with the About sheet and one empty sheet per name, in order.
    init(path: String, tmpdir: String, period: Month, tables: [String]) throws {
        self.path = path
        self.period = period
        var opts = lxw_workbook_options()
        opts.constant_memory = UInt8(LXW_TRUE.rawValue)
        let tmp = strdup(tmpdir)
        defer { free(tmp) }
        opts.tmpdir = tmp
        guard let wb = workbook_new_opt(path, &opts) else {
            throw WorkbookError.library(step: "creating \(path)", message: "the file could not be created")
        }
        self.wb = wb
        formats = Workbook.Formats(wb)
        about = workbook_add_worksheet(wb, "About")!
        do {
            try Workbook.check(Workbook.setProperties(wb, period), "setting the document properties")
            for n in tables { try addSheet(n) }
        } catch {
            closeQuietly()
            throw error
        }
    }

    deinit { closeQuietly() }

    /// Closes an unfinished workbook (an error on the way) and removes its file.
    private func closeQuietly() {
        guard !closed else { return }
        closed = true
        workbook_close(wb)
        unlink(path)
    }

    private func addSheet(_ name: String) throws {
        guard let ws = workbook_add_worksheet(wb, name) else {
            throw WorkbookError.library(step: "adding the sheet \(name)", message: "the name is not a valid sheet name")
        }
        worksheets.append(ws); names.append(name); rows.append(nil)
    }

    /// Fills table sheet `index` (as named at `init`) with `sheet`'s cells.
    func fill(_ index: Int, _ sheet: WorkbookSheet) throws {
        precondition(rows[index] == nil && names[index] == sheet.name, "each sheet is filled once, with its own table")
        try Workbook.writeTable(worksheets[index], sheet, formats)
        rows[index] = sheet.rows.count
        if sheet.name == "attendance_trend", let chart = TrendChart(sheet) { trends[index] = chart }
    }

    /// Adds a table sheet after those named at `init` and fills it (`attendance_benchmarks`,
    /// known only once `attendance` is final).
    func append(_ sheet: WorkbookSheet) throws {
        try addSheet(sheet.name)
        try fill(names.count - 1, sheet)
    }

    /// Data rows in all the table sheets.
    var tableRows: Int { rows.reduce(0) { $0 + ($1 ?? 0) } }
    var tableSheets: Int { names.count }

    /// Writes the About sheet and the attendance chart, closes the workbook and returns its bytes;
    /// the file is removed.
    func finish(threshold: Int, inputs: [FileLoadResult]) throws -> Data {
        precondition(!closed, "a workbook is finished once")
        // On any error on the way, the workbook is closed and its file removed.
        defer { closeQuietly() }
        if let missing = names.indices.first(where: { rows[$0] == nil }) {
            throw WorkbookError.library(step: "closing", message: "the sheet \(names[missing]) was never filled")
        }
        WorkbookAbout.write(about, period: period, threshold: threshold,
                            sheets: names.indices.map { (names[$0], rows[$0]!) }, inputs: inputs, formats)
        if let first = trends.keys.min(), let chart = trends[first] {
            // The chart's sheet alone keeps its cells in memory (libxlsxwriter reads a sheet's
            // mode from the workbook's options when the sheet is added): the chart's XML then
            // carries the figures it draws (`numCache`, `strCache`), as readers that do not
            // recalculate need; from a constant_memory sheet it would carry references only. Its
            // text goes into a shared string table of its own, written here, at the end, in order.
            wb.pointee.options.constant_memory = UInt8(LXW_FALSE.rawValue)
            let ws = workbook_add_worksheet(wb, TrendChart.sheetName)!
            try chart.write(wb, ws, formats)
        }
        closed = true
        let e = workbook_close(wb)
        defer { unlink(path) }
        try Workbook.check(e, "writing \(path)")
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }
}
