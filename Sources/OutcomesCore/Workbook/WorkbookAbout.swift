import CXlsxWriter
import Foundation

/// The workbook's first sheet: what the workbook is, the period, the threshold, each sheet, the
/// symbols, the source files and the licence of the published benchmark figures.
enum WorkbookAbout {
    /// What each table's sheet holds, in a sentence (tables the tool does not know get the meta note).
    static let descriptions: [String: String] = [
        "distance_travelled": "Distance travelled: for each outcome domain and rater, the change from the first to the latest score (1 = most worried, 10 = no worries); n counts episode-domains.",
        "distance_travelled_bands": "Distance travelled in bands of change, for the same episode-domains.",
        "attendance": "School attendance of the children we work with, and of all pupils in the extracts, by window and breakdown.",
        "attendance_impact": "Attendance in the 90 days before allocation against attendance during the episode, for episodes closed in the window.",
        "attendance_trend": "Attendance and persistent absence month by month (12 months).",
        "feedback": "Feedback: % of answers that were positive, by instrument, question and respondent, with a 95% Wilson interval and the previous 12 months.",
        "feedback_response_rate": "How many closed episodes had a closure survey answered.",
        "timeliness": "Timeliness against the practice standards: episodes meeting each standard (for the two 'open over' measures a lower figure is better).",
        "activity_trend": "Referrals, allocations, closures and episodes open, month by month over 24 months, with the change on the same month a year before.",
        "attendance_benchmarks": "How we compare: our attendance beside the council's, the region's and England's published figures for the academic year.",
    ]

    static let licence = "Contains public sector information licensed under the Open Government Licence v3.0."

    /// - Parameter sheets: each table sheet's name and data rows, in order.
    static func write(_ ws: UnsafeMutablePointer<lxw_worksheet>, period p: Month, threshold: Int,
                      sheets: [(name: String, rows: Int)], inputs: [FileLoadResult], _ f: Workbook.Formats) {
        var r: lxw_row_t = 0
        func line(_ a: String, _ b: String = "", _ fa: UnsafeMutablePointer<lxw_format>? = nil, _ cells: [String] = []) {
            worksheet_write_string(ws, r, 0, a, fa)
            if !b.isEmpty { worksheet_write_string(ws, r, 1, b, f.wrap) }
            for (j, t) in cells.enumerated() where !t.isEmpty { worksheet_write_string(ws, r, lxw_col_t(j + 2), t, f.wrap) }
            r += 1
        }
        func heading(_ cols: [String]) {
            for (j, h) in cols.enumerated() { worksheet_write_string(ws, r, lxw_col_t(j), h, f.header) }
            r += 1
        }
        line("Children's services outcomes: \(p.name) \(p.year)", "", f.title)
        r += 1
        line("Reporting month", "\(p.name) \(p.year): \(Days.iso(p.firstDay)) to \(Days.iso(p.lastDay))", f.bold)
        line("12-month window", "\(Days.iso(p.adding(-11).firstDay)) to \(Days.iso(p.lastDay))", f.bold)
        line("Suppression threshold", threshold > 0
             ? "\(threshold): counts from 1 to \(threshold) are shown as c, and so is any figure worked out from them"
             : "0: suppression is off (these tables must not be published)", f.bold)
        line("Produced by", "outcomes \(OutcomesVersion.string), written with libxlsxwriter \(String(cString: cxlsx_version()))", f.bold)
        line("This workbook", "Each table sheet is the CSV file of the same name beside this workbook, cell for cell: "
             + "numbers are stored as numbers, the symbols below as text. The .meta.csv files describe every column. "
             + "Header rows are frozen and filtered.", f.bold)
        r += 1
        heading(["Sheet", "What it holds", "Rows"])
        for s in sheets {
            line(s.name, descriptions[s.name] ?? "The table \(s.name).csv; \(s.name).meta.csv describes its columns.", nil, [String(s.rows)])
        }
        if sheets.contains(where: { $0.name == "attendance_trend" }) {
            line(TrendChart.sheetName, "The attendance trend as a chart, with the figures it draws (from attendance_trend).")
        }
        r += 1
        heading(["Symbol", "Meaning"])
        line("c", "Suppressed to protect children: a small count (1 to the threshold), or a figure from which one could be worked out.")
        line("z", "Cannot be computed (for example a change against a period with no data).")
        line("x", "Not available.")
        r += 1
        heading(["Source file", "Kind", "SHA-256", "Rows loaded"])
        if inputs.isEmpty {
            line("(none this run)", "The tables were reported from the store without loading extracts; earlier runs' manifest.json files list them.")
        }
        for i in inputs {
            line(i.file, i.kind.rawValue, nil, [i.sha256, i.unchanged ? "unchanged since loaded before" : String(i.rowsLoaded)])
        }
        if sheets.contains(where: { $0.name == "attendance_benchmarks" }) {
            line("benchmarks/", "published", nil, ["The DfE's Pupil attendance in schools statistics, as downloaded", ""])
        }
        r += 1
        line("Licence", "Published benchmark figures (attendance_benchmarks): " + licence, f.bold)
        worksheet_set_column(ws, 0, 0, 26, nil)
        worksheet_set_column(ws, 1, 1, 90, nil)
        worksheet_set_column(ws, 2, 2, 66, nil)
        worksheet_set_column(ws, 3, 3, 16, nil)
    }
}
