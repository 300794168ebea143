/// The attendance family of tables (METRICS.md 2, ATTENDANCE_CODES.md).
///
/// Sessions are attributed to a row when the pupil had an episode matching the row open on the
/// session's date; the `all_pupils` block takes every pupil in the attendance data, so the cohort
/// can be set beside everyone else.
public enum AttendanceMetric {
    /// `attendance`, `attendance_impact` and `attendance_trend`, in that order.
    public static func tables(_ data: Dataset, _ ctx: ReportContext) -> [OutputTable] {
        let rows = AttendanceRows(data, breakdowns: ctx.breakdowns, chineseGroup: ctx.chineseGroup, threads: ctx.threads)
        return [attendance(data, ctx, rows), AttendanceImpact.table(data, ctx, rows), trend(data, ctx, rows.pupilIndex)]
    }

    static let indicators: [ColumnSpec] = [
        ColumnSpec("n_pupils", "Pupils with at least one possible session", hint: "Pupils"),
        ColumnSpec("sessions_possible", "Possible sessions", hint: "Sessions"),
        ColumnSpec("sessions_attended", "Sessions attended", hint: "Sessions"),
        ColumnSpec("sessions_authorised_absence", "Sessions of authorised absence", hint: "Sessions"),
        ColumnSpec("sessions_unauthorised_absence", "Sessions of unauthorised absence", hint: "Sessions"),
        ColumnSpec("attendance_pct", "Attendance rate", unit: "%", hint: "Rates"),
        ColumnSpec("authorised_absence_pct", "Authorised absence rate", unit: "%", hint: "Rates"),
        ColumnSpec("unauthorised_absence_pct", "Unauthorised absence rate", unit: "%", hint: "Rates"),
        ColumnSpec("overall_absence_pct", "Overall absence rate", unit: "%", hint: "Rates"),
        ColumnSpec("n_persistently_absent", "Pupils persistently absent (10% or more)", hint: "Pupils"),
        ColumnSpec("persistent_absence_pct", "Persistent absence rate", unit: "%", hint: "Pupils"),
        ColumnSpec("n_severely_absent", "Pupils severely absent (50% or more)", hint: "Pupils"),
        ColumnSpec("severe_absence_pct", "Severe absence rate", unit: "%", hint: "Pupils"),
        ColumnSpec("n_enrolments", "Enrolments (pupil at one school) with at least one possible session", hint: "Enrolments"),
        ColumnSpec("n_enrolments_persistently_absent", "Enrolments persistently absent (10% or more)", hint: "Enrolments"),
        ColumnSpec("enrolment_persistent_absence_pct", "Persistent absence rate by enrolment", unit: "%", hint: "Enrolments"),
        ColumnSpec("n_enrolments_severely_absent", "Enrolments severely absent (50% or more)", hint: "Enrolments"),
        ColumnSpec("enrolment_severe_absence_pct", "Severe absence rate by enrolment", unit: "%", hint: "Enrolments"),
    ]

    static let trendIndicators: [ColumnSpec] = [
        ColumnSpec("n_pupils", "Pupils with at least one possible session", hint: "Pupils"),
        ColumnSpec("attendance_pct", "Attendance rate", unit: "%", hint: "Rates"),
        ColumnSpec("persistent_absence_pct", "Persistent absence rate", unit: "%", hint: "Pupils"),
        ColumnSpec("severe_absence_pct", "Severe absence rate", unit: "%", hint: "Pupils"),
    ]

    /// The windows of `attendance.csv`: the two of every table, then `Academic year to date`
    /// (METRICS.md windows, PRECISE.md 37).
    static func windows(_ ctx: ReportContext) -> [ReportWindow] {
        ctx.windows + [ReportWindow.academicYearToDate(for: ctx.period)]
    }

    /// `attendance.csv`: the three windows (outermost), each breakdown then the `all_pupils` block.
    static func attendance(_ data: Dataset, _ ctx: ReportContext, _ rows: AttendanceRows) -> OutputTable {
        let windows = Self.windows(ctx)
        let sums = AttendanceAggregate.sums(data, rows: rows, windows: windows, threads: ctx.threads)
        var table = OutputTable(name: "attendance", indicators: indicators,
                                breakdowns: rows.breakdowns + [.allPupils])
        for (wi, w) in windows.enumerated() {
            table.rows += outputRows(w.name, sums[wi], rows) { fullCells($0, ctx.suppression) }
        }
        return table
    }

