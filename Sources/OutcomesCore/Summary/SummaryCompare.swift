import Foundation

/// "How we compare": the rows of `attendance_benchmarks.csv` (METRICS.md 6), our cohort, each
/// level and all pupils in the extracts beside the council's, the region's and England's
/// published figures for the academic year to date.
extension SummaryContext {
    /// The page's columns (the absence rates by kind are in the CSV and the workbook).
    static let benchmarkColumns: [(column: String, header: String)] = [
        ("attendance_pct", "Attendance %"), ("persistent_absence_pct", "Persistent absence %"),
        ("gap_to_england_pp", "Gap to England (pp)"),
    ]

    /// The figure, or nil when this month's tables hold no `attendance_benchmarks` (no usable
    /// published file, PRECISE.md 39): the page then says so instead.
    func compareFigure() -> SummaryFigure? {
        guard tables.has("attendance_benchmarks") else { return nil }
        let t = tables["attendance_benchmarks"]
        let rows = t.table.rows
        let groups = rows.map { t.filter($0, "group") }
        func col(_ c: String) -> [String] { rows.map { t.shown($0, c) } }
        let att = col("attendance_pct"), pa = col("persistent_absence_pct")
        let england = rows.firstIndex { t.filter($0, "group") == "England (published)" }.map { att[$0] } ?? ""
        func zoomed(_ v: [String]) -> ClosedRange<Double> { SVG.domain(v.compactMap(SVG.num), clamp: 0...100, minSpan: 10) }
        // One panel, half the page wide, beside attendance before and during the work; persistent
        // absence is in the table.
        let panels = [
            SummaryCharts.DotPanel(title: "Attendance % (higher is better)", series: [(.current, att)], reference: england,
                                   domain: zoomed(att)),
        ]
        _ = pa
        let chart = SummaryCharts.dotPanels(rows: groups, panels: panels, labelWidth: 200, panelWidth: 280, rowH: 18)
        let table = DataTable(headers: ["Group", "Source"] + Self.benchmarkColumns.map(\.header),
                              rows: rows.map { r in [t.filter(r, "group"), t.filter(r, "source")] + Self.benchmarkColumns.map { t.shown(r, $0.column) } })
        let source = Set(rows.map { t.filter($0, "source") }.filter { $0.hasPrefix("published") }).sorted().joined(separator: ", ")
        var note = "Academic year to date. Our rows come from the extracts; published rows are the DfE's pupil attendance statistics"
            + (source.isEmpty ? "" : " (\(source))") + ", whose persistent absence counts enrolments. The dashed line is England."
        if panels[0].domain.lowerBound > 0 {
            note += " Axis does not start at 0: attendance from \(NumberFormat.rounded(panels[0].domain.lowerBound, dp: 0))%."
        }
        note += " Contains public sector information licensed under the Open Government Licence v3.0."
        return SummaryFigure(
            id: "cmp", title: "How we compare: attendance against published figures",
            summary: "Dot plot, one row per group (\(groups.joined(separator: ", "))): attendance for the academic year to "
                + "date, our figures beside the published ones, with England as a dashed line. "
                + "The table below gives the figures.",
            drawing: chart.svg, width: chart.width, height: chart.height,
            legend: [("Attendance", .current), ("England", .reference)],
            table: table, note: note)
    }

    /// The section's body: the figure, or the reason it is missing.
    func compareBody() -> String {
        if let f = compareFigure() { return SummaryPage.grid([f]) }
        return "<p class=\"note\">How we compare: not in this month's tables: no usable file of published pupil attendance was found in the "
            + "benchmarks folder, so attendance_benchmarks.csv was not written (the run's log says why).</p>\n"
    }
}
