/// Why a cell shows `c`: the rule that hid it first (for `manifest.json`, PRECISE.md 41).
public enum HidingRule: Int, CaseIterable, Sendable {
    case rule1 = 1, rule2, rule3, rule4, rule5, rule6, rule7, audit

    public var key: String { self == .audit ? "audit" : "rule_\(rawValue)" }
}

/// Where a count lives in a row: a shown indicator cell, or one of the row's unshown counts.
enum Slot: Hashable, Sendable {
    case cell(Int)
    case unshown(Int)

    /// One number for the slot, as the audit keeps it (`Audit.Ref.column`): a cell's index, or
    /// 1000 + an unshown count's index.
    var column: Int {
        switch self { case .cell(let i): return i; case .unshown(let j): return 1000 + j }
    }

    init(column: Int) { self = column >= 1000 ? .unshown(column - 1000) : .cell(column) }
}

/// The state of the suppression stage over all the run's tables: the unsuppressed values, the
/// cells as they will be published, and the rule that hid each one.
///
/// Every pass is sequential in row order, so the result never depends on the thread count.
final class SuppressionWork {
    let threshold: Int
    /// Unsuppressed tables as the metrics computed them.
    let raw: [OutputTable]
    /// The tables being suppressed.
    var tables: [OutputTable]
    let decls: [TableDeclaration?]
    /// Column index by name, per table.
    let cellIndex: [[String: Int]]
    let unshownIndex: [[String: Int]]
    /// Whether an unshown count is hidden (its dependents are what shows it), per table, row, slot.
    var unshownHidden: [[[Bool]]]
    /// The rule that hid each cell; nil while shown (or `c` before the stage, which never happens).
    var reason: [[[HidingRule?]]]
    var hiddenBy: [HidingRule: Int] = [:]
    /// Every change to a row's hidden cells and counts in order, `t r` each: the audit reads the
    /// rows changed since its last round.
    private(set) var changes: [Int] = []
    /// The number of changes just after each row's last one (`changes.count / 2`, 0: none): the
    /// audit keeps a count's bounds while it is the same, and rules 3-5 skip a check whose rows
    /// have not changed since it last ran.
    private(set) var lastChange: [[Int]]
    /// Rows hidden whole (rule 1's effect): their counts other than the base may be a true 0.
    var rowHidden: [[Bool]]
    /// Row lookup by window, breakdown, cohort and filters, per table (for lagged dependents and identities).
    let rowIndex: [[String: Int]]
    /// The run's breakdowns: where the sets of rule 4 come from (PRECISE.md 32 (a)).
    let breakdowns: [Breakdown]
    private var setsCache: [Int: [SetStructure.RowSet]] = [:]

    /// The sets of rule 4 of table `t` (they depend on the rows only, not on what is hidden).
    func sets(_ t: Int) -> [SetStructure.RowSet] {
        if let s = setsCache[t] { return s }
        let s = SetStructure.sets(of: tables[t], breakdowns: breakdowns)
        setsCache[t] = s
        return s
    }

    init(tables: [OutputTable], threshold: Int, breakdowns: [Breakdown], declarations: [String: TableDeclaration]) {
        self.threshold = threshold
        self.breakdowns = breakdowns
        raw = tables
        self.tables = tables
        decls = tables.map { declarations[$0.name] }
        cellIndex = tables.map { t in Dictionary(uniqueKeysWithValues: t.indicators.enumerated().map { ($1.name, $0) }) }
        unshownIndex = tables.map { t in Dictionary(uniqueKeysWithValues: t.unshownCounts.enumerated().map { ($1, $0) }) }
        unshownHidden = tables.map { t in t.rows.map { _ in Array(repeating: false, count: t.unshownCounts.count) } }
        reason = tables.map { t in t.rows.map { r in Array(repeating: nil, count: r.cells.count) } }
        rowHidden = tables.map { t in Array(repeating: false, count: t.rows.count) }
        lastChange = tables.map { t in Array(repeating: 0, count: t.rows.count) }
        rowIndex = tables.map { t in
            var d: [String: Int] = [:]
            for (i, r) in t.rows.enumerated() { d[Self.key(r.window, r.breakdown, r.cohort, r.filters)] = i }
            return d
        }
    }

