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
                              note: "n = " + t.shown(r, "n_responses"))
        }
        // The figures sit close together (often within 10 points), so the scale is zoomed to them;
        // on 0 to 100 the intervals and the previous period collapse into one blot. The note says so.
        let shown = rows.flatMap { r in ["pct_positive", "ci95_low", "ci95_high", "prev_pct_positive"].compactMap { t.value(r, $0) } }
        let domain = SVG.domain(shown, clamp: 0...100, minSpan: 20)
        let chart = SummaryCharts.intervals(rows: bars, xLabel: "Answers that were positive (%)", domain: domain)
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
                + (domain.lowerBound > 0 ? " The scale runs from \(NumberFormat.rounded(domain.lowerBound, dp: 0))% to "
                    + "\(NumberFormat.rounded(domain.upperBound, dp: 0))%, not from 0, to show the differences." : ""),
            wide: true)
    }

    static let measureNames: [String: String] = [
        "first_contact_5wd": "First contact within 5 working days",
        "assessment_45d": "Assessment within 45 days",
        "taf_28d": "TAF meeting within 28 days of contact",
        "open_over_9_months": "Open over 9 months (lower is better)",
        "open_over_12_months": "Open over 12 months (lower is better)",
    ]

    /// Timeliness: % met by measure.
    func timelinessFigure() -> SummaryFigure {
        let t = tables["timeliness"]
        let rows = t.rows(window: Self.rolling)
        func label(_ r: OutputRow) -> String {
            let m = t.filter(r, "measure"); return Self.measureNames[m] ?? HTMLText.words(m)
        }
        let bars = rows.map { SummaryCharts.Bar(label: label($0), value: t.shown($0, "pct_met"), note: "n = " + t.shown($0, "n_eligible")) }
        let chart = SummaryCharts.bars(rows: bars, xLabel: "% of eligible episodes", width: 720, labelWidth: 250)
        let table = DataTable(headers: ["Measure", "Eligible episodes", "Met", "% met"],
                              rows: rows.map { [label($0), t.shown($0, "n_eligible"), t.shown($0, "n_met"), t.shown($0, "pct_met")] })
        return SummaryFigure(
            id: "tl", title: "Timeliness against the practice standards",
            summary: "Bar chart: the percentage of eligible episodes meeting each practice standard in the 12 months to "
                + "\(Self.monthName(period)), with the number of eligible episodes. The table below gives the figures.",
            drawing: chart.svg, width: 720, height: chart.height, table: table,
            note: "For the two 'open over' measures a lower figure is better.", wide: true)
    }

    /// Referrals, allocations, closures and episodes open: the last 12 months against the same months a year before.
    func activityFigures() -> [SummaryFigure] {
        let t = tables["activity_trend"]
        let months = months12
        let span = "\(Self.monthName(period.adding(-23))) to \(Self.monthName(period))"
        var figs: [SummaryFigure] = []
        for (column, name) in [("referrals", "Referrals"), ("allocations", "Allocations"), ("closures", "Closures"),
                               ("open_at_month_end", "Episodes open at month end")] {
            let now = months.map { t.shown(t.row(window: $0.text), column) }
            let before = months.map { t.shown(t.row(window: $0.adding(-12).text), column) }
            let yoy = months.map { t.shown(t.row(window: $0.text), column + "_yoy_pct") }
            let series = [
                SummaryCharts.Series(name: "12 months to \(Self.monthName(period))", style: .at(0), texts: now),
                SummaryCharts.Series(name: "Same month a year before", style: .comparison, texts: before),
            ]
            let values = (now + before).compactMap(SVG.num)
            let domain = 0...SVG.domain(values + [0], clamp: 0...1e12).upperBound
            let chart = SummaryCharts.line(categories: months.map(Self.shortName), series: series,
                                           yLabel: "Episodes", xLabel: "Month (\(rollingSpan))", domain: domain)
            let table = DataTable(
                headers: ["Month", name, "A year before", "Change on a year before (%)"],
                rows: months.indices.map { i in [Self.monthName(months[i]), now[i], before[i], yoy[i]] })
            figs.append(SummaryFigure(
                id: "act-\(column)", title: "\(name) by month",
                summary: "Line chart of \(name.lowercased()) in each month of the 12 months to \(Self.monthName(period)), "
                    + "with a dashed line for the same month a year before (24 months in all, \(span)). "
                    + "The table below gives the figures.",
                drawing: chart.svg, width: 480, height: chart.height, legend: series.map { ($0.name, $0.style) }, table: table,
                note: chart.svg.contains("class=\"gap\"") ? "Boxes under the axis mark months whose figure is not shown; they are never zero." : nil))
        }
        return figs
    }
}
