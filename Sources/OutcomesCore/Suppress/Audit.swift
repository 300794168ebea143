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
        // One model for every round: its nodes and families are kept, and each round works out
        // again only what the last round's hiding changed (`AuditModel.build`); phase 2 builds
        // again only the families that asked for a previous-window figure.
        var model = AuditModel(work: work, includePrevious: false)
        let phase1 = run(&model, &propagation)
        guard !ownWindowOnly, work.decls.contains(where: { $0?.previousWindow == true }) else { return phase1 }
        model.addPreviousWindow()
        return run(&model, &propagation)
    }

    /// Audit rounds until nothing is pinned that can be unpinned.
    private func run(_ model: inout AuditModel, _ propagation: inout AuditPropagation) -> Int {
        var unresolvedLast = 0
        let includePrevious = model.includePrevious
        for _ in 0..<10_000 {
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
            if !hid { break }
        }
        return unresolvedLast
    }
}

/// The audit's relations over the run's current tables, kept for the rounds of one phase.
///
/// Why kept: a county audit takes twenty to thirty rounds a phase and each round hides a few
/// cells, yet making every node and relation again each round (names looked up, rows keyed,
/// rates read, 25,000 nodes and 40,000 relations) was most of the audit's time. Here a count's
/// node is made once and keeps its number; its starting bounds are worked out again only when its
/// row changed (`SuppressionWork.lastChange`); a family of relations is built again only when
/// what it read of the hidden state changed (`AuditRecording`). Node numbers never reach the
/// result: the propagation follows relation order, the hiding follows `hiddenNodes` (the hidden
/// counts in order of first use, as building from scratch makes them) and breaks ties by row
/// order, so the rounds hide exactly what building every round from the tables hides.
struct AuditModel {
    let work: SuppressionWork
    /// This round's starting bounds and relations (`build`), which the propagation tightens.
    var intervals = Intervals()
    /// The node of each count, for the whole phase.
    var nodeOf: AuditNodeIndex
    /// The count of each node (a constant's is `t = -1`).
    var refOf: [Audit.Ref] = []
    /// Each node's starting bounds, and its row's `lastChange` when they were worked out (-1: a constant).
    private var startLo: [Int] = []
    private var startHi: [Int] = []
    private var startFixed: [Bool] = []
    private var madeAt: [Int] = []
    private var constantNode: [Int: Int] = [:]
    /// This round's nodes of hidden counts, in order of first use.
    var hiddenNodes: [Int] = []
    /// The round each node was last found in (`hiddenNodes`).
    private var usedIn: [Int] = []
    private var round = 0
    /// Where each table's rows start in one numbering of every row (`recordings.readers`).
    let rowBase: [Int]
    /// How much of `work.changes` the rounds have read; the round each row and family was last looked at.
    private var changesSeen = 0
    private var rowSeen: [Int]
    private var placeSeen: [Int] = []
    private var countsOf: [Int: [TableDeclaration.Count]] = [:]
    /// Every family's asks and relations, in family order, each family's at its range
    /// (`gather`); the families built this round, whose own lists are not in them yet.
    private var touches: [Int] = []
    private var touchRange: [Range<Int>] = []
    private var relations = RelationList()
    private var relationRange: [Range<Int>] = []
    var rebuilt: [Int] = []
    /// Every node in order of first use over the families.
    private var order: [Int] = []
    /// Families to build again next round whatever they read (`addPreviousWindow()`).
    private var forceBuild: [Int] = []
    /// Relations of each pinned node, ascending (`relationsOf`).
    private var relationsOfPinned: [Int: [Int]]?
    /// Each family's relations, and the one being recorded.
    var recordings = AuditRecordings()
    var capture: AuditRecording?

    /// Whether the previous window's figures (`prev_*`) take part (phase 2 of `Audit.run`).
    private(set) var includePrevious: Bool

