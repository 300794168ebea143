import Foundation

/// Read-only access to the month's suppressed tables for the summary page.
///
/// The page is built only from these tables, so it can never show more than they do. Columns are
/// found by name, never by position, and every number is printed with `NumberFormat.text`, so a
/// figure on the page is byte-for-byte the figure in the CSV.
struct SummaryTable {
    let table: OutputTable

    /// The rows of one window (or trend month), breakdown, cohort values and filter values.
    ///
    /// - Parameters:
    ///   - cohort: required cohort values by column (the others must be `Total`).
    ///   - filters: required filter values by filter column name; filters not named match anything.
    func rows(window: String? = nil, breakdown: String = "Total", cohort: [CohortColumn: String] = [:],
              filters: [String: String] = [:]) -> [OutputRow] {
        let fIdx = filters.map { (name, value) in (table.filters.firstIndex { $0.name == name }, value) }
        return table.rows.filter { r in
            if let w = window, r.window != w { return false }
            guard r.breakdown == breakdown else { return false }
            for c in CohortColumn.allCases where c.rawValue < r.cohort.count {
                if let want = cohort[c] {
                    if r.cohort[c.rawValue] != want { return false }
                } else if breakdown == "Total" || breakdown == "all_pupils", r.cohort[c.rawValue] != "Total" {
                    return false
                }
            }
            for (i, v) in fIdx {
                guard let i, i < r.filters.count, r.filters[i] == v else { return false }
            }
            return true
        }
    }

    /// The first matching row, if any.
    func row(window: String? = nil, breakdown: String = "Total", cohort: [CohortColumn: String] = [:],
             filters: [String: String] = [:]) -> OutputRow? {
        rows(window: window, breakdown: breakdown, cohort: cohort, filters: filters).first
    }

    /// A filter value of a row (empty when the table has no such filter).
    func filter(_ row: OutputRow, _ name: String) -> String {
        guard let i = table.filters.firstIndex(where: { $0.name == name }), i < row.filters.count else { return "" }
        return row.filters[i]
    }

    /// The distinct values of a filter over some rows, in row order (the tables' fixed order).
    func values(of filterName: String, in rows: [OutputRow]) -> [String] {
        var seen = Set<String>(), out: [String] = []
        for r in rows { let v = filter(r, filterName); if seen.insert(v).inserted { out.append(v) } }
        return out
    }

    /// An indicator's cell; `x` (not available) when the row or the column is missing.
    func cell(_ row: OutputRow?, _ name: String) -> Cell {
        guard let row, let i = table.indicatorIndex(name), i < row.cells.count else { return .x }
        return row.cells[i]
    }

    /// An indicator as the CSV shows it.
    func text(_ row: OutputRow?, _ name: String) -> String {
        NumberFormat.text(cell(row, name), dp: ColumnSpec.decimalPlaces(name))
    }

    /// Decimal places of a column on the page: every percentage and percentage-point figure at 1
    /// place (so a table never sets 73.2 beside 61.95, METRICS.md "Percentages: 1 decimal
    /// place"), other figures as the CSV has them (means of scores at 2, counts at 0).
    func pageDecimals(_ name: String) -> Int {
        let spec = table.indicators.first { $0.name == name }
        if spec?.unit == "%" || spec?.unit == "pp" || name.contains("pct") || name.hasSuffix("_pp") { return 1 }
        return ColumnSpec.decimalPlaces(name)
    }

    /// An indicator as the page shows it: rounded once from the unrounded figure to the page's
    /// places, with thousands separators (`10,289`); `c`, `z` and `x` as they are.
    func shown(_ row: OutputRow?, _ name: String) -> String {
        NumberFormat.grouped(NumberFormat.text(cell(row, name), dp: pageDecimals(name)))
    }

    /// An indicator's shown value as a number (the page's rounded figure, so charts match the
    /// text); nil for `c`, `z` and `x`.
    func value(_ row: OutputRow?, _ name: String) -> Double? {
        Double(NumberFormat.text(cell(row, name), dp: pageDecimals(name)))
    }
}

extension NumberFormat {
    /// A number's text with a comma between each three digits of its whole part (`10289.5` →
    /// `10,289.5`); other text (the symbols) unchanged.
    static func grouped(_ t: String) -> String {
        guard Double(t) != nil else { return t }
        let neg = t.hasPrefix("-"), body = neg ? String(t.dropFirst()) : t
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        let whole = Array(parts[0])
        guard whole.count > 3 else { return t }
        var out = ""
        for (i, ch) in whole.enumerated() {
            if i > 0 && (whole.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        if parts.count > 1 { out += "." + parts[1] }
        return (neg ? "-" : "") + out
    }
}

/// All the month's tables by name; a missing table reads as an empty one.
struct SummaryTables {
    private let byName: [String: OutputTable]

    init(_ tables: [OutputTable]) {
        var d: [String: OutputTable] = [:]
        for t in tables where d[t.name] == nil { d[t.name] = t }
        byName = d
    }

    subscript(_ name: String) -> SummaryTable {
        SummaryTable(table: byName[name] ?? OutputTable(name: name, indicators: []))
    }

    func has(_ name: String) -> Bool { byName[name].map { !$0.rows.isEmpty } ?? false }
}

/// Text helpers for the page.
enum HTMLText {
    /// Escapes text for HTML element content and attribute values.
    static func esc(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// A code such as `family_relationships` as words: `Family relationships`.
    static func words(_ code: String) -> String {
        let s = code.replacingOccurrences(of: "_", with: " ")
        guard let f = s.first else { return s }
        return f.uppercased() + s.dropFirst()
    }

    /// Whether a cell's text is a symbol rather than a number.
    static func isSymbol(_ t: String) -> Bool { t == "c" || t == "z" || t == "x" }

    /// `a − b` of two shown figures with `dp` decimal places, exact in decimal (both are rounded
    /// texts, so the change is the change between the figures a reader sees); nil when either
    /// is a symbol. Signed: `+1.2`, `-0.4`, `0.0`.
    static func difference(_ a: String, _ b: String, dp: Int) -> String? {
        guard let x = scaled(a, dp), let y = scaled(b, dp) else { return nil }
        let d = x - y
        var t = NumberFormat.grouped(NumberFormat.rounded(Double(d) / pow10(dp), dp: dp))
        if d > 0 { t = "+" + t }
        return t
    }

    private static func pow10(_ n: Int) -> Double { var v = 1.0; for _ in 0..<n { v *= 10 }; return v }

    private static func scaled(_ s: String, _ dp: Int) -> Int? {
        guard let v = Double(s.replacingOccurrences(of: ",", with: "")) else { return nil }
        return Int((v * pow10(dp)).rounded())
    }
}
