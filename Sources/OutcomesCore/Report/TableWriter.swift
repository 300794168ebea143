import Foundation

/// Renders metric tables as official-statistics CSV plus their `.meta.csv` companions.
public struct TableWriter: Sendable {
    public var period: Month
    public var geography: Geography

    public init(period: Month, geography: Geography) { self.period = period; self.geography = geography }

    static let timeAndGeography = ["time_period", "time_identifier", "geographic_level", "country_code",
                                   "country_name", "region_code", "region_name", "new_la_code",
                                   "old_la_code", "la_name"]

    /// The filter columns before the table's own: `window` (not in the trend tables, PRECISE.md 22),
    /// `breakdown` (only with two breakdowns or more) and the cohort columns one of the table's
    /// breakdowns breaks down (PRECISE.md 40).
    static func leadingFilters(_ t: OutputTable) -> [String] {
        var out: [String] = []
        if t.hasWindow && !t.isTimeSeries { out.append(t.windowColumn) }
        if t.writesBreakdown { out.append("breakdown") }
        return out + t.writtenCohortColumns.map(\.name)
    }

    /// The header of a table.
    public func header(_ t: OutputTable) -> [String] {
        Self.timeAndGeography + Self.leadingFilters(t) + t.filters.map(\.name) + t.indicators.map(\.name)
    }

    /// A row's values of the filter columns, in header order, before the formula guard.
    static func filterValues(_ t: OutputTable, _ r: OutputRow, cohort: [CohortColumn]) -> [String] {
        var f: [String] = []
        if t.hasWindow && !t.isTimeSeries { f.append(r.window) }
        if t.writesBreakdown { f.append(r.breakdown) }
        for c in cohort { f.append(r.cohort[c.rawValue]) }
        return f + r.filters
    }

    /// The table's CSV text. Every text value that may have come from an extract (window,
    /// breakdown, cohort and filter values) goes through the formula guard. A trend table's rows
    /// carry their own month as `time_period`/`time_identifier` (PRECISE.md 22).
    public func csv(_ t: OutputTable) -> String {
        var out = CSVText.line(header(t))
        let g = geography
        let geo = ["Local authority", g.countryCode, g.countryName,
                   g.regionCode, g.regionName, g.newLACode, g.oldLACode, g.laName].map(CSVText.guarded)
        let lead = [String(period.year), period.name] + geo
        let dps = t.indicators.map(\.dp)
        let cohort = t.writtenCohortColumns
        for r in t.rows {
            var f: [String]
            if t.isTimeSeries, let m = Month(text: r.window) {
                f = [String(m.year), m.name] + geo
            } else {
                f = lead
            }
            for v in Self.filterValues(t, r, cohort: cohort) { f.append(CSVText.guarded(v)) }
            for (i, c) in r.cells.enumerated() { f.append(NumberFormat.text(c, dp: dps[i])) }
            out += CSVText.line(f)
        }
        return out
    }

    /// The `.meta.csv` text: one row per filter and indicator column (not time and geography).
    ///
    /// PRECISE.md 40 and the DfE screener: no filter names a `filter_grouping_column` (the cohort
    /// columns are not a hierarchy under `breakdown`, which has more levels than most of them); a
    /// filter holding `Total` has an empty `filter_default` (the screener then looks for `Total`),
    /// any other filter's default is its first value in row order.
    public func meta(_ t: OutputTable) -> String {
        var out = CSVText.line(["col_name", "col_type", "label", "indicator_grouping", "indicator_unit",
                                "indicator_dp", "filter_hint", "filter_grouping_column", "filter_default"])
        let cohort = t.writtenCohortColumns
        let values = t.rows.map { Self.filterValues(t, $0, cohort: cohort) }
        func defaultValue(_ i: Int) -> String {
            if values.contains(where: { $0[i] == "Total" }) { return "" }
            return values.first.map { CSVText.guarded($0[i]) } ?? ""
        }
        var specs: [(name: String, label: String, hint: String)] = []
        if t.hasWindow && !t.isTimeSeries { specs.append((t.windowColumn, "Window", "Reporting window")) }
        if t.writesBreakdown { specs.append(("breakdown", "Breakdown", "Which cohort columns the row is broken down by")) }
        let labels = ["Service", "Locality", "Level of need", "Age band", "Gender", "Ethnicity (major group)"]
        for c in cohort { specs.append((c.name, labels[c.rawValue], "")) }
        for f in t.filters { specs.append((f.name, f.label, f.hint)) }
        // A filter holding one value in this table (one window with data, one service) stays in
        // the data file but is not listed here: the DfE screener fails a listed filter with fewer
        // than two values (filter_not_singular) and accepts an unlisted column with a single value
        // (precheck_cross_data_to_meta). The screener wins over PRECISE.md 40 here.
        for (i, s) in specs.enumerated() where Set(values.map { $0[i] }).count >= 2 {
            out += CSVText.line([s.name, "Filter", s.label, "", "", "", s.hint, "", defaultValue(i)])
        }
        for i in t.indicators {
            out += CSVText.line([i.name, "Indicator", i.label, i.hint, i.unit, String(i.dp), "", "", ""])
        }
        return out
    }
}
