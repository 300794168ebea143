/// The relations the audit combines (PRECISE.md 41), one family per function.
extension AuditModel {
    /// What makes a family of relations (`AuditRecordings.Key.kind`).
    enum Family: Int { case set, row, window, bands, bandRates, acrossTables }

    /// Every family, in a fixed order: a table's sets one by one, its rows one by one, its
    /// windows, then the identities across tables (`record` builds each).
    func families() -> [AuditRecordings.Key] {
        var keys: [AuditRecordings.Key] = []
        for t in work.tables.indices where work.decls[t] != nil {
            for i in work.sets(t).indices { keys.append(.init(kind: Family.set.rawValue, t: t, index: i)) }
            for r in work.tables[t].rows.indices { keys.append(.init(kind: Family.row.rawValue, t: t, index: r)) }
            keys.append(.init(kind: Family.window.rawValue, t: t, index: 0))
        }
        for f in [Family.bands, .bandRates, .acrossTables] { keys.append(.init(kind: f.rawValue, t: -1, index: 0)) }
        return keys
    }

    /// The counts the audit follows in a table: every declared count but the activity table's
    /// year-before copies (they repeat another row's cell), and feedback's previous-window base.
    func auditCounts(_ t: Int) -> [TableDeclaration.Count] {
        guard let d = work.decls[t] else { return [] }
        var cs = d.counts.filter { c in !d.lagged.contains { $0.unshown == c.name } }
        cs = cs.filter { !$0.name.hasPrefix("prev_") }
        if d.previousWindow {
            cs.append(.init("prev_n_responses", rule2: false, rule4: false))
            cs.append(.init("prev_n_positive", rule2: false, rule4: false))
        }
        return cs.filter { work.slot(t, $0.name) != nil }
    }

    /// Every set of rule 4, as an equation where counts add exactly and as bounds where one child
    /// can sit in two rows (exact over a child's own attributes, or where the parent's `n_children`
    /// equals its `n`).
    mutating func setRelations(_ t: Int, _ s: SetStructure.RowSet, _ counts: [TableDeclaration.Count]) {
        for c in counts {
            guard let p = node(t, s.parent, c.name) else { continue }
            let ms = s.members.compactMap { node(t, $0, c.name) }
            var exact = c.additivity == .exact || s.column == .gender || s.column == .ethnicityMajor
            if !exact, let other = c.exactWhenEqualTo, let cs = work.slot(t, c.name), let os = work.slot(t, other),
               !readHidden(t, s.parent, cs), !readHidden(t, s.parent, os),
               work.value(t, s.parent, cs) == work.value(t, s.parent, os) { exact = true }
            if c.name.hasPrefix("prev_") {
                // A row is written only when its own window has an answer, so some members of a
                // previous-window set may be missing: the parent is at least the members' sum.
                relate(.atLeastSum(whole: p, parts: ms))
            } else {
                relate(exact ? .sum(parent: p, members: ms) : .bounded(parent: p, members: ms))
            }
        }
    }

    /// Inside a row: the row sums of rule 3, the complements of rule 5 and measures within another.
    mutating func rowRelations(_ t: Int, _ r: Int) {
        guard let d = work.decls[t] else { return }
        if let b = d.base, let bn = node(t, r, b) {
            for set in d.rowSums {
                let ms = set.compactMap { node(t, r, $0) }
                if ms.count == set.count { relate(.sum(parent: bn, members: ms)) }
            }
        }
        for (part, whole) in d.complements + d.within {
            if let p = node(t, r, part), let w = node(t, r, whole) { relate(.atLeastSum(whole: w, parts: [p])) }
        }
        for rate in d.rates { rateRelations(t, r, rate) }
    }

    /// A shown percentage with its numerator and base: the integers its 1-decimal rounding
    /// allows (METRICS.md "Rounding and small numbers": half away from zero, once, from the
    /// unrounded value). Where both are shown it tells nothing new and `relate` drops it.
    mutating func rateRelations(_ t: Int, _ r: Int, _ rate: (numerator: String, base: String, pct: String)) {
        // A shown cell holds the metric's value (the stage only ever turns cells into `c`).
        guard let i = work.cellIndex[t][rate.pct], !readHidden(t, r, .cell(i)),
              case .num(let v) = work.raw[t].rows[r].cells[i], v >= 0, v.isFinite,
              let num = node(t, r, rate.numerator), let base = node(t, r, rate.base) else { return }
        let tenths = Int(NumberFormat.roundedMagnitude(v, dp: 1))
        for rel in Intervals.Relation.ratio(numerator: num, base: base, tenths: tenths) { relate(rel) }
    }