    init(work: SuppressionWork, includePrevious: Bool = true) {
        self.work = work; self.includePrevious = includePrevious
        nodeOf = AuditNodeIndex(work: work)
        var base: [Int] = [], rows = 0
        for t in work.tables { base.append(rows); rows += t.rows.count }
        rowBase = base
        rowSeen = Array(repeating: -1, count: rows)
        recordings.readers = Array(repeating: [], count: rows)
        // Everything changed before the first round is in its bounds already.
        changesSeen = work.changes.count
    }

    /// The node of a count, made on first use: a shown count is a constant, a hidden one a
    /// variable from 1 (a true zero shows 0) to T where rules 1, 2 or 6 hid it, else unbounded.
    mutating func node(_ t: Int, _ r: Int, _ name: String) -> Int? {
        if name.hasPrefix("prev_") {
            capture?.askedPrevious = true
            if !includePrevious { return nil }
        }
        guard let s = work.slot(t, name) else { return nil }
        return node(t, r, name, s)
    }

    /// The node of the count `name` of row `r` in slot `s`; nil when it has no whole value.
    mutating func node(_ t: Int, _ r: Int, _ name: String, _ s: Slot) -> Int? {
        let ref = Audit.Ref(t: t, r: r, name: name, column: s.column)
        let n: Int
        if let known = nodeOf[ref] {
            n = known
        } else {
            // Values never change, so a count without one never gets a node.
            guard let v = work.value(t, r, s) else { return nil }
            let b = bounds(t, r, name, s, v)
            n = newNode(lo: b.lo, hi: b.hi, fixed: b.fixed, madeAt: work.lastChange[t][r], ref: ref)
            nodeOf[ref] = n
        }
        capture?.touches.append(n)
        return n
    }

    private mutating func newNode(lo: Int, hi: Int, fixed: Bool, madeAt version: Int, ref: Audit.Ref) -> Int {
        startLo.append(lo); startHi.append(hi); startFixed.append(fixed); madeAt.append(version)
        refOf.append(ref); usedIn.append(-1)
        return refOf.count - 1
    }

    /// Every relation of the run's current tables, with their nodes' starting bounds and the
    /// hidden counts in order of first use: what building it all from scratch gives. The first
    /// round builds every family; a later one looks only at the rows changed since the round
    /// before: their counts' bounds are worked out again, and a family that read one of them is
    /// built again if what it read changed.
    mutating func build() {
        if round == 0 {
            for (place, key) in families().enumerated() { record(key, at: place) }
            placeSeen = Array(repeating: -1, count: recordings.kept.count)
        } else {
            recordings.built = 0
            var dirty: [Int] = []
            let log = work.changes
            var i = changesSeen
            while i < log.count {
                let t = log[i], r = log[i + 1]
                i += 2
                guard rowSeen[rowBase[t] + r] != round else { continue }
                rowSeen[rowBase[t] + r] = round
                refreshBounds(t, r)
                for p in recordings.readers[rowBase[t] + r] where placeSeen[p] != round {
                    placeSeen[p] = round
                    dirty.append(p)
                }
            }
            changesSeen = log.count
            let forced = Set(forceBuild)
            forceBuild = []
            for p in Set(dirty).union(forced).sorted() where forced.contains(p) || !stillHolds(p) {
                record(recordings.kept[p].key, at: p)
            }
        }
        round += 1
        gather()
        intervals = Intervals(lo: startLo, hi: startHi, fixed: startFixed)
        // Every relation, those of shown counts alone too: they move nothing, are in no part
        // and pin nothing, so the others keep their order and the round its result.
        intervals.relations = relations
        hiddenNodes = order.filter { !startFixed[$0] }
        relationsOfPinned = nil
    }

