import CXlsxWriter
import Foundation

/// What goes into `outcomes.xlsx`: the month, the suppression threshold, the published tables
/// (one sheet each) and the files the run loaded.
public struct WorkbookContents: Sendable {
    public var period: Month
    public var threshold: Int
    public var sheets: [WorkbookSheet]
    public var inputs: [FileLoadResult]

    public init(period: Month, threshold: Int, sheets: [WorkbookSheet], inputs: [FileLoadResult]) {
        self.period = period; self.threshold = threshold; self.sheets = sheets; self.inputs = inputs
    }
}

/// `outcomes.xlsx` (OUTPUTS.md "Publishable and restricted"), written with libxlsxwriter: a first
/// "About" sheet, then one sheet per published table with a frozen header row, an autofilter,
/// numbers stored as numbers (the symbols `c`, `z`, `x` as text) in one format per column, and
/// widths fitted to the text; then `attendance_chart`, the attendance trend as a native Excel
/// line chart beside the figures it draws.
///
/// The same contents give the same bytes: the document's creation time is the end of the
/// reporting month (libxlsxwriter also stamps the zip entries with it), never the clock.
public enum Workbook {
    /// The workbook's bytes. libxlsxwriter writes only to a file, so it writes into `scratch` (a
    /// private folder: the run's staging folder) and the file is read back and removed; the
    /// caller writes the bytes with the run's own file mode.
    public static func data(_ c: WorkbookContents, scratch: String) throws -> Data {
        let b = try builder(scratch: scratch, period: c.period, tables: c.sheets.map(\.name))
        for (i, s) in c.sheets.enumerated() { try b.fill(i, s) }
        return try b.finish(threshold: c.threshold, inputs: c.inputs)
    }

    /// An empty workbook with a sheet per table named, to fill (`WorkbookBuilder`), written in
    /// `scratch` under a name of this process's.
    static func builder(scratch: String, period: Month, tables: [String]) throws -> WorkbookBuilder {
        let path = (scratch as NSString).appendingPathComponent(".outcomes-\(getpid()).xlsx")
        unlink(path)
        return try WorkbookBuilder(path: path, tmpdir: scratch, period: period, tables: tables)
    }

    /// The fixed creation time: midnight UTC after the reporting month's last day.
    static func created(_ period: Month) -> time_t { time_t(Int(period.lastDay) + 1) * 86_400 }

    /// Throws when libxlsxwriter reports an error. `step` is worked out only then: the cell loop
    /// checks every write, and a message built per cell cost more than the write itself.
    static func check(_ e: lxw_error, _ step: @autoclosure () -> String) throws {
        guard e != LXW_NO_ERROR else { return }
        throw WorkbookError.library(step: step(), message: String(cString: lxw_strerror(e)))
    }

    static func setProperties(_ wb: UnsafeMutablePointer<lxw_workbook>, _ period: Month) -> lxw_error {
        var p = lxw_doc_properties()
        let title = strdup("Children's services outcomes: \(period.name) \(period.year)")
        let author = strdup("outcomes \(OutcomesVersion.string)")
        let comments = strdup("The month's published tables, cell for cell as the CSV files beside this workbook.")
        defer { free(title); free(author); free(comments) }
        p.title = title; p.author = author; p.comments = comments
        p.created = created(period)
        return workbook_set_properties(wb, &p)
    }

    /// The cell formats, made once per workbook. Each takes its style number (`xf` index) here, in
    /// a fixed order, rather than at its first use as libxlsxwriter would otherwise do: the
    /// sheets are filled in whatever order their tables become final (`WorkbookBuilder`), and the
    /// numbers, which every cell's XML holds, must not depend on that.
    struct Formats {
        let header, bold, title, wrap: UnsafeMutablePointer<lxw_format>
        /// Numbers by decimal places (thousands separated), and the year (`time_period`).
        let number: [UnsafeMutablePointer<lxw_format>]
        let year: UnsafeMutablePointer<lxw_format>

