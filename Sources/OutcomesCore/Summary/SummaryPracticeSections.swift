import Foundation

/// The feedback and practice sections of the page: feedback, timeliness and activity.
extension SummaryContext {
    /// Feedback % positive by question with its 95% interval and the previous 12 months marked.
    func feedbackFigure() -> SummaryFigure {
        let t = tables["feedback"]
        let rows = t.rows(window: Self.rolling, filters: ["respondent": "Total"])
        func label(_ r: OutputRow) -> String {
            HTMLText.words(t.filter(r, "instrument")) + ": " + HTMLText.words(t.filter(r, "question")).lowercased()
        }
        let bars = rows.map { r in
            SummaryCharts.Bar(label: label(r), value: t.shown(r, "pct_positive"), low: t.shown(r, "ci95_low"),
                              high: t.shown(r, "ci95_high"), previous: t.shown(r, "prev_pct_positive"),
                              note: t.shown(r, "pct_positive") + (SVG.num(t.shown(r, "pct_positive")) == nil ? "" : "%")
                                  + ", n = " + t.shown(r, "n_responses"))
        }
        // The figures sit close together (often within 10 points), so the scale is zoomed to them;
        // on 0 to 100 the intervals and the previous period collapse into one blot. The note says so.
        let shown = rows.flatMap { r in ["pct_positive", "ci95_low", "ci95_high", "prev_pct_positive"].compactMap { t.value(r, $0) } }
        let domain = SVG.domain(shown, clamp: 0...100, minSpan: 20)
        let chart = SummaryCharts.intervals(rows: bars, xLabel: "Answers that were positive (%)", domain: domain, right: 110)
        let table = DataTable(
            headers: ["Question", "Responses", "% positive", "95% low", "95% high", "Previous 12 months %", "Change (pp)"],
            rows: rows.map { r in
                [label(r), t.shown(r, "n_responses"), t.shown(r, "pct_positive"), t.shown(r, "ci95_low"),
                 t.shown(r, "ci95_high"), t.shown(r, "prev_pct_positive"), t.shown(r, "change_pp")]
            })
        return SummaryFigure(
            id: "fb", title: "Feedback: % positive by question",
            summary: "Dot chart: for each feedback question, the percentage of answers that were positive in the 12 months "
                + "to \(Self.monthName(period)) with its 95% interval as a whisker, and the previous 12 months as a hollow circle; "
                + "all respondents. The table below gives the figures.",
            drawing: chart.svg, width: 720, height: chart.height,
            legend: [("% positive, 12 months", .current), ("95% interval", .interval), ("Previous 12 months", .previous)],
            table: table, note: "The interval shows the range the true figure is likely to lie in; wide intervals mean few answers."
                + (domain.lowerBound > 0 ? " Axis does not start at 0: the scale runs from \(NumberFormat.rounded(domain.lowerBound, dp: 0))% to "
                    + "\(NumberFormat.rounded(domain.upperBound, dp: 0))% to show the differences." : ""),
            wide: true,
            printNote: "The chart prints each question's % positive and answers; the intervals and the previous 12 months are in the table on screen and in feedback.csv.")
    }

    static let measureNames: [String: String] = [
        "first_contact_5wd": "First contact within 5 working days",
        "assessment_45d": "Assessment within 45 days",
        "taf_28d": "TAF meeting within 28 days of contact",
        "open_over_9_months": "Open over 9 months",
        "open_over_12_months": "Open over 12 months",
    ]

    /// Measures where a lower figure is better (METRICS.md 4): drawn on their own axis.
    static let lowerIsBetter: Set<String> = ["open_over_9_months", "open_over_12_months"]

    /// Timeliness: % met by measure, the standards (higher is better) apart from the caseload
    /// age measures (lower is better), each group on its own axis, each row saying which.
    func timelinessFigure() -> SummaryFigure {
        let t = tables["timeliness"]
        let rows = t.rows(window: Self.rolling)
        func lower(_ r: OutputRow) -> Bool { Self.lowerIsBetter.contains(t.filter(r, "measure")) }
        func label(_ r: OutputRow) -> String {
            let m = t.filter(r, "measure")
            return (Self.measureNames[m] ?? HTMLText.words(m)) + (lower(r) ? " (lower is better)" : " (higher is better)")
        }
        func bar(_ r: OutputRow) -> SummaryCharts.Bar {
            SummaryCharts.Bar(label: label(r), value: t.shown(r, "pct_met"), note: "n = " + t.shown(r, "n_eligible"))
        }
        let chart = SummaryCharts.barPanels([
            ("Practice standards met: higher is better", rows.filter { !lower($0) }.map(bar)),
            ("Episodes open a long time: lower is better", rows.filter(lower).map(bar)),
        ], xLabel: "% of eligible episodes", width: 720, labelWidth: 300)
        let table = DataTable(headers: ["Measure", "Eligible episodes", "Met", "% met"],
                              rows: rows.map { [label($0), t.shown($0, "n_eligible"), t.shown($0, "n_met"), t.shown($0, "pct_met")] })
        return SummaryFigure(
            id: "tl", title: "Timeliness against the practice standards",
            summary: "Two bar charts: the percentage of eligible episodes meeting each practice standard (higher is better), "
                + "and the percentage of open episodes open over 9 and 12 months (lower is better), in the 12 months to "
                + "\(Self.monthName(period)), with the number of eligible episodes. The table below gives the figures.",
            drawing: chart.svg, width: 720, height: chart.height, table: table,
            note: "Each measure says whether a higher or a lower figure is better; the two groups have separate axes.", wide: true,
            printNote: "The chart prints each figure and its base; the counts met are in the table on screen and in timeliness.csv.")
    }

