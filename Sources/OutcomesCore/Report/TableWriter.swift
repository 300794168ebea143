import Foundation

/// Renders metric tables as official-statistics CSV plus their `.meta.csv` companions.
public struct TableWriter: Sendable {
    public var period: Month
    public var geography: Geography

    public init(period: Month, geography: Geography) { self.period = period; self.geography = geography }

    static let timeAndGeography = ["time_period", "time_identifier", "geographic_level", "country_code",
                                   "country_name", "region_code", "region_name", "new_la_code",
                                   "old_la_code", "la_name"]

    /// The header of a table.
    public func header(_ t: OutputTable) -> [String] {
        Self.timeAndGeography + [t.windowColumn, "breakdown"] + CohortColumn.allCases.map(\.name)
            + t.filters.map(\.name) + t.indicators.map(\.name)
    }

    /// The table's CSV text. Every text value that may have come from an extract (window,
    /// breakdown, cohort and filter values) goes through the formula guard.
    public func csv(_ t: OutputTable) -> String {
        var out = CSVText.line(header(t))
        let g = geography
        let lead = [String(period.year), period.name, "Local authority", g.countryCode, g.countryName,
                    g.regionCode, g.regionName, g.newLACode, g.oldLACode, g.laName].map(CSVText.guarded)
        let dps = t.indicators.map(\.dp)
        for r in t.rows {
            var f = lead
            f.append(r.window); f.append(r.breakdown)
            for v in r.cohort { f.append(CSVText.guarded(v)) }
            for v in r.filters { f.append(CSVText.guarded(v)) }
            for (i, c) in r.cells.enumerated() { f.append(NumberFormat.text(c, dp: dps[i])) }
            out += CSVText.line(f)
        }
        return out
    }

    /// The `.meta.csv` text: one row per filter and indicator column (not time and geography).
    public func meta(_ t: OutputTable) -> String {
        var out = CSVText.line(["col_name", "col_type", "label", "indicator_grouping", "indicator_unit",
                                "indicator_dp", "filter_hint", "filter_grouping_column", "filter_default"])
        let windowLabel = t.windowColumn == "month" ? "Month" : "Window"
        let windowDefault = t.windowColumn == "month" ? period.text : "Rolling 12 months"
        out += CSVText.line([t.windowColumn, "Filter", windowLabel, "", "", "", "Reporting window", "", windowDefault])
        out += CSVText.line(["breakdown", "Filter", "Breakdown", "", "", "",
                             "Which cohort columns the row is broken down by", "", "Total"])
        let labels = ["Service", "Locality", "Level of need", "Age band", "Gender", "Ethnicity (major group)"]
        for c in CohortColumn.allCases {
            out += CSVText.line([c.name, "Filter", labels[c.rawValue], "", "", "", "", "breakdown", "Total"])
        }
        for f in t.filters {
            out += CSVText.line([f.name, "Filter", f.label, "", "", "", f.hint, "", ""])
        }
        for i in t.indicators {
            out += CSVText.line([i.name, "Indicator", i.label, i.hint, i.unit, String(i.dp), "", "", ""])
        }
        return out
    }
}