        init(_ wb: UnsafeMutablePointer<lxw_workbook>) {
            header = workbook_add_format(wb)
            format_set_bold(header); format_set_bottom(header, UInt8(LXW_BORDER_THIN.rawValue))
            format_set_text_wrap(header); format_set_align(header, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
            bold = workbook_add_format(wb); format_set_bold(bold)
            title = workbook_add_format(wb); format_set_bold(title); format_set_font_size(title, 14)
            wrap = workbook_add_format(wb); format_set_text_wrap(wrap)
            format_set_align(wrap, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
            number = ["#,##0", "#,##0.0", "#,##0.00", "#,##0.000"].map { s in
                let f = workbook_add_format(wb)!; format_set_num_format(f, s); return f
            }
            year = workbook_add_format(wb); format_set_num_format(year, "0")
            // The About sheet's formats first, as their first use used to number them.
            for f in [title, bold, wrap, header, year] + number { _ = lxw_format_get_xf_index(f) }
        }

        func number(dp: Int, column: String) -> UnsafeMutablePointer<lxw_format> {
            column == "time_period" ? year : number[min(max(dp, 0), number.count - 1)]
        }
    }

    /// One table sheet: the header, every row, the header frozen, an autofilter over all of it.
    static func writeTable(_ ws: UnsafeMutablePointer<lxw_worksheet>, _ s: WorkbookSheet, _ f: Formats) throws {
        for (j, h) in s.header.enumerated() {
            try check(worksheet_write_string(ws, 0, lxw_col_t(j), h, f.header), "writing the header of \(s.name)")
        }
        let formats = zip(s.header, s.decimals).map { h, dp in dp.map { f.number(dp: $0, column: h) } }
        var widths = s.header.map { min(max($0.count, 6), 30) }
        let dps = s.decimals.map { $0 ?? 0 }, isYear = s.header.map { $0 == "time_period" }
        for (i, row) in s.rows.enumerated() {
            let r = lxw_row_t(i + 1)
            for (j, v) in row.enumerated() {
                let e: lxw_error
                switch v {
                case .number(let x):
                    e = worksheet_write_number(ws, r, lxw_col_t(j), x, formats[j])
                    widths[j] = max(widths[j], shownWidth(x, dp: dps[j], year: isYear[j]))
                case .text(let t):
                    e = worksheet_write_string(ws, r, lxw_col_t(j), t, nil)
                    widths[j] = max(widths[j], t.count)
                }
                try check(e, "writing \(s.name) row \(i + 2)")
            }
        }
        for (j, w) in widths.enumerated() {
            try check(worksheet_set_column(ws, lxw_col_t(j), lxw_col_t(j), Double(min(w, 50) + 2), nil), "sizing \(s.name)")
        }
        worksheet_freeze_panes(ws, 1, 0)
        if !s.header.isEmpty {
            try check(worksheet_autofilter(ws, 0, 0, lxw_row_t(s.rows.count), lxw_col_t(s.header.count - 1)),
                      "adding the autofilter to \(s.name)")
        }
    }

    /// Characters a number takes in its column's format (thousands separators included).
    static func shownWidth(_ x: Double, dp: Int, column: String) -> Int {
        shownWidth(x, dp: dp, year: column == "time_period")
    }

    /// The same count worked out from the rounded digits, without printing them: the length of
    /// `NumberFormat.rounded(x, dp:)` (digits, zero-padded to `dp + 1` when `dp > 0`, a point, a
    /// sign when the rounded figure is not 0), plus a separator per three whole digits after the
    /// first, except for the year (`time_period`, format `0`). Printing each number cost more
    /// than writing it to the sheet.
    static func shownWidth(_ x: Double, dp: Int, year: Bool) -> Int {
        guard x.isFinite else { return 1 }  // `rounded` prints "z"
        let f = NumberFormat.roundedMagnitude(x, dp: dp)
        var digits = 1, m = f
        while m >= 10 { m /= 10; digits += 1 }
        if dp > 0 { digits = max(digits, dp + 1) }
        let length = digits + (dp > 0 ? 1 : 0) + (x < 0 && f != 0 ? 1 : 0)
        guard !year else { return length }
        let whole = dp > 0 ? digits - dp : digits
        return length + max(0, (whole - 1) / 3)
    }
}

/// The attendance trend as a native Excel line chart: children we work with and all pupils,
/// month by month, from the `attendance_trend` sheet's `Total` and `all_pupils` rows.
///
/// The trend sheet is tidy (a row per month and group), so the two series are not contiguous
/// ranges there; this sheet sets them side by side and the chart draws from it. A figure shown as
/// a symbol is a blank cell here (Excel leaves a gap; text would be drawn as zero), and the
/// `Not shown` column says which symbol it was.
struct TrendChart {
    static let sheetName = "attendance_chart"
    var months: [String]
    var cohort: [WorkbookSheet.Value]
    var allPupils: [WorkbookSheet.Value]

    init?(_ s: WorkbookSheet) {
        guard let b = s.header.firstIndex(of: "breakdown"), let v = s.header.firstIndex(of: "attendance_pct") else { return nil }
        let month = s.header.firstIndex(of: "month")
        let tp = s.header.firstIndex(of: "time_period"), ti = s.header.firstIndex(of: "time_identifier")
        func text(_ x: WorkbookSheet.Value) -> String {
            switch x { case .text(let t): return t; case .number(let n): return NumberFormat.rounded(n, dp: 0) }
        }
        func label(_ r: [WorkbookSheet.Value]) -> String {
            if let month { return text(r[month]) }
            if let tp, let ti { return text(r[ti]) + " " + text(r[tp]) }
            return ""
        }
        var months: [String] = [], cohort: [String: WorkbookSheet.Value] = [:], all: [String: WorkbookSheet.Value] = [:]
        for r in s.rows {
            let m = label(r), kind = text(r[b])
            guard kind == "Total" || kind == "all_pupils" else { continue }
            if !months.contains(m) { months.append(m) }
            if kind == "Total" { cohort[m] = r[v] } else { all[m] = r[v] }
        }
        guard !months.isEmpty else { return nil }
        self.months = months
        self.cohort = months.map { cohort[$0] ?? .text("x") }
        self.allPupils = months.map { all[$0] ?? .text("x") }
    }