    /// A row's counts in a window are at most the same row's counts in a window that holds it
    /// (a month within its academic year to date, within its rolling 12 months); in feedback the
    /// rolling window holds the month and the month before it.
    mutating func windowRelations(_ t: Int) {
        let rows = work.tables[t].rows
        guard rows.contains(where: { $0.window == "Rolling 12 months" }) else { return }
        let chain = ["Reporting month", "Academic year to date", "Rolling 12 months"]
        let counts = auditCounts(t).filter { !$0.name.hasPrefix("prev_") && $0.growsWithWindow }
        for (r, row) in rows.enumerated() where row.window == "Reporting month" {
            let others = chain.dropFirst().map { work.rowIndex[t][SuppressionWork.key($0, row.breakdown, row.cohort, row.filters)] }
            let ordered = [r] + others.compactMap { $0 }
            for c in counts {
                for (a, b) in zip(ordered, ordered.dropFirst()) {
                    if let na = node(t, a, c.name), let nb = node(t, b, c.name) { relate(.atLeastSum(whole: nb, parts: [na])) }
                }
            }
            // The rolling 12 months hold this month and the month before (PRECISE.md 23), for
            // the responses and the positives.
            if work.decls[t]?.previousWindow == true, let rolling = others.last ?? nil {
                for (c, prev) in [("n_responses", "prev_n_responses"), ("n_positive", "prev_n_positive")] {
                    if let w = node(t, rolling, c), let now = node(t, r, c), let before = node(t, r, prev) {
                        relate(.atLeastSum(whole: w, parts: [now, before]))
                    }
                }
            }
        }
    }

    private func table(_ name: String) -> Int? { work.tables.firstIndex { $0.name == name } }

    private func row(_ t: Int, _ window: String, _ breakdown: String, _ cohort: [String], _ filters: [String] = []) -> Int? {
        work.rowIndex[t][SuppressionWork.key(window, breakdown, cohort, filters)]
    }

    /// The 25 band pairs of a domain and rater add up to distance travelled's `n` there.
    mutating func bandIdentities() {
        guard let tb = table("distance_travelled_bands"), let td = table("distance_travelled") else { return }
        var groups: [[String]: [Int]] = [:]
        var order: [[String]] = []
        for (r, row) in work.tables[tb].rows.enumerated() {
            let k = [row.window] + Array(row.filters.prefix(2))
            if groups[k] == nil { order.append(k) }
            groups[k, default: []].append(r)
        }
        for k in order {
            guard let p = row(td, k[0], Breakdown.total.name, CohortAttributes.totals, Array(k.dropFirst())),
                  let pn = node(td, p, "n") else { continue }
            relate(.sum(parent: pn, members: groups[k]!.compactMap { node(tb, $0, "n") }))
        }
    }

    /// A band's `pct_of_baseline_band` is its `n` over the sum of its baseline band's five pairs:
    /// shown, it bounds them and says the baseline band is not empty; `z` says it is empty
    /// (METRICS.md 1, PRECISE.md 18).
    mutating func bandRateRelations() {
        guard let tb = table("distance_travelled_bands"), let pc = work.cellIndex[tb]["pct_of_baseline_band"],
              let bi = work.tables[tb].filters.firstIndex(where: { $0.name == "baseline_band" }) else { return }
        var groups: [[String]: [Int]] = [:]
        var order: [[String]] = []
        for (r, row) in work.tables[tb].rows.enumerated() {
            let k = [row.window] + Array(row.filters.prefix(bi + 1))
            if groups[k] == nil { order.append(k) }
            groups[k, default: []].append(r)
        }
        for k in order {
            let rows = groups[k]!
            let base = rows.compactMap { node(tb, $0, "n") }
            guard base.count == rows.count else { continue }
            for r in rows where !readHidden(tb, r, .cell(pc)) {
                switch work.raw[tb].rows[r].cells[pc] {
                case .z:
                    relate(.sum(parent: constant(0), members: base))
                case .num(let v):
                    relate(.linear(terms: base.map { (-1, $0) }, constant: 1))
                    guard v >= 0, v.isFinite, let num = node(tb, r, "n") else { continue }
                    let tenths = Int(NumberFormat.roundedMagnitude(v, dp: 1))
                    for rel in Intervals.Relation.ratio(numerator: num, base: base, tenths: tenths) { relate(rel) }
                default: continue
                }
            }
        }
    }