    static func key(_ window: String, _ breakdown: String, _ cohort: [String], _ filters: [String]) -> String {
        // `([window, breakdown] + cohort + filters).joined(separator: "\u{1F}")`, appended into
        // one string: the audit looks rows up by key in every round.
        var k = window
        var n = window.utf8.count + 1 + breakdown.utf8.count
        for c in cohort { n += 1 + c.utf8.count }
        for f in filters { n += 1 + f.utf8.count }
        k.reserveCapacity(n)
        k += "\u{1F}"; k += breakdown
        for c in cohort { k += "\u{1F}"; k += c }
        for f in filters { k += "\u{1F}"; k += f }
        return k
    }

    func isSmall(_ n: Int) -> Bool { threshold > 0 && n >= 1 && n <= threshold }

    func slot(_ t: Int, _ name: String) -> Slot? {
        if let i = cellIndex[t][name] { return .cell(i) }
        if let j = unshownIndex[t][name] { return .unshown(j) }
        return nil
    }

    /// The exact value of a count (nil when it is not a whole number, which a count always is).
    func value(_ t: Int, _ r: Int, _ s: Slot) -> Int? {
        switch s {
        case .cell(let i):
            if case .int(let v) = raw[t].rows[r].cells[i] { return v }
            return nil
        case .unshown(let j): return raw[t].rows[r].unshown[j]
        }
    }

    func isHidden(_ t: Int, _ r: Int, _ s: Slot) -> Bool {
        switch s {
        case .cell(let i): return tables[t].rows[r].cells[i] == .c
        case .unshown(let j): return unshownHidden[t][r][j]
        }
    }

    private func changed(_ t: Int, _ r: Int) {
        changes.append(t); changes.append(r)
        lastChange[t][r] = changes.count / 2
    }

    /// Turns one cell into `c`; `force` hides a `z` too (rule 1: every indicator of the row).
    @discardableResult
    func hideCell(_ t: Int, _ r: Int, _ i: Int, _ rule: HidingRule, force: Bool = false) -> Bool {
        let c = tables[t].rows[r].cells[i]
        guard c != .c, force || c != .z else { return false }
        tables[t].rows[r].cells[i] = .c
        changed(t, r)
        reason[t][r][i] = rule
        hiddenBy[rule, default: 0] += 1
        return true
    }

    /// Hides a whole row, as rule 1 does (the base and every indicator, `z` included).
    @discardableResult
    func hideRow(_ t: Int, _ r: Int, _ rule: HidingRule) -> Bool {
        var any = false
        changed(t, r)
        rowHidden[t][r] = true
        for i in tables[t].rows[r].cells.indices where hideCell(t, r, i, rule, force: true) { any = true }
        for j in unshownHidden[t][r].indices { unshownHidden[t][r][j] = true }
        if any { hideLagged(t, r, rule) }
        return any
    }

    /// Hides a count: its base hides the whole row (rule 1's effect); another count hides its cell
    /// and what is computed from it, a `z` staying `z` (rule 2's effect, PRECISE.md 15, 32).
    @discardableResult
    func hideCount(_ t: Int, _ r: Int, _ name: String, _ rule: HidingRule) -> Bool {
        guard let d = decls[t], let s = slot(t, name) else { return false }
        if d.base == name { return hideRow(t, r, rule) }
        var any = false
        switch s {
        case .cell(let i): any = hideCell(t, r, i, rule)
        case .unshown(let j):
            if !unshownHidden[t][r][j] { unshownHidden[t][r][j] = true; changed(t, r); any = true }
        }
        for dep in d.count(name)?.dependents ?? [] {
            if let i = cellIndex[t][dep], hideCell(t, r, i, rule) { any = true }
        }
        if any { hideLagged(t, r, rule) }
        return any
    }

    /// A change on a year before is computed from that month's count too: when a count is hidden,
    /// the change of the row `lagMonths` later in the same block is hidden (PRECISE.md 19, 32).
    private func hideLagged(_ t: Int, _ r: Int, _ rule: HidingRule) {
        guard let d = decls[t], !d.lagged.isEmpty else { return }
        let row = tables[t].rows[r]
        guard let m = Month(text: row.window) else { return }
        guard let later = rowIndex[t][Self.key(m.adding(d.lagMonths).text, row.breakdown, row.cohort, row.filters)]
        else { return }
        for l in d.lagged {
            guard let i = cellIndex[t][l.count], tables[t].rows[r].cells[i] == .c,
                  let dep = cellIndex[t][l.dependent] else { continue }
            hideCell(t, later, dep, rule)
        }
    }
}
