/// The audit of PRECISE.md 41: after rules 1-7, no hidden count may be pinned to one value by
/// what the run publishes. For every hidden count it computes integer bounds from every
/// relation an attacker can combine, propagated to a fixpoint; where a hidden count is pinned it
/// hides the smallest non-zero shown count of the relation that pins it (ties: the first in row
/// order), and audits again until no hidden count is pinned.
struct Audit {
    let work: SuppressionWork
    /// Workers for propagating the changed parts of a round (the result never depends on it).
    var threads = 1

    /// A count of one row: table, row, count name.
    struct Ref: Hashable, Comparable {
        var t: Int, r: Int, name: String, column: Int
        static func < (a: Ref, b: Ref) -> Bool { (a.t, a.r, a.column) < (b.t, b.r, b.column) }
        // The column names the count within its table, so the name need not be hashed (the
        // lookups of a county run's audit spend their time there otherwise).
        static func == (a: Ref, b: Ref) -> Bool { a.t == b.t && a.r == b.r && a.column == b.column }
        func hash(into h: inout Hasher) { h.combine(t); h.combine(r); h.combine(column) }
    }

    /// Runs the audit in two phases; returns how many pinned counts no shown count could protect
    /// (a threshold of 1 pins every small count at 1, for one).
    ///
    /// Phase 1 audits every relation but the previous window's figures and may hide any count.
    /// Phase 2 adds the previous window's figures (rule 7's columns against this window) and
    /// hides only those columns. So a table's own-window cells never depend on its previous
    /// window: they are what that month's run publishes whatever came before it, which is what
    /// the next month's rule 7 needs to know without going back through every earlier month
    /// (PRECISE.md 35, 41).
    /// - Parameter ownWindowOnly: phase 1 alone. Phase 2 hides only the previous window's
    ///   figures, so the own-window cells are final after phase 1: all that rule 7 of the next
    ///   month reads of this table (`SuppressionStage.publishedPreviousWindow`).
    func run(ownWindowOnly: Bool = false) -> Int {
        // One propagation for both phases: phase 2's first round finds every part that holds no
        // previous-window figure exactly as phase 1 left it, and reuses its bounds.
        var propagation = AuditPropagation(threads: threads)
        let phase1 = run(includePrevious: false, &propagation)
        guard !ownWindowOnly, work.decls.contains(where: { $0?.previousWindow == true }) else { return phase1 }
        return run(includePrevious: true, &propagation)
    }

    /// Audit rounds until nothing is pinned that can be unpinned.
    private func run(includePrevious: Bool, _ propagation: inout AuditPropagation) -> Int {
        var unresolvedLast = 0
        // One node index for every round: cleared after each, not allocated again.
        var nodes: AuditNodeIndex? = AuditNodeIndex(work: work)
        // The relations each family built, kept while what it read of the hidden state holds.
        var recordings: AuditRecordings? = AuditRecordings()
        for _ in 0..<10_000 {
            var model = AuditModel(work: work, nodes: nodes.take()!, includePrevious: includePrevious)
            model.recordings = recordings.take()!
            model.build()
            // Part by part, unchanged parts reused: the bounds `intervals.propagate()` gives.
            propagation.propagate(&model.intervals)
            var touched = Set<Int>()
            var hid = false
            var unresolved = 0
            // A count pinned at 0 names no child: it says a group shown as small is empty. Rule 1
            // hides such zeros (PRECISE.md 15) while 41 says a true zero shows 0; the tool keeps
            // rule 1 and leaves them (docs/DISCLOSURE.md "Hidden zeros").
            // Hiding touches the tables, not this round's bounds: the pinned counts are known now.
            let pinned = model.hiddenNodes.filter { model.intervals.lo[$0] >= model.intervals.hi[$0] && model.intervals.hi[$0] > 0 }
            for n in pinned {
                let rel = model.intervals.pinning(n)
                if let rel, touched.contains(rel) { continue }
                var choice: (node: Int, relation: Int)?
                if let rel, let c = model.smallestShown(in: rel, previousOnly: includePrevious) { choice = (c, rel) }
                for ri in choice == nil ? model.relationsOf(n, among: pinned) : [] {
                    if let c = model.smallestShown(in: ri, previousOnly: includePrevious) { choice = (c, ri); break }
                }
                guard let c = choice else { unresolved += 1; continue }
                touched.insert(c.relation)
                if model.hide(c.node) { hid = true }
            }
            unresolvedLast = unresolved
            model.nodeOf.clear(model.refOf)
            nodes = model.nodeOf
            recordings = model.recordings
            if !hid { break }
        }
        return unresolvedLast
    }
}

