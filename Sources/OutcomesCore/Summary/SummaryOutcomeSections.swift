import Foundation

/// The outcome sections of the page: distance travelled and attendance.
extension SummaryContext {
    /// Distance travelled by domain: baseline and latest means per rater, as dumbbells.
    func distanceFigures() -> [SummaryFigure] {
        let t = tables["distance_travelled"]
        let all = t.rows(window: Self.rolling)
        var figs: [SummaryFigure] = []
        for (k, rater) in t.values(of: "rated_by", in: all).enumerated() {
            let rows = t.rows(window: Self.rolling, filters: ["rated_by": rater])
            let pairs = rows.map { r -> SummaryCharts.Pair in
                let d = t.filter(r, "domain")
                return SummaryCharts.Pair(label: d == "Total" ? "All domains" : HTMLText.words(d),
                                          note: "n = " + t.shown(r, "n"), start: t.shown(r, "mean_baseline"),
                                          end: t.shown(r, "mean_latest"), bold: d == "Total")
            }
            let chart = SummaryCharts.dumbbell(rows: pairs, domain: 1...10, ticks: (1...10).map(Double.init),
                                               xLabel: "Mean score (1 = most worried, 10 = no worries)", width: 520)
            let table = DataTable(
                headers: ["Domain", "Episode-domains", "Baseline mean", "Latest mean", "Mean change", "% improved"],
                rows: zip(rows, pairs).map { r, p in
                    [p.label, t.shown(r, "n"), t.shown(r, "mean_baseline"), t.shown(r, "mean_latest"),
                     t.shown(r, "mean_change"), t.shown(r, "pct_improved")]
                })
            let who = HTMLText.words(rater)
            figs.append(SummaryFigure(
                id: "dt-\(k)", title: "Distance travelled by domain, rated by \(who.lowercased())",
                summary: "Dumbbell chart: for each outcome domain, the mean score at the first assessment and at "
                    + "the latest assessment, rated by \(who.lowercased()), with the number of episodes; "
                    + "\(Self.rolling.lowercased()) to \(Self.monthName(period)). The table below gives the figures.",
                drawing: chart.svg, width: 520, height: chart.height,
                legend: [("Baseline mean (first assessment)", .baseline), ("Latest mean", .latest)],
                table: table, note: "Episode-domains: each episode counts once for each domain it has a baseline and a later score in (an episode scored in three domains counts three times in All domains). A diamond to the right of its ring means scores rose (improved)."))
        }
        return figs
    }

