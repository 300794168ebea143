/// Rules 1-7 of METRICS.md "Rounding and small numbers" and PRECISE.md 15-19, 32-35.
extension SuppressionWork {
    /// Rules 1, 2, 6 and 3, once per row, in that order (PRECISE.md 15-17, 34).
    func applyRowRules() {
        for t in tables.indices {
            guard let d = decls[t] else { continue }
            for r in tables[t].rows.indices {
                if let b = d.base, let s = slot(t, b), let v = value(t, r, s), isSmall(v) {
                    hideRow(t, r, .rule1); continue
                }
                for c in d.counts where c.rule2 && c.name != d.base {
                    if let s = slot(t, c.name), let v = value(t, r, s), isSmall(v) { hideCount(t, r, c.name, .rule2) }
                }
                if let f = d.fewChildren, let s = slot(t, f), let v = value(t, r, s), isSmall(v) {
                    hideRow(t, r, .rule6); continue
                }
                applyRule3(t, r, d)
            }
        }
    }

    /// Rule 3: in a set of counts adding up to the base with exactly one hidden, the smallest other
    /// non-zero shown count is hidden (the first in indicator order on a tie, PRECISE.md 17).
    @discardableResult
    func applyRule3(_ t: Int, _ r: Int, _ d: TableDeclaration) -> Bool {
        guard threshold > 0 else { return false }
        var any = false
        for set in d.rowSums {
            let slots = set.compactMap { n in slot(t, n).map { (n, $0) } }
            guard slots.filter({ isHidden(t, r, $0.1) }).count == 1 else { continue }
            var pick: (String, Int)?
            for (n, s) in slots where !isHidden(t, r, s) {
                guard let v = value(t, r, s), v > 0 else { continue }
                if pick == nil || v < pick!.1 { pick = (n, v) }
            }
            if let p = pick, hideCount(t, r, p.0, .rule3) { any = true }
        }
        return any
    }

    /// Rule 5: a shown part of a shown larger count whose difference is 1 to T is hidden (PRECISE.md 33).
    @discardableResult
    func applyRule5(_ t: Int, _ r: Int, _ d: TableDeclaration) -> Bool {
        guard threshold > 0 else { return false }
        var any = false
        for (part, whole) in d.complements {
            guard let ps = slot(t, part), let ws = slot(t, whole), !isHidden(t, r, ps), !isHidden(t, r, ws),
                  let p = value(t, r, ps), let w = value(t, r, ws), isSmall(w - p) else { continue }
            if hideCount(t, r, part, .rule5) { any = true }
        }
        return any
    }

    /// Rule 7: the previous-window columns show what the previous window's own table publishes
    /// after rules 1-6 (PRECISE.md 35). `previous` maps a window name to that table.
    func applyRule7(previous: [String: OutputTable]) {
        for t in tables.indices where decls[t]?.previousWindow == true {
            guard let nResp = cellIndex[t]["n_responses"], let nPos = cellIndex[t]["n_positive"],
                  let pct = cellIndex[t]["pct_positive"], let prevN = cellIndex[t]["prev_n_responses"],
                  let prevPct = cellIndex[t]["prev_pct_positive"] else { continue }
            let change = cellIndex[t]["change_pp"]
            var lookup: [String: [String: Int]] = [:]
            for (w, p) in previous {
                var d: [String: Int] = [:]
                for (i, r) in p.rows.enumerated() where r.window == w { d[Self.key("", r.breakdown, r.cohort, r.filters)] = i }
                lookup[w] = d
            }
            for r in tables[t].rows.indices {
                let row = tables[t].rows[r]
                guard row.cells[prevN] != .c || row.cells[prevPct] != .c else { continue }
                guard let p = previous[row.window], let i = lookup[row.window]?[Self.key("", row.breakdown, row.cohort, row.filters)]
                else { continue }  // no such row: nothing was answered in the previous window
                let pc = p.rows[i].cells
                if pc[nResp] == .c { hideCell(t, r, prevN, .rule7) }
                if pc[nPos] == .c || pc[pct] == .c {
                    hideCell(t, r, prevPct, .rule7)
                    if let c = change { hideCell(t, r, c, .rule7) }
                }
            }
        }
    }

    /// Rules 3 to 7 to a fixpoint (PRECISE.md 32): each pass applies rules 3 and 5 to every row,
    /// then visits the sets by their parent's row order; passes repeat until one hides nothing.
    ///
    /// A check reads only its own rows (rules 3 and 5 one row, rule 4 a set's parent and
    /// members), so one whose rows have not changed since it last ran finds what it found then:
    /// nothing, or it would have changed them. Later passes skip such checks; the passes hide
    /// exactly what running every check gives, in the same order.
    func applyTableRules(previous: [String: OutputTable]) {
        guard threshold > 0 else { return }
        applyRule7(previous: previous)
        // The change count when each row's and each set's checks last ran (-1: never).
        var rowRan = tables.map { t in [Int](repeating: -1, count: t.rows.count) }
        var setRan = tables.indices.map { _ in [Int]() }
        var changed = true
        while changed {
            changed = false
            for t in tables.indices {
                guard let d = decls[t] else { continue }
                for r in tables[t].rows.indices where rowRan[t][r] < 0 || lastChange[t][r] > rowRan[t][r] {
                    rowRan[t][r] = changes.count / 2
                    if applyRule3(t, r, d) { changed = true }
                    if applyRule5(t, r, d) { changed = true }
                }
                let counts = d.counts.filter { $0.rule4 && slot(t, $0.name) != nil }
                let ss = sets(t)
                if setRan[t].isEmpty { setRan[t] = Array(repeating: -1, count: ss.count) }
                for (i, s) in ss.enumerated() {
                    let ran = setRan[t][i]
                    if ran >= 0 && lastChange[t][s.parent] <= ran && !s.members.contains(where: { lastChange[t][$0] > ran }) {
                        continue
                    }
                    setRan[t][i] = changes.count / 2
                    for c in counts where applyRule4(t, s, c.name) { changed = true }
                }
            }
        }
    }

    /// Rule 4 on one set and count (PRECISE.md 32).
    func applyRule4(_ t: Int, _ set: SetStructure.RowSet, _ name: String) -> Bool {
        guard let s = slot(t, name), !isHidden(t, set.parent, s) else { return false }
        var hidden = 0
        for m in set.members where isHidden(t, m, s) { hidden += 1; if hidden > 1 { return false } }
        guard hidden == 1 else { return false }
        var pick: (row: Int, value: Int)?
        for m in set.members where !isHidden(t, m, s) {
            guard let v = value(t, m, s), v > 0 else { continue }
            if pick == nil || v < pick!.value { pick = (m, v) }
        }
        if let p = pick { return hideCount(t, p.row, name, .rule4) }
        return hideCount(t, set.parent, name, .rule4)
    }
}