    /// `attendance_trend.csv`: the 12 months ending with the period (oldest first), each month its
    /// own window, breakdowns `Total`, `level` and `all_pupils`; a month with no attributed session
    /// in a row has no row (METRICS.md 2, PRECISE.md 10, 22).
    static func trend(_ data: Dataset, _ ctx: ReportContext, _ pupilIndex: [String: Int]) -> OutputTable {
        let months = (0..<12).map { ReportWindow.month(ctx.period.adding($0 - 11)) }
        let rows = AttendanceRows(data, breakdowns: [.total, Breakdown([.level])], chineseGroup: ctx.chineseGroup,
                                  threads: ctx.threads, pupilIndex: pupilIndex)
        let sums = AttendanceAggregate.sums(data, rows: rows, windows: months, threads: ctx.threads)
        var table = OutputTable(name: "attendance_trend", windowColumn: "month", indicators: trendIndicators,
                                breakdowns: rows.breakdowns + [.allPupils])
        // The pupil counts behind the absence rates are not shown, but suppression needs them (PRECISE.md 16, 33).
        table.unshownCounts = ["n_persistently_absent", "n_severely_absent"]
        for (mi, m) in months.enumerated() {
            table.rows += outputRows(m.name, sums[mi], rows, unshown: { [$0.persistent, $0.severe] }) {
                trendCells($0, ctx.suppression)
            }
        }
        return table
    }

    /// One window's rows: each breakdown in order, then `all_pupils`; only rows with an attributed
    /// session of any mark (PRECISE.md 10).
    private static func outputRows(_ window: String, _ sums: [AttendanceSums], _ rows: AttendanceRows,
                                   unshown: (AttendanceSums) -> [Int] = { _ in [] },
                                   _ cells: (AttendanceSums) -> [Cell]) -> [OutputRow] {
        var out: [OutputRow] = []
        for (b, breakdown) in rows.breakdowns.enumerated() {
            for r in rows.orderedRows(ofBreakdown: b) where sums[r].sessions > 0 {
                out.append(OutputRow(window: window, breakdown: breakdown.name, cohort: rows.rowKeys[r],
                                     cells: cells(sums[r]), unshown: unshown(sums[r])))
            }
        }
        let all = sums[rows.rowCount]
        if all.sessions > 0 {
            out.append(OutputRow(window: window, breakdown: Breakdown.allPupils.name,
                                 cohort: CohortAttributes.totals, cells: cells(all), unshown: unshown(all)))
        }
        return out
    }

    /// `part ÷ whole × 100`, or `z` when the whole is 0.
    static func pct(_ part: Int, _ whole: Int) -> Cell {
        whole == 0 ? .z : .num(Double(part) / Double(whole) * 100)
    }

    /// Rule-2 counts of `attendance.csv` and what is computed from each, by indicator index
    /// (METRICS.md "Rounding and small numbers" rule 2). The enrolment counts (PRECISE.md 38) are
    /// the last three: a small `n_enrolments` hides both enrolment rates, a small absent count its
    /// own rate. Declared as data so a whole-table suppression stage can take them over as they are.
    static let rule2Counts: [(count: Int, dependents: [Int])] = [
        (9, [10]), (11, [12]),
        (13, [15, 17]), (14, [15]), (16, [17]),
    ]

    /// `attendance.csv` cells: rule 1 on `n_pupils`; rule 2 on the counts of `rule2Counts`.
    /// Session counts are protected by rule 1 only.
    static func fullCells(_ s: AttendanceSums, _ sup: Suppression) -> [Cell] {
        var c: [Cell] = [
            .int(s.pupils), .int(s.possible), .int(s.attended), .int(s.authorised), .int(s.unauthorised),
            pct(s.attended, s.possible), pct(s.authorised, s.possible), pct(s.unauthorised, s.possible),
            pct(s.authorised + s.unauthorised, s.possible),
            .int(s.persistent), pct(s.persistent, s.pupils), .int(s.severe), pct(s.severe, s.pupils),
            .int(s.enrolments), .int(s.enrolmentsPersistent), pct(s.enrolmentsPersistent, s.enrolments),
            .int(s.enrolmentsSevere), pct(s.enrolmentsSevere, s.enrolments),
        ]
        if sup.applyRule1(base: s.pupils, cells: &c) { return c }
        let counts = [s.persistent, s.severe, s.enrolments, s.enrolmentsPersistent, s.enrolmentsSevere]
        for (k, r) in rule2Counts.enumerated() {
            sup.applyRule2(count: counts[k], countIndex: r.count, dependents: r.dependents, cells: &c)
        }
        return c
    }

    /// Trend cells: as `attendance.csv`, the rates hidden when their unshown pupil counts are
    /// small (PRECISE.md 16).
    static func trendCells(_ s: AttendanceSums, _ sup: Suppression) -> [Cell] {
        var c: [Cell] = [.int(s.pupils), pct(s.attended, s.possible), pct(s.persistent, s.pupils),
                         pct(s.severe, s.pupils)]
        if sup.applyRule1(base: s.pupils, cells: &c) { return c }
        if sup.isSmall(s.persistent), c[2] != .z { c[2] = .c }
        if sup.isSmall(s.severe), c[3] != .z { c[3] = .c }
        return c
    }
}
