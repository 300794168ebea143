/// One indicator cell: a number or one of the official-statistics symbols (OUTPUTS.md).
public enum Cell: Equatable, Sendable {
    /// A whole count.
    case int(Int)
    /// A figure rounded at write time to the column's decimal places (PRECISE.md 14).
    case num(Double)
    /// `c`: suppressed to protect children.
    case c
    /// `z`: cannot be computed (a mean of nothing, a change against a period with none).
    case z
    /// `x`: not available.
    case x
}

/// A filter or indicator column: its name and what its meta row says.
public struct ColumnSpec: Sendable, Equatable {
    public var name: String
    public var label: String
    /// `""`, `"%"` or `"pp"` (indicators only).
    public var unit: String
    /// Grouping shown by the meta file (indicators), or the filter hint (filters).
    public var hint: String

    public init(_ name: String, _ label: String, unit: String = "", hint: String = "") {
        self.name = name; self.label = label; self.unit = unit; self.hint = hint
    }

    /// Decimal places by column name (PRECISE.md 14).
    public var dp: Int { ColumnSpec.decimalPlaces(name) }

    public static func decimalPlaces(_ name: String) -> Int {
        for p in ["mean_", "median_", "sd_", "ci95_"] where name.hasPrefix(p) { return 2 }
        if name.hasSuffix("_pct") || name.hasSuffix("_pp") || name.hasPrefix("pct_") { return 1 }
        // A percentage for the previous window (`prev_pct_positive`) is still a percentage: 1 dp
        // (METRICS.md "Percentages: 1 decimal place"; PRECISE.md 14 does not name it).
        if name.hasPrefix("prev_pct_") { return 1 }
        return 0
    }
}

/// One output row: its window (or month), breakdown, six cohort values, the table's own filter
/// values, and its indicator cells.
public struct OutputRow: Sendable, Equatable {
    /// `Reporting month`/`Rolling 12 months`, or `YYYY-MM` for the trend tables.
    public var window: String
    public var breakdown: String
    public var cohort: [String]
    public var filters: [String]
    public var cells: [Cell]
    /// Exact counts the row does not show but the suppression stage needs (`OutputTable.unshownCounts`),
    /// e.g. the trend's persistently absent pupils behind `persistent_absence_pct` (PRECISE.md 16, 33).
    public var unshown: [Int] = []

    public init(window: String, breakdown: String, cohort: [String], filters: [String] = [], cells: [Cell],
                unshown: [Int] = []) {
        self.window = window; self.breakdown = breakdown; self.cohort = cohort
        self.filters = filters; self.cells = cells; self.unshown = unshown
    }
}

/// A whole metric table, rows already in their final order.
public struct OutputTable: Sendable {
    /// File name without `.csv`, e.g. `distance_travelled`.
    public var name: String
    /// `window`, or `month` for the trend tables: their rows' `window` holds the row's own month
    /// (`YYYY-MM`), written into `time_period`/`time_identifier` with no column of its own
    /// (PRECISE.md 22).
    public var windowColumn: String
    public var filters: [ColumnSpec]
    public var indicators: [ColumnSpec]
    public var rows: [OutputRow]
    /// The table's breakdowns in output order (the `all_pupils` block included): they decide which
    /// cohort columns are written and whether a `breakdown` column is (PRECISE.md 40). Empty: taken
    /// from the rows (a cohort column is written when some row holds a value other than `Total`).
    public var breakdowns: [Breakdown]
    /// Set for tables with no window filter at all (`attendance_benchmarks.csv`, METRICS.md 6).
    public var hasWindow: Bool = true
    /// Names of the rows' `unshown` counts, in order (never written).
    public var unshownCounts: [String] = []

    public init(name: String, windowColumn: String = "window", filters: [ColumnSpec] = [],
                indicators: [ColumnSpec], rows: [OutputRow] = [], breakdowns: [Breakdown] = []) {
        self.name = name; self.windowColumn = windowColumn; self.filters = filters
        self.indicators = indicators; self.rows = rows; self.breakdowns = breakdowns
    }

    /// A trend table: one row per month, each month its own time period (PRECISE.md 22).
    public var isTimeSeries: Bool { windowColumn == "month" }

    /// The cohort columns the table writes: those one of its breakdowns breaks down (PRECISE.md 40).
    public var writtenCohortColumns: [CohortColumn] {
        if breakdowns.isEmpty {
            return CohortColumn.allCases.filter { c in rows.contains { $0.cohort[c.rawValue] != "Total" } }
        }
        return CohortColumn.allCases.filter { c in breakdowns.contains { $0.columns.contains(c) } }
    }

    /// Whether the table writes a `breakdown` column: only with two breakdowns or more (PRECISE.md 40).
    public var writesBreakdown: Bool {
        breakdowns.isEmpty ? Set(rows.map(\.breakdown)).count > 1 : breakdowns.count > 1
    }

    /// The index of an indicator column by name (for tests and the summary page).
    public func indicatorIndex(_ name: String) -> Int? { indicators.firstIndex { $0.name == name } }
}
