/// The sets of rule 4 (PRECISE.md 32): groups of rows with a parent row they add up to, taken
/// from the breakdown definitions, so a configured extra breakdown is protected too.
enum SetStructure {
    struct RowSet: Sendable, Equatable {
        /// The parent's row index.
        var parent: Int
        /// Member rows, in row order.
        var members: [Int]
        /// The cohort column broken down (an (a) set), or nil for a filter's set (b).
        var column: CohortColumn?
        /// The filter index of a (b) set.
        var filter: Int?
    }

    /// Every set of one table, ordered by the parent's row, then the (a) sets in cohort-column
    /// order, then the (b) sets in filter-column order. `all_pupils` forms none.
    static func sets(of table: OutputTable, breakdowns: [Breakdown]) -> [RowSet] {
        var columnsOf: [String: [CohortColumn]] = [:]
        var nameOf: [[CohortColumn]: String] = [:]
        for b in breakdowns where !b.isAllPupils {
            if columnsOf[b.name] == nil { columnsOf[b.name] = b.columns }
            if nameOf[b.columns] == nil { nameOf[b.columns] = b.name }
        }
        // A table with its own breakdowns (the trend tables, the response rate) still names them
        // as the run's breakdowns do; an unknown block name falls back to its non-Total columns.
        func columns(_ r: OutputRow) -> [CohortColumn]? {
            if r.breakdown == Breakdown.allPupils.name { return nil }
            if let c = columnsOf[r.breakdown] { return c }
            return CohortColumn.allCases.filter { r.cohort[$0.rawValue] != "Total" }
        }
        func name(_ cols: [CohortColumn]) -> String {
            nameOf[cols] ?? Breakdown(cols).name
        }
        var index: [String: Int] = [:]
        for (i, r) in table.rows.enumerated() {
            index[SuppressionWork.key(r.window, r.breakdown, r.cohort, r.filters)] = i
        }
        let totalFilters = table.filters.indices.filter { f in table.rows.contains { $0.filters[f] == "Total" } }
        // (parent, order) → members; order: column rawValue, then 100 + filter index.
        var groups: [Int: [Int: [Int]]] = [:]
        for (i, r) in table.rows.enumerated() {
            guard let cols = columns(r) else { continue }
            for x in cols {
                var cohort = r.cohort
                cohort[x.rawValue] = "Total"
                let parentCols = cols.filter { $0 != x }
                guard let p = index[SuppressionWork.key(r.window, name(parentCols), cohort, r.filters)] else { continue }
                groups[p, default: [:]][x.rawValue, default: []].append(i)
            }
            for f in totalFilters where r.filters[f] != "Total" {
                var filters = r.filters
                filters[f] = "Total"
                guard let p = index[SuppressionWork.key(r.window, r.breakdown, r.cohort, filters)] else { continue }
                groups[p, default: [:]][100 + f, default: []].append(i)
            }
        }
        var out: [RowSet] = []
        for p in groups.keys.sorted() {
            for o in groups[p]!.keys.sorted() {
                out.append(RowSet(parent: p, members: groups[p]![o]!, column: o < 100 ? CohortColumn(rawValue: o) : nil,
                                  filter: o >= 100 ? o - 100 : nil))
            }
        }
        return out
    }
}