    /// Attendance and persistent absence by month, by level, with all pupils for comparison.
    func attendanceTrendFigures() -> [SummaryFigure] {
        let t = tables["attendance_trend"]
        let months = months12
        let levelRows = t.rows(breakdown: "level")
        var levels: [String] = []
        for r in levelRows where !levels.contains(r.cohort[CohortColumn.level.rawValue]) {
            levels.append(r.cohort[CohortColumn.level.rawValue])
        }
        func texts(_ column: String, level: String?) -> [String] {
            months.map { m in
                let r = level.map { t.row(window: m.text, breakdown: "level", cohort: [.level: $0]) }
                    ?? t.row(window: m.text, breakdown: "all_pupils")
                return t.shown(r, column)
            }
        }
        // One small panel per group (all children we work with, then each level), each with the
        // all-pupils line, on one shared scale: six tangled lines in one chart cannot be read.
        let groups: [(name: String, level: String?)] = [("All children we work with", "Total")]
            + levels.map { ("Level " + $0, $0) }
        func groupTexts(_ column: String, _ level: String?) -> [String] {
            level == "Total" ? months.map { t.shown(t.row(window: $0.text), column) } : texts(column, level: level)
        }
        // Attendance and persistent absence in one figure: a row of panels each, one table, so a
        // printed page holds both (issue 15).
        var drawing = "", y = 0, columns: [[String]] = [], headers = ["Month"], groups2: [(String, Int)] = [("", 1)]
        var notes: [String] = []
        var missingAll = Set<Int>()
        for (column, title, yLabel) in [
            ("attendance_pct", "Attendance", "% of sessions"),
            ("persistent_absence_pct", "Persistent absence", "% of pupils"),
        ] {
            let all = texts(column, level: nil)
            let perGroup = groups.map { groupTexts(column, $0.level) }
            let values = (perGroup.flatMap { $0 } + all).compactMap(SVG.num)
            let domain = column == "attendance_pct" ? SVG.domain(values, clamp: 0...100)
                : 0...SVG.domain(values + [0], clamp: 0...100).upperBound
            // All panels of a measure in one row across the page.
            let panelW = 720 / max(1, groups.count)
            var rowH = 0
            for (g, group) in groups.enumerated() {
                let series = [SummaryCharts.Series(name: group.name, style: .at(0), texts: perGroup[g]),
                              SummaryCharts.Series(name: "All pupils", style: .comparison, texts: all)]
                let p = SummaryCharts.line(categories: months.map { String(Self.shortName($0).prefix(1)) }, series: series,
                                           yLabel: title, xLabel: "Month", domain: domain, width: panelW,
                                           plotHeight: 72, left: 44, title: group.name.replacingOccurrences(of: "All children we work with", with: "All children"))
                rowH = max(rowH, p.height)
                drawing += "<g transform=\"translate(\(g * panelW) \(y))\">\(p.svg)</g>\n"
            }
            y += rowH + 8
            columns += perGroup + [all]
            headers += groups.map(\.name) + ["All pupils"]
            groups2.append(("\(title) (\(yLabel))", groups.count + 1))
            if domain.lowerBound > 0 {
                notes.append("Axis does not start at 0: the attendance scale runs from \(NumberFormat.rounded(domain.lowerBound, dp: 0))% to show the differences.")
            }
            for i in months.indices where perGroup.allSatisfy({ SVG.num($0[i]) == nil }) && SVG.num(all[i]) == nil { missingAll.insert(i) }
        }
        var table = DataTable(headers: headers, rows: months.enumerated().map { i, m in
            ["\(Self.shortName(m)) \(m.year)"] + columns.map { $0[i] }
        })
        table.groups = groups2
        var note = "Each panel: one group (solid line) against all pupils (dashed), on one scale per measure; months J F M … are "
            + "\(rollingSpan). Boxes under an axis mark months whose figure is not shown; they are never zero."
        note += notes.map { " " + $0 }.joined()
        if !missingAll.isEmpty {
            note += " The table has no figures for " + missingAll.sorted().map { Self.monthName(months[$0]) }.joined(separator: ", ")
                + " (shaded, marked x): it has no row for that month."
        }
        return [SummaryFigure(
            id: "att-trend", title: "Attendance and persistent absence by month and level",
            summary: "Small multiples of attendance (% of sessions) and persistent absence (% of pupils) for each month from "
                + "\(rollingSpan): one panel for all children we work with and one per level of need, each with a dashed line for "
                + "all pupils in the attendance data. The table below gives the figures.",
            drawing: drawing, width: 720, height: y - 8,
            legend: [("This group", .at(0)), ("All pupils", .comparison)], table: table, note: note, wide: true,
            printNote: "The month-by-month figures are in the table under this chart on screen and in attendance_trend.csv.")]
    }

    /// Attendance before the work against attendance during it, for episodes closed in the 12 months.
    func attendanceImpactFigure() -> SummaryFigure {
        let t = tables["attendance_impact"]
        let rows = t.rows(window: Self.rolling) + t.rows(window: Self.rolling, breakdown: "level")
        let pairs = rows.map { r -> SummaryCharts.Pair in
            let lvl = r.cohort[CohortColumn.level.rawValue]
            return SummaryCharts.Pair(label: r.breakdown == "Total" ? "All closed episodes" : "Level " + lvl,
                                      note: "n = " + t.shown(r, "n_episodes"), start: t.shown(r, "mean_before_pct"),
                                      end: t.shown(r, "mean_during_pct"), bold: r.breakdown == "Total")
        }
        let values = pairs.flatMap { [SVG.num($0.start), SVG.num($0.end)].compactMap { $0 } }
        let domain = SVG.domain(values, clamp: 0...100)
        let chart = SummaryCharts.dumbbell(rows: pairs, domain: domain,
                                           ticks: SVG.ticks(domain.lowerBound, domain.upperBound),
                                           xLabel: "Mean attendance (% of sessions)", width: 480, labelWidth: 140)
        let table = DataTable(
            headers: ["Group", "Episodes", "Before %", "During %", "Change (pp)", "% improved"],
            rows: zip(rows, pairs).map { r, p in
                [p.label, t.shown(r, "n_episodes"), t.shown(r, "mean_before_pct"), t.shown(r, "mean_during_pct"),
                 t.shown(r, "mean_change_pp"), t.shown(r, "pct_improved")]
            })
        return SummaryFigure(
            id: "att-impact", title: "Attendance before and during the work",
            summary: "Dumbbell chart: for episodes closed in the 12 months to \(Self.monthName(period)), the mean attendance "
                + "in the \(impactDaysBefore) days before allocation and during the episode, overall and by level, with the number of episodes. "
                + "The table below gives the figures.",
            drawing: chart.svg, width: 480, height: chart.height,
            legend: [("Before the work (\(impactDaysBefore) days)", .baseline), ("During the work", .latest)], table: table,
            note: "Episodes count when both parts have at least \(impactMinSessions) possible sessions."
                + (domain.lowerBound > 0 ? " Axis does not start at 0: the scale runs from \(NumberFormat.rounded(domain.lowerBound, dp: 0))%." : ""))
    }
}