    /// Referrals, allocations, closures and episodes open, the last 12 months against the same
    /// months a year before: four small panels and one table.
    func activityFigure() -> SummaryFigure {
        let t = tables["activity_trend"]
        let months = months12
        let span = "\(Self.monthName(period.adding(-23))) to \(Self.monthName(period))"
        let measures = [("referrals", "Referrals"), ("allocations", "Allocations"), ("closures", "Closures"),
                        ("open_at_month_end", "Open at month end")]
        var drawing = "", rows = Array(repeating: [String](), count: months.count), panelH = 0
        for (k, (column, name)) in measures.enumerated() {
            let now = months.map { t.shown(t.row(window: $0.text), column) }
            let before = months.map { t.shown(t.row(window: $0.adding(-12).text), column) }
            let yoy = months.map { t.shown(t.row(window: $0.text), column + "_yoy_pct") }
            let series = [
                SummaryCharts.Series(name: name, style: .at(0), texts: now),
                SummaryCharts.Series(name: "A year before", style: .comparison, texts: before),
            ]
            let values = (now + before).compactMap(SVG.num)
            let domain = 0...SVG.domain(values + [0], clamp: 0...1e12).upperBound
            let p = SummaryCharts.line(categories: months.map { String(Self.shortName($0).prefix(1)) }, series: series,
                                       yLabel: "Episodes", xLabel: "Month", domain: domain, width: 180, plotHeight: 80,
                                       left: 58, title: name)
            drawing += "<g transform=\"translate(\(k * 180) 0)\">\(p.svg)</g>\n"
            panelH = max(panelH, p.height)
            for i in months.indices { rows[i] += [now[i], before[i], yoy[i]] }
        }
        let table = DataTable(
            headers: ["Month"] + measures.flatMap { [$0.1, "year before", "change %"] },
            rows: months.indices.map { i in ["\(Self.shortName(months[i])) \(months[i].year)"] + rows[i] })
        var note = "Each panel: this year (solid) against the same month a year before (dashed), on a scale from 0; months J F M … are "
            + "\(rollingSpan). Boxes under an axis mark months whose figure is not shown; they are never zero."
        if let start = activityStart(t) {
            let first = period.adding(-23)
            let open = { (m: Month) in t.shown(t.row(window: m.text), "open_at_month_end") }
            note += start > first
                ? " Caveat: the data starts in \(Self.monthName(start)), so the year-before figures of the months before "
                    + "\(Self.monthName(start.adding(12))) are not whole"
                : " Caveat: a year before, episodes open were still building up from where the data starts (\(open(start)) at the "
                    + "end of \(Self.monthName(start)), \(open(start.adding(12))) a year later): episodes allocated before the "
                    + "data starts are missing"
            note += ", so growth on a year before in those months comes from where the data starts, not from more work."
        }
        return SummaryFigure(
            id: "act", title: "Activity by month",
            summary: "Four small line charts of referrals, allocations, closures and episodes open at month end in each of the "
                + "12 months to \(Self.monthName(period)), each with a dashed line for the same month a year before (24 months, "
                + "\(span)). The table below gives the figures and the change on a year before.",
            drawing: drawing, width: 720, height: panelH,
            legend: [("This year", .at(0)), ("Same month a year before", .comparison)], table: table, note: note, wide: true,
            printNote: "The month-by-month figures are in the table under this chart on screen and in activity_trend.csv.")
    }

    /// The month the activity data starts, when it starts inside the 24 months the table holds
    /// and so inside a year-before comparison: the first month with any referral, allocation or
    /// episode open, if months before it are empty, or if episodes open at its end are under
    /// half of those a year later (a caseload still building up from the extract's start).
    func activityStart(_ t: SummaryTable) -> Month? {
        let first = period.adding(-23)
        let months = (0..<24).map { first.adding($0) }
        func v(_ m: Month, _ c: String) -> Double? { t.value(t.row(window: m.text), c) }
        guard let start = months.first(where: { m in ["referrals", "allocations", "open_at_month_end"].contains { (v(m, $0) ?? 0) > 0 } })
        else { return nil }
        if start > first { return start }
        if let a = v(start, "open_at_month_end"), let b = v(start.adding(12), "open_at_month_end"), b > 0, a < b / 2 { return start }
        return nil
    }
}
