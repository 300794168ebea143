import Foundation

/// The "By locality" section: attendance, distance travelled and timeliness side by side for each
/// locality (the tables' `locality` breakdown rows, 12 months), as small multiples of a ranked dot
/// plot with the all-localities figure as a dashed reference line in each panel.
extension SummaryContext {
    /// One column of the locality table: the table, the column, the filters of its rows.
    struct LocalityMeasure {
        var table: String
        var column: String
        var filters: [String: String]
        var header: String
    }

    static let localityMeasures: [LocalityMeasure] = [
        .init(table: "attendance", column: "n_pupils", filters: [:], header: "Pupils"),
        .init(table: "attendance", column: "attendance_pct", filters: [:], header: "Attendance %"),
        .init(table: "distance_travelled", column: "n", filters: ["domain": "Total", "rated_by": "family"], header: "Episode-domains (family)"),
        .init(table: "distance_travelled", column: "pct_improved", filters: ["domain": "Total", "rated_by": "family"], header: "Improved % (family)"),
        .init(table: "distance_travelled", column: "pct_improved", filters: ["domain": "Total", "rated_by": "practitioner"], header: "Improved % (practitioner)"),
        .init(table: "timeliness", column: "n_eligible", filters: ["measure": "first_contact_5wd"], header: "Eligible episodes"),
        .init(table: "timeliness", column: "pct_met", filters: ["measure": "first_contact_5wd"], header: "First contact in 5 working days %"),
        .init(table: "timeliness", column: "pct_met", filters: ["measure": "assessment_45d"], header: "Assessment in 45 days %"),
    ]

    /// The figure's text for one measure and locality (`nil` locality: the all-localities row).
    func localityText(_ m: LocalityMeasure, _ locality: String?) -> String {
        let t = tables[m.table]
        let row = locality.map { l in
            t.rows(window: Self.rolling, breakdown: "locality", filters: m.filters).first {
                $0.cohort[CohortColumn.locality.rawValue] == l
            }
        } ?? t.row(window: Self.rolling, filters: m.filters)
        return t.shown(row, m.column)
    }

    /// The localities in the tables, ranked by attendance (highest first), those without a shown
    /// figure and `Unknown` last.
    func localities() -> [String] {
        var names: [String] = []
        for n in ["attendance", "distance_travelled", "timeliness"] {
            for r in tables[n].rows(window: Self.rolling, breakdown: "locality") {
                let l = r.cohort[CohortColumn.locality.rawValue]
                if !names.contains(l) { names.append(l) }
            }
        }
        let att = Self.localityMeasures[1]
        let key = Dictionary(uniqueKeysWithValues: names.map { ($0, SVG.num(localityText(att, $0))) })
        return names.enumerated().sorted { a, b in
            let ua = a.element == "Unknown", ub = b.element == "Unknown"
            if ua != ub { return ub }
            switch (key[a.element]!, key[b.element]!) {
            case let (x?, y?) where x != y: return x > y
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a.offset < b.offset
            }
        }.map(\.element)
    }

    func localityFigure() -> SummaryFigure? {
        let names = localities()
        guard !names.isEmpty else { return nil }
        let m = Self.localityMeasures
        func texts(_ i: Int) -> [String] { names.map { localityText(m[i], $0) } }
        func zoomed(_ values: [[String]]) -> ClosedRange<Double> {
            SVG.domain(values.flatMap { $0 }.compactMap(SVG.num), clamp: 0...100, minSpan: 10)
        }
        let att = texts(1), fam = texts(3), pra = texts(4), fc = texts(6)
        let panels = [
            SummaryCharts.DotPanel(title: "Attendance %", series: [(.current, att)],
                                   reference: localityText(m[1], nil), domain: zoomed([att, [localityText(m[1], nil)]])),
            SummaryCharts.DotPanel(title: "Scores improved %", series: [(.current, fam), (.previous, pra)],
                                   reference: localityText(m[3], nil), domain: zoomed([fam, pra, [localityText(m[3], nil)]])),
            SummaryCharts.DotPanel(title: "First contact in 5 working days %", series: [(.current, fc)],
                                   reference: localityText(m[6], nil), domain: zoomed([fc, [localityText(m[6], nil)]])),
        ]
        let chart = SummaryCharts.dotPanels(rows: names, panels: panels)
        let table = DataTable(headers: ["Locality"] + m.map(\.header),
                              rows: [["All localities"] + m.map { localityText($0, nil) }]
                                  + names.map { l in [l] + m.map { localityText($0, l) } })
        let notZero = panels.filter { $0.domain.lowerBound > 0 }.map { "\($0.title.dropLast(2).lowercased()) from \(NumberFormat.rounded($0.domain.lowerBound, dp: 0))%" }
        var note = "Ranked by attendance, highest first. In each panel the dashed line is all localities; attendance is % of sessions, scores improved % of episode-domains (a filled circle the families' rating, a ring the practitioners'), first contact % of eligible episodes. Higher is better in all three."
        if !notZero.isEmpty { note += " Axis does not start at 0: " + notZero.joined(separator: ", ") + "." }
        return SummaryFigure(
            id: "loc", title: "Attendance, distance travelled and timeliness by locality",
            summary: "Three dot plots side by side, one row per locality (\(names.joined(separator: ", "))): attendance of the "
                + "children we work with, the % of episode-domains whose score improved (families and practitioners), and the % "
                + "of episodes with first contact within 5 working days, over the 12 months to \(Self.monthName(period)), each with "
                + "all localities as a dashed line. The table below gives the figures.",
            drawing: chart.svg, width: chart.width, height: chart.height,
            legend: [("Locality (families, in the middle panel)", .current), ("Practitioners (middle panel)", .previous), ("All localities", .reference)],
            table: table, note: note, wide: true)
    }
}