    /// The y axis's lower end: a multiple of 5 below the lowest figure (0 when figures reach it).
    var axisMin: Double {
        let v = (cohort + allPupils).compactMap { x -> Double? in if case .number(let n) = x { return n }; return nil }
        guard let lo = v.min() else { return 0 }
        return max(0, ((lo - 2) / 5).rounded(.down) * 5)
    }

    func write(_ wb: UnsafeMutablePointer<lxw_workbook>, _ ws: UnsafeMutablePointer<lxw_worksheet>, _ f: Workbook.Formats) throws {
        let head = ["Month", "Children we work with: attendance (%)", "All pupils: attendance (%)", "Not shown"]
        for (j, h) in head.enumerated() { worksheet_write_string(ws, 0, lxw_col_t(j), h, f.header) }
        for (i, m) in months.enumerated() {
            let r = lxw_row_t(i + 1)
            worksheet_write_string(ws, r, 0, m, nil)
            var missing: [String] = []
            for (j, (name, v)) in [("children we work with", cohort[i]), ("all pupils", allPupils[i])].enumerated() {
                switch v {
                case .number(let x): worksheet_write_number(ws, r, lxw_col_t(j + 1), x, f.number(dp: 1, column: ""))
                case .text(let t): missing.append("\(name): \(t)")
                }
            }
            if !missing.isEmpty { worksheet_write_string(ws, r, 3, missing.joined(separator: "; "), nil) }
        }
        worksheet_set_column(ws, 0, 0, 12, nil)
        worksheet_set_column(ws, 1, 2, 20, nil)
        worksheet_set_column(ws, 3, 3, 34, nil)
        worksheet_freeze_panes(ws, 1, 0)
        let last = months.count
        let note = lxw_row_t(last + 2)
        worksheet_write_string(ws, note, 0, "From the attendance_trend sheet: its Total row (children we work with) and all_pupils row for each month. "
                               + "c = suppressed, z = cannot be computed, x = not available; such months are gaps in the chart.", nil)

        guard let chart = workbook_add_chart(wb, UInt8(LXW_CHART_LINE.rawValue)) else {
            throw WorkbookError.library(step: "adding the attendance chart", message: "no chart was created")
        }
        chart_title_set_name(chart, "Attendance by month")
        let styles: [(col: String, color: lxw_color_t, dash: UInt8, marker: UInt8)] = [
            ("B", 0x0072B2, UInt8(LXW_CHART_LINE_DASH_SOLID.rawValue), UInt8(LXW_CHART_MARKER_CIRCLE.rawValue)),
            ("C", 0x000000, UInt8(LXW_CHART_LINE_DASH_DASH.rawValue), UInt8(LXW_CHART_MARKER_NONE.rawValue)),
        ]
        for s in styles {
            let series = chart_add_series(chart, "=\(Self.sheetName)!$A$2:$A$\(last + 1)",
                                          "=\(Self.sheetName)!$\(s.col)$2:$\(s.col)$\(last + 1)")
            chart_series_set_name(series, "=\(Self.sheetName)!$\(s.col)$1")
            var line = lxw_chart_line()
            line.color = s.color; line.width = 2.25; line.dash_type = s.dash
            chart_series_set_line(series, &line)
            chart_series_set_marker_type(series, s.marker)
        }
        let lo = axisMin
        chart_axis_set_min(chart.pointee.y_axis, lo)
        chart_axis_set_max(chart.pointee.y_axis, 100)
        // The page's rule, kept here: an axis that does not start at 0 says so.
        chart_axis_set_name(chart.pointee.y_axis, lo > 0 ? "% of sessions (axis does not start at 0)" : "% of sessions")
        chart_axis_set_name(chart.pointee.x_axis, "Month")
        chart_legend_set_position(chart, UInt8(LXW_CHART_LEGEND_BOTTOM.rawValue))
        var o = lxw_chart_options()
        o.x_scale = 1.5; o.y_scale = 1.4
        let desc = strdup("Line chart of attendance by month: children we work with against all pupils.")
        defer { free(desc) }
        o.description = desc
        try Workbook.check(worksheet_insert_chart_opt(ws, 0, 5, chart, &o), "placing the attendance chart")
    }
}