/// One round's relations over the run's current tables.
struct AuditModel {
    let work: SuppressionWork
    var intervals = Intervals()
    var nodeOf: AuditNodeIndex
    var refOf: [Audit.Ref] = []
    /// Nodes of hidden counts, in the order they were made.
    var hiddenNodes: [Int] = []
    /// Relations of each pinned node, ascending (`relationsOf`).
    private var relationsOfPinned: [Int: [Int]]?
    /// The families' relations from earlier rounds, and the one being recorded.
    var recordings = AuditRecordings()
    var capture: AuditRecording?

    /// Whether the previous window's figures (`prev_*`) take part (phase 2 of `Audit.run`).
    let includePrevious: Bool

    init(work: SuppressionWork, nodes: AuditNodeIndex? = nil, includePrevious: Bool = true) {
        self.work = work; self.includePrevious = includePrevious
        nodeOf = nodes ?? AuditNodeIndex(work: work)
    }

    /// The node of a count, made on first use: a shown count is a constant, a hidden one a
    /// variable from 1 (a true zero shows 0) to T where rules 1, 2 or 6 hid it, else unbounded.
    mutating func node(_ t: Int, _ r: Int, _ name: String) -> Int? {
        if !includePrevious && name.hasPrefix("prev_") { return nil }
        guard let s = work.slot(t, name), let n = node(t, r, name, s) else { return nil }
        capture?.touch(n, refOf[n])
        return n
    }

    /// The node of the count `name` of row `r` in slot `s`; nil when it has no whole value.
    mutating func node(_ t: Int, _ r: Int, _ name: String, _ s: Slot) -> Int? {
        let ref = Audit.Ref(t: t, r: r, name: name, column: s.column)
        // Made already, so it has a value: looked up before anything else, as most asks are.
        if let n = nodeOf[ref] { return n }
        // Bounds worked out in an earlier round while the row is unchanged are the same again.
        let version = work.rowVersion[t][r]
        let b: (lo: Int, hi: Int, fixed: Bool)
        if let known = nodeOf.remembered(ref, version: version) {
            b = known
        } else {
            guard let v = work.value(t, r, s) else { return nil }
            b = bounds(t, r, name, s, v)
            nodeOf.remember(ref, lo: b.lo, hi: b.hi, fixed: b.fixed, version: version)
        }
        let n = intervals.add(lo: b.lo, hi: b.hi, fixed: b.fixed)
        if !b.fixed { hiddenNodes.append(n) }
        nodeOf[ref] = n
        refOf.append(ref)
        return n
    }

    /// A count's starting bounds: its value when shown; when hidden, from 1 (or 0) to T (or
    /// unbounded).
    private func bounds(_ t: Int, _ r: Int, _ name: String, _ s: Slot, _ v: Int) -> (lo: Int, hi: Int, fixed: Bool) {
        guard hidden(t, r, name, s) else { return (v, v, true) }
        let small = work.isSmall(v) && smallByRule(t, r, name, s)
        // A count hidden on its own was picked non-zero (a true zero shows 0), except a set's
        // parent that rule 4 hid for want of a non-zero member, which may be 0: the audit assumes
        // the attacker knows the lower bound 1 wherever it is true. In a row hidden whole only
        // the base is known to be at least 1; its other counts may be zeros rule 1 hid.
        let atLeastOne = (!work.rowHidden[t][r] && v > 0) || name == work.decls[t]?.base
        return (atLeastOne ? 1 : 0, small ? work.threshold : Intervals.infinity, false)
    }

    /// A known constant (not a count of any row).
    mutating func constant(_ v: Int) -> Int {
        let n = intervals.add(lo: v, hi: v, fixed: true)
        refOf.append(Audit.Ref(t: -1, r: -1, name: "", column: -1))
        capture?.constant(n, v)
        return n
    }

