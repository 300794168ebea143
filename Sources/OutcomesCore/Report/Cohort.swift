/// The cohort columns every metric table carries, in output order (OUTPUTS.md "Output tables").
public enum CohortColumn: Int, CaseIterable, Sendable, Hashable {
    case service, locality, level, ageBand, gender, ethnicityMajor

    /// The column's name in tables and in the `breakdown` column (PRECISE.md 28).
    public var name: String {
        ["service", "locality", "level", "age_band", "gender", "ethnicity_major"][rawValue]
    }
    public init?(name: String) {
        guard let c = CohortColumn.allCases.first(where: { $0.name == name }) else { return nil }
        self = c
    }
}

/// A breakdown: which cohort columns a block of rows is broken down by (METRICS.md "Cohorts").
public struct Breakdown: Sendable, Hashable {
    /// Sorted in cohort-column order; empty for `Total`.
    public let columns: [CohortColumn]
    /// Set for the `all_pupils` block of the attendance tables.
    public let isAllPupils: Bool

    public init(_ columns: [CohortColumn]) {
        self.columns = Array(Set(columns)).sorted { $0.rawValue < $1.rawValue }
        isAllPupils = false
    }
    private init(allPupils: Bool) { columns = []; isAllPupils = allPupils }

    public static let total = Breakdown([])
    public static let allPupils = Breakdown(allPupils: true)
    /// The default breakdowns in METRICS.md order.
    public static let defaults: [Breakdown] = [
        .total, Breakdown([.service]), Breakdown([.locality]), Breakdown([.level]), Breakdown([.ageBand]),
        Breakdown([.gender]), Breakdown([.ethnicityMajor]), Breakdown([.service, .locality]),
    ]

    /// The `breakdown` column's text: columns joined with `_`, `Total`, or `all_pupils`.
    public var name: String {
        if isAllPupils { return "all_pupils" }
        return columns.isEmpty ? "Total" : columns.map(\.name).joined(separator: "_")
    }

    /// The six cohort cells of a row in this breakdown for an episode's attributes.
    @inlinable
    public func key(for attrs: CohortAttributes) -> [String] {
        var k = CohortAttributes.totals
        for c in columns { k[c.rawValue] = attrs.values[c.rawValue] }
        return k
    }
}

/// An episode's six cohort attributes, in `CohortColumn` order.
public struct CohortAttributes: Sendable, Hashable {
    public var values: [String]
    public static let totals = Array(repeating: "Total", count: CohortColumn.allCases.count)

    public init(values: [String]) { self.values = values }

    /// Attributes of an episode (METRICS.md "Cohorts"), the ethnicity grouped with `chineseGroup` for `CHNE`.
    public init(episode e: Episode, chineseGroup: String) {
        values = [e.service, e.locality, e.level, AgeBand.of(birthMonth: e.birthMonth, on: e.allocationDate),
                  e.gender, Ethnicity.majorGroup(code: e.ethnicity, chineseGroup: chineseGroup)]
    }

    /// Attributes for feedback with no episode: service from the row, everything else `Unknown`.
    public static func unlinked(service: String) -> CohortAttributes {
        CohortAttributes(values: [service, "Unknown", "Unknown", "Unknown", "Unknown", "Unknown"])
    }
}

/// Age bands in age order (the one cohort column not sorted by code point, PRECISE.md 11).
public enum AgeBand {
    public static let order = ["Under 1", "1 to 4", "5 to 9", "10 to 15", "16 to 17", "18 and over", "Unknown"]

    /// Age in completed years on `day`, the birth date taken as the first of the birth month;
    /// a birth month after the day gives `Under 1` (PRECISE.md 8).
    public static func of(birthMonth: Month?, on day: Day) -> String {
        guard let b = birthMonth else { return "Unknown" }
        let c = Days.civil(day)
        var age = c.year - b.year
        if c.month < b.month { age -= 1 }
        switch age {
        case ..<1: return "Under 1"
        case 1...4: return "1 to 4"
        case 5...9: return "5 to 9"
        case 10...15: return "10 to 15"
        case 16...17: return "16 to 17"
        default: return "18 and over"
        }
    }
}

/// Row ordering (PRECISE.md 11): `Total` first, `Unknown` last, code-point order between, except
/// `age_band` in age order.
public enum CohortOrder {
    /// Compares two values of one column; `ageOrder` for `age_band`.
    public static func less(_ a: String, _ b: String, ageOrder: Bool = false) -> Bool {
        if a == b { return false }
        let ra = rank(a), rb = rank(b)
        if ra != rb { return ra < rb }
        if ageOrder, let ia = AgeBand.order.firstIndex(of: a), let ib = AgeBand.order.firstIndex(of: b) {
            return ia < ib
        }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Compares two rows' value lists column by column; `ageColumns` marks columns in age order.
    public static func less(_ a: [String], _ b: [String], ageColumns: Set<Int> = []) -> Bool {
        for i in 0..<min(a.count, b.count) where a[i] != b[i] {
            return less(a[i], b[i], ageOrder: ageColumns.contains(i))
        }
        return a.count < b.count
    }

    private static func rank(_ s: String) -> Int { s == "Total" ? 0 : (s == "Unknown" ? 2 : 1) }
}