    /// The newest month of the activity table: the reporting month.
    private func reportingMonth(_ ta: Int) -> Month? {
        work.tables[ta].rows.compactMap { Month(text: $0.window) }.max()
    }

    /// `open_over_*` eligibility is the episodes open at the window end: the same for both
    /// measures and both windows, and activity's `open_at_month_end` for the month; a year open is
    /// within nine months open.
    mutating func timelinessIdentities() {
        guard let tt = table("timeliness") else { return }
        let rows = work.tables[tt].rows
        for (r, x) in rows.enumerated() where x.filters == ["open_over_12_months"] {
            guard let nine = row(tt, x.window, x.breakdown, x.cohort, ["open_over_9_months"]) else { continue }
            if let a = node(tt, nine, "n_eligible"), let b = node(tt, r, "n_eligible") { relate(.sum(parent: a, members: [b])) }
            if let a = node(tt, nine, "n_met"), let b = node(tt, r, "n_met") { relate(.atLeastSum(whole: a, parts: [b])) }
        }
        for (r, x) in rows.enumerated() where x.window == "Reporting month" && x.filters.first?.hasPrefix("open_over_") == true {
            guard let rolling = row(tt, "Rolling 12 months", x.breakdown, x.cohort, x.filters) else { continue }
            for c in ["n_eligible", "n_met"] {
                if let a = node(tt, r, c), let b = node(tt, rolling, c) { relate(.sum(parent: a, members: [b])) }
            }
        }
        guard let ta = table("activity_trend"), let m = reportingMonth(ta) else { return }
        for (r, x) in work.tables[ta].rows.enumerated() where x.window == m.text {
            guard let e = row(tt, "Reporting month", x.breakdown, x.cohort, ["open_over_9_months"]),
                  let a = node(ta, r, "open_at_month_end"), let b = node(tt, e, "n_eligible") else { continue }
            relate(.sum(parent: a, members: [b]))
        }
    }

    /// The response-rate table's closed episodes are activity's closures: the month's, and the
    /// sum of the 12 months for the rolling window.
    mutating func closureIdentities() {
        guard let tr = table("feedback_response_rate"), let ta = table("activity_trend"), let m = reportingMonth(ta) else { return }
        for (r, x) in work.tables[tr].rows.enumerated() {
            guard let closed = node(tr, r, "n_closed") else { continue }
            let months = x.window == "Reporting month" ? [m] : (0..<12).map { m.adding($0 - 11) }
            guard x.window == "Reporting month" || x.window == "Rolling 12 months" else { continue }
            let ms = months.compactMap { mo in row(ta, mo.text, x.breakdown, x.cohort).flatMap { node(ta, $0, "closures") } }
            guard ms.count == months.count else { continue }
            relate(.sum(parent: closed, members: ms))
        }
    }

    /// The trend's month `M` is `attendance.csv`'s reporting month; the rolling window's pupils
    /// are at least each month's and at most their sum.
    mutating func attendanceTrendIdentities() {
        guard let tt = table("attendance_trend"), let ta = table("attendance") else { return }
        let months = Set(work.tables[tt].rows.map(\.window)).compactMap { Month(text: $0) }.sorted { $0 < $1 }
        guard let m = months.last else { return }
        for (r, x) in work.tables[ta].rows.enumerated() {
            if x.window == "Reporting month", let tr = row(tt, m.text, x.breakdown, x.cohort) {
                for c in ["n_pupils", "n_persistently_absent", "n_severely_absent"] {
                    if let a = node(ta, r, c), let b = node(tt, tr, c) { relate(.sum(parent: a, members: [b])) }
                }
            }
            if x.window == "Rolling 12 months", let a = node(ta, r, "n_pupils") {
                let ms = months.compactMap { mo in row(tt, mo.text, x.breakdown, x.cohort).flatMap { node(tt, $0, "n_pupils") } }
                if !ms.isEmpty { relate(.bounded(parent: a, members: ms)) }
            }
        }
    }
}
