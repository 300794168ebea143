/// `attendance_benchmarks.csv` (METRICS.md 6): the children we work with beside the published
/// figures of the council, its region, England and, when configured, its statistical neighbours,
/// all over the academic year to date of the reporting month.
public enum AttendanceBenchmarks {
    static let indicators: [ColumnSpec] = [
        ColumnSpec("attendance_pct", "Attendance rate", unit: "%", hint: "Rates"),
        ColumnSpec("authorised_absence_pct", "Authorised absence rate", unit: "%", hint: "Rates"),
        ColumnSpec("unauthorised_absence_pct", "Unauthorised absence rate", unit: "%", hint: "Rates"),
        ColumnSpec("overall_absence_pct", "Overall absence rate", unit: "%", hint: "Rates"),
        ColumnSpec("persistent_absence_pct", "Persistent absence rate (by enrolment)", unit: "%", hint: "Rates"),
        ColumnSpec("gap_to_england_pp", "Attendance rate minus England's", unit: "pp", hint: "Comparison"),
        ColumnSpec("n_neighbours_found", "Statistical neighbours found in the published figures", hint: "Comparison"),
    ]
    static let filters: [ColumnSpec] = [
        ColumnSpec("group", "Group", hint: "Who the figures are for"),
        ColumnSpec("source", "Source", hint: "extracts, or published with the academic year of the figures"),
    ]

    /// Our columns in `attendance.csv` for the first five indicators (persistent absence by enrolment,
    /// as the national statistics count it).
    static let ourColumns = ["attendance_pct", "authorised_absence_pct", "unauthorised_absence_pct",
                             "overall_absence_pct", "enrolment_persistent_absence_pct"]
    /// The published columns for the same five, and the session counts pooled for neighbours.
    static let publishedColumns = ["attendance_perc", "authorised_absence_perc", "unauthorised_absence_perc",
                                   "overall_absence_perc", "pa_perc"]
    static let pooledCounts = ["overall_attendance", "authorised_absence", "unauthorised_absence", "overall_absence"]

    /// The table, or nil with the reason when no published row of the academic year of the period
    /// or an earlier one is usable (PRECISE.md 39).
    public static func table(attendance: OutputTable, published: PublishedAttendance, ctx: ReportContext,
                             neighbours: [String]) -> (table: OutputTable?, warning: String?) {
        guard let year = published.year(for: ctx.period) else {
            let why = published.warnings.isEmpty ? "" : " (" + published.warnings.joined(separator: "; ") + ")"
            return (nil, "no usable benchmark file holds published pupil attendance (Academic year, education phase Total) for \(ReportWindow.academicYearCode(for: ctx.period)) or an earlier year\(why), so attendance_benchmarks.csv was not written; put the DfE's year-to-date file in the benchmarks folder")
        }
        let source = "published \(year)"
        let england = published.national(year).flatMap { number($0.figures["attendance_perc"]) }
        var rows: [OutputRow] = []
        func row(_ group: String, _ source: String, _ five: [Cell], neighbours: Cell = .z, isEngland: Bool = false) {
            var gap: Cell
            if isEngland || england == nil {
                gap = .z
            } else if case .num(let v) = five[0] {
                gap = .num(v - england!)
            } else {
                gap = five[0]  // c stays c (it would give our hidden rate back), x stays x
            }
            rows.append(OutputRow(window: "", breakdown: Breakdown.total.name, cohort: CohortAttributes.totals,
                                  filters: [group, source], cells: five + [gap, neighbours]))
        }
        // Our rows: as attendance.csv shows them in its `Academic year to date` window.
        let ay = ReportWindow.academicYearName
        let cols = ourColumns.map { attendance.indicatorIndex($0) }
        func ours(_ r: OutputRow?) -> [Cell] {
            guard let r else { return Array(repeating: .x, count: 5) }
            return cols.map { $0.map { r.cells[$0] } ?? .x }
        }
        let inAY = attendance.rows.filter { $0.window == ay }
        row("Children we work with", "extracts", ours(inAY.first { $0.breakdown == Breakdown.total.name }))
        let levelName = Breakdown([.level]).name
        let lvl = CohortColumn.level.rawValue
        var levels: [String] = []
        // The levels with a row in that window (a level seen only in other windows is not listed).
        for r in inAY where r.breakdown == levelName && !levels.contains(r.cohort[lvl]) {
            levels.append(r.cohort[lvl])
        }
        levels.sort { CohortOrder.less($0, $1) }
        for l in levels {
            row(l, "extracts", ours(inAY.first { $0.breakdown == levelName && $0.cohort[lvl] == l }))
        }
        row("All pupils in the extracts", "extracts", ours(inAY.first { $0.breakdown == Breakdown.allPupils.name }))
        // Published rows: as published; a geography the files lack gives x.
        let g = ctx.geography
        row("\(g.laName) (published)", source, publishedCells(published.localAuthority(g.newLACode, year)))
        row("\(g.regionName) (published)", source, publishedCells(published.region(g.regionCode, year)))
        row("England (published)", source, publishedCells(published.national(year)), isEngland: true)
        if !neighbours.isEmpty {
            let found = neighbours.compactMap { published.localAuthority($0, year) }.filter(pooled)
            row("Statistical neighbours (published)", source, pool(found), neighbours: .int(found.count))
        }
        let table = OutputTable(name: "attendance_benchmarks", filters: filters, indicators: indicators,
                                rows: rows, breakdowns: [.total])
        var t = table
        t.hasWindow = false
        return (t, nil)
    }