    /// The families' asks and relations in one list each, the families built this round spliced
    /// in where they belong (the unchanged runs between them copied whole), and the order of
    /// first use again if any family asks for other counts than before.
    private mutating func gather() {
        guard !rebuilt.isEmpty else { return }
        rebuilt.sort()
        var newTouches: [Int] = [], newRelations = RelationList()
        newTouches.reserveCapacity(touches.count); newRelations.reserveCapacity(relations: relations.count, nodes: relations.nodes.count)
        var newTouchRange: [Range<Int>] = [], newRelationRange: [Range<Int>] = []
        newTouchRange.reserveCapacity(recordings.kept.count); newRelationRange.reserveCapacity(recordings.kept.count)
        var orderChanged = false
        var place = 0, next = 0
        while place < recordings.kept.count {
            if next < rebuilt.count && rebuilt[next] == place {
                next += 1
                let rec = recordings.kept[place]
                if place >= touchRange.count || !touches[touchRange[place]].elementsEqual(rec.touches) { orderChanged = true }
                let t0 = newTouches.count, r0 = newRelations.count
                newTouches.append(contentsOf: rec.touches)
                newRelations.append(all: rec.relations)
                newTouchRange.append(t0..<newTouches.count); newRelationRange.append(r0..<newRelations.count)
                // Its lists live in the round's lists from now on.
                recordings.kept[place].touches = []; recordings.kept[place].relations = RelationList()
                place += 1
                continue
            }
            // A run of unchanged families, copied whole.
            let end = next < rebuilt.count ? rebuilt[next] : recordings.kept.count
            let tLo = touchRange[place].lowerBound, tHi = touchRange[end - 1].upperBound
            let rLo = relationRange[place].lowerBound, rHi = relationRange[end - 1].upperBound
            let dt = newTouches.count - tLo, dr = newRelations.count - rLo
            newTouches.append(contentsOf: touches[tLo..<tHi])
            newRelations.append(rLo..<rHi, of: relations)
            for p in place..<end {
                newTouchRange.append((touchRange[p].lowerBound + dt)..<(touchRange[p].upperBound + dt))
                newRelationRange.append((relationRange[p].lowerBound + dr)..<(relationRange[p].upperBound + dr))
            }
            place = end
        }
        touches = newTouches; touchRange = newTouchRange
        relations = newRelations; relationRange = newRelationRange
        rebuilt = []
        if orderChanged {
            order.removeAll(keepingCapacity: true)
            for n in touches where usedIn[n] != round {
                usedIn[n] = round
                order.append(n)
            }
        }
    }

    /// From now on the previous window's figures take part (phase 2): the families that asked
    /// for one are built again in the next round, the others stay as they are.
    mutating func addPreviousWindow() {
        includePrevious = true
        forceBuild = recordings.kept.indices.filter { recordings.kept[$0].askedPrevious }
    }

    /// The starting bounds of row `r`'s counts again (the row changed).
    private mutating func refreshBounds(_ t: Int, _ r: Int) {
        let version = work.lastChange[t][r]
        for n in nodeOf.nodes(t, r) where madeAt[n] != version {
            let ref = refOf[n], s = Slot(column: ref.column)
            guard let v = work.value(t, r, s) else { preconditionFailure("audit: \(ref.name) lost its value") }
            let b = bounds(t, r, ref.name, s, v)
            startLo[n] = b.lo; startHi[n] = b.hi; startFixed[n] = b.fixed; madeAt[n] = version
        }
    }

    /// The counts the audit follows in table `t` (`auditCounts`), worked out once.
    mutating func counts(_ t: Int) -> [TableDeclaration.Count] {
        if let c = countsOf[t] { return c }
        let c = auditCounts(t)
        countsOf[t] = c
        return c
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

    /// A known constant (not a count of any row): one node per value, as no relation moves it.
    mutating func constant(_ v: Int) -> Int {
        let n: Int
        if let known = constantNode[v] {
            n = known
        } else {
            n = newNode(lo: v, hi: v, fixed: true, madeAt: -1, ref: Audit.Ref(t: -1, r: -1, name: "", column: -1))
            constantNode[v] = n
        }
        capture?.touches.append(n)
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

    /// A relation of the family being recorded.
    mutating func relate(_ r: Intervals.Relation) {
        capture!.relations.append(r)
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
