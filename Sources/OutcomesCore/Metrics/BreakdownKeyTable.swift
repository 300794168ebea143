/// Interns the cohort cells of each breakdown as small integers, so the parallel aggregation
/// keys rows by packed integers instead of string arrays (distance travelled, feedback).
///
/// Built sequentially before the parallel phase and only read inside it.
struct BreakdownKeyTable: Sendable {
    let breakdowns: [Breakdown]
    private var index: [[[String]: Int32]]
    private var cells: [[[String]]]
    /// The ids of attribute sets seen before: a county's 25,000 episodes share a few thousand
    /// sets, and one lookup of the set costs less than a six-cell key built and hashed per breakdown.
    private var known: [CohortAttributes: [Int32]] = [:]

    init(breakdowns: [Breakdown]) {
        self.breakdowns = breakdowns
        index = Array(repeating: [:], count: breakdowns.count)
        cells = Array(repeating: [], count: breakdowns.count)
    }

    /// The id of `attrs`'s row in every breakdown, in breakdown order.
    mutating func ids(for attrs: CohortAttributes) -> [Int32] {
        if let ids = known[attrs] { return ids }
        let ids = breakdowns.indices.map { b in
            let key = breakdowns[b].key(for: attrs)
            if let id = index[b][key] { return id }
            let id = Int32(cells[b].count)
            index[b][key] = id
            cells[b].append(key)
            return id
        }
        known[attrs] = ids
        return ids
    }

    /// How many rows breakdown `b` has so far (ids run from 0).
    func count(breakdown b: Int) -> Int { cells[b].count }

    /// The six cohort cells of row `id` of breakdown `b`.
    func cohort(breakdown b: Int, id: Int32) -> [String] { cells[b][Int(id)] }
}

/// Row-order comparison of cohort cells (PRECISE.md 11: `age_band` in age order).
enum CohortRowOrder {
    static let ageColumns: Set<Int> = [CohortColumn.ageBand.rawValue]
    static func less(_ a: [String], _ b: [String]) -> Bool { CohortOrder.less(a, b, ageColumns: ageColumns) }
}