    /// A published figure as a cell: a number, or the file's own symbol (`c`, `z`, `x`; anything
    /// else that is not a number reads as `x`, not available).
    static func cell(_ text: String?) -> Cell {
        guard let text, !text.isEmpty else { return .x }
        if let v = number(text) { return .num(v) }
        switch text { case "c": return .c; case "z": return .z; default: return .x }
    }

    static func number(_ text: String?) -> Double? {
        guard let text, let v = Double(text), v.isFinite else { return nil }
        return v
    }

    static func publishedCells(_ r: PublishedAttendance.Row?) -> [Cell] {
        guard let r else { return Array(repeating: .x, count: 5) }
        return publishedColumns.map { cell(r.figures[$0]) }
    }

    /// Whether a neighbour's row can be pooled: every pooled figure is a number. A neighbour whose
    /// figures the DfE suppressed (`c`) counts as not found.
    static func pooled(_ r: PublishedAttendance.Row) -> Bool {
        (["possible_sessions", "pa_perc"] + pooledCounts).allSatisfy { number(r.figures[$0]) != nil }
    }

    /// Neighbours pooled (METRICS.md 6): sessions summed and rates from the sums; persistent absence
    /// the plain mean of their `pa_perc`. No neighbour found gives `x`.
    static func pool(_ rows: [PublishedAttendance.Row]) -> [Cell] {
        guard !rows.isEmpty else { return Array(repeating: .x, count: 5) }
        func sum(_ c: String) -> Double { rows.reduce(0) { $0 + number($1.figures[c])! } }
        let possible = sum("possible_sessions")
        guard possible > 0 else { return Array(repeating: .z, count: 4) + [.num(sum("pa_perc") / Double(rows.count))] }
        return pooledCounts.map { .num(sum($0) / possible * 100) } + [.num(sum("pa_perc") / Double(rows.count))]
    }

    /// The `extract_vs_published_pp` figures (data_quality.csv): our all-pupils attended and possible
    /// sessions over the academic year to date, and the council's published attendance rate for the
    /// same academic year; nil unless both exist (a fallback year is a different year).
    public static func extractVsPublished(attendance: OutputTable, published: PublishedAttendance,
                                          ctx: ReportContext) -> (attended: Int, possible: Int, published: Double)? {
        let year = ReportWindow.academicYearCode(for: ctx.period)
        guard let la = published.localAuthority(ctx.geography.newLACode, year),
              let pub = number(la.figures["attendance_perc"]),
              let row = attendance.rows.first(where: { $0.window == ReportWindow.academicYearName && $0.breakdown == Breakdown.allPupils.name }),
              let ia = attendance.indicatorIndex("sessions_attended"), let ip = attendance.indicatorIndex("sessions_possible"),
              case .int(let attended) = row.cells[ia], case .int(let possible) = row.cells[ip], possible > 0
        else { return nil }
        return (attended, possible, pub)
    }
}