    /// A count the stage hid; an unshown count is hidden when it is (its rates show `c`).
    private func hidden(_ t: Int, _ r: Int, _ name: String, _ s: Slot) -> Bool {
        // The previous positives are hidden exactly when their percentage is (rule 7 hides that cell).
        if name == "prev_n_positive", let i = work.cellIndex[t]["prev_pct_positive"] {
            return work.tables[t].rows[r].cells[i] == .c
        }
        return work.isHidden(t, r, s)
    }

    /// Whether the attacker knows the count is at most T: hidden by rule 1 as the row's base,
    /// by rule 2 as a small count, or by rule 6 as the few children (PRECISE.md 41, last item).
    /// Not a previous window's base that rule 7 hid: that window's own rule 4 or audit may have
    /// hidden a large one.
    private func smallByRule(_ t: Int, _ r: Int, _ name: String, _ s: Slot) -> Bool {
        guard let d = work.decls[t] else { return false }
        switch s {
        case .unshown: return d.count(name)?.rule2 ?? false
        case .cell(let i):
            switch work.reason[t][r][i] {
            case .rule1?: return name == d.base
            case .rule2?: return d.count(name)?.rule2 ?? false
            case .rule6?: return name == d.fewChildren || name == d.base
            default: return false
            }
        }
    }

    mutating func relate(_ r: Intervals.Relation) {
        capture?.relation(r)
        // A relation of constants alone tells nothing.
        var variable = false
        r.forEachNode { if !intervals.fixed[$0] { variable = true } }
        guard variable else { return }
        intervals.relations.append(r)
    }

    /// `relate` of every relation of a list (a replayed family's).
    mutating func relate(all list: RelationList) {
        let ns = list.nodes
        for i in list.indices where list.range(i).contains(where: { !intervals.fixed[ns[$0]] }) {
            intervals.relations.append(i, of: list)
        }
    }

    /// The relations pinned node `n` is in, ascending; found for all of `pinned` in one pass over
    /// the round's relations on first use (most rounds need it for few counts, or none).
    mutating func relationsOf(_ n: Int, among pinned: [Int]) -> [Int] {
        if relationsOfPinned == nil {
            var slot = [Int](repeating: -1, count: intervals.lo.count)
            var lists = [[Int]](repeating: [], count: pinned.count)
            for (i, p) in pinned.enumerated() where slot[p] < 0 { slot[p] = i }
            let ns = intervals.relations.nodes
            for ri in intervals.relations.indices {
                for k in intervals.relations.range(ri) {
                    let i = slot[ns[k]]
                    if i >= 0, lists[i].last != ri { lists[i].append(ri) }
                }
            }
            var of: [Int: [Int]] = [:]
            for (p, i) in zip(pinned, pinned.map { slot[$0] }) { of[p] = lists[i] }
            relationsOfPinned = of
        }
        return relationsOfPinned![n] ?? []
    }

    /// The smallest non-zero shown count of a relation (ties: the first in row order).
    func smallestShown(in ri: Int, previousOnly: Bool = false) -> Int? {
        var best: Int?
        for k in intervals.relations.range(ri) {
            let n = intervals.relations.nodes[k]
            guard intervals.fixed[n] && intervals.lo[n] > 0 else { continue }
            if previousOnly && !refOf[n].name.hasPrefix("prev_") { continue }
            guard let b = best else { best = n; continue }
            if intervals.lo[n] < intervals.lo[b] || (intervals.lo[n] == intervals.lo[b] && refOf[n] < refOf[b]) { best = n }
        }
        return best
    }

    /// Hides the count behind a node, as rule 4 would (its base hides the row).
    func hide(_ n: Int) -> Bool {
        let ref = refOf[n]
        if ref.name == "prev_n_responses" || ref.name == "prev_n_positive" {
            // The previous window's base: its figures go with it; its positives: their percentage
            // and the change.
            var any = false
            let names = ref.name == "prev_n_responses" ? ["prev_n_responses", "prev_pct_positive", "change_pp"]
                : ["prev_pct_positive", "change_pp"]
            for name in names {
                if let i = work.cellIndex[ref.t][name], work.hideCell(ref.t, ref.r, i, .audit) { any = true }
            }
            return any
        }
        return work.hideCount(ref.t, ref.r, ref.name, .audit)
    }
}
