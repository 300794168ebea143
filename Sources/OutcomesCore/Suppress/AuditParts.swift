/// The audit's data structures for speed (PRECISE.md 41): a flat node index in place of a
/// dictionary keyed by text, and propagation by independent parts, each part's result kept for
/// the next round.
///
/// Why parts: a relation changes only its hidden (variable) counts, and a shown count is a
/// constant no relation moves, so relations joined only through shown counts never influence one
/// another. Propagating each part on its own in relation order gives exactly the bounds, and the
/// "which relation moved it last" of each node, that one queue over all relations gives: the
/// queue's work on a part is the same sequence either way. A county report audits about twenty
/// rounds and each round hides a few cells, so most parts come back unchanged and their bounds
/// are reused instead of propagated again; the changed ones run side by side on the workers.
struct AuditPropagation {
    /// The guard of `Intervals.propagate` against creeping bounds; when the parts together take
    /// this many tightenings, the round falls back to one queue over all relations, so the
    /// guard cuts where it always did.
    static let maxSteps = 5_000_000

    let threads: Int
    /// Each part of the last round, by its exact description (relations and starting bounds).
    private var seen: [PartKey: Outcome] = [:]

    init(threads: Int) { self.threads = max(1, threads) }

    /// One part's bounds after propagation, numbered within the part.
    struct Outcome: Sendable {
        var lo: [Int]
        var hi: [Int]
        var lastLo: [(relation: Int, step: Int)?]
        var lastHi: [(relation: Int, step: Int)?]
        /// Tightenings it took (the largest step it recorded).
        var steps: Int
    }

    /// Relations joined through hidden counts, with their nodes numbered within the part.
    struct Part: Sendable {
        /// Global relation indices, ascending.
        var relations: [Int] = []
        /// Global node of each local node, in order of first use in `relations`.
        var nodes: [Int] = []
        /// Kind and local nodes of every relation, then each node's lo, hi and fixed: the whole
        /// input of the part's propagation.
        var key: [Int] = []
    }

    /// A part's description with its hash worked out once: a round looks every part up twice,
    /// and hashing the whole description each time cost more than propagating the parts.
    struct PartKey: Hashable {
        let words: [Int]
        let hash: Int
        init(_ words: [Int]) {
            self.words = words
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for w in words { h = (h ^ UInt64(bitPattern: Int64(w))) &* 0x100_0000_01b3 }
            hash = Int(bitPattern: UInt(h))
        }
        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
        static func == (a: PartKey, b: PartKey) -> Bool { a.hash == b.hash && a.words == b.words }
    }

    /// Propagates `iv`'s relations to a fixpoint; the same bounds as `iv.propagate()`.
    mutating func propagate(_ iv: inout Intervals) {
        let parts = Self.parts(iv)
        var outcomes = [Outcome?](repeating: nil, count: parts.count)
        var fresh: [Int] = []
        let keys = parts.map { PartKey($0.key) }
        for i in parts.indices {
            if let o = seen[keys[i]] { outcomes[i] = o } else { fresh.append(i) }
        }
        let snapshot = iv, todo = fresh.map { parts[$0] }
        let computed = Parallel.map(partitions: todo.count, threads: threads) { k in Self.run(todo[k], snapshot) }
        for (k, i) in fresh.enumerated() { outcomes[i] = computed[k] }
        let steps = outcomes.reduce(0) { $0 + $1!.steps }
        var next: [PartKey: Outcome] = [:]
        next.reserveCapacity(parts.count)
        for i in parts.indices { next[keys[i]] = outcomes[i]! }
        seen = next
        guard steps < Self.maxSteps else { iv.propagate(maxSteps: Self.maxSteps); return }
        for (i, p) in parts.enumerated() {
            let o = outcomes[i]!
            for (l, g) in p.nodes.enumerated() where !iv.fixed[g] {
                iv.lo[g] = o.lo[l]
                iv.hi[g] = o.hi[l]
                iv.lastLo[g] = o.lastLo[l].map { (p.relations[$0.relation], $0.step) }
                iv.lastHi[g] = o.lastHi[l].map { (p.relations[$0.relation], $0.step) }
            }
        }
    }

    /// One part propagated on its own by `Intervals.propagate`.
    static func run(_ p: Part, _ iv: Intervals) -> Outcome {
        var s = Intervals()
        for g in p.nodes { _ = s.add(lo: iv.lo[g], hi: iv.hi[g], fixed: iv.fixed[g]) }
        // The key spells each relation over the part's own node numbers (`parts`).
        s.relations.reserveCapacity(relations: p.relations.count, nodes: p.key.count)
        var i = 0
        for _ in p.relations { s.relations.append(spelt: p.key, at: &i) { $0 } }
        s.propagate(maxSteps: maxSteps)
        var steps = 0
        for x in s.lastLo { if let x { steps = max(steps, x.step) } }
        for x in s.lastHi { if let x { steps = max(steps, x.step) } }
        return Outcome(lo: s.lo, hi: s.hi, lastLo: s.lastLo, lastHi: s.lastHi, steps: steps)
    }

    /// The parts of `iv`'s relations, ordered by their first relation. A relation of constants
    /// alone moves nothing and belongs to no part.
    static func parts(_ iv: Intervals) -> [Part] {
        let n = iv.lo.count
        var parent = Array(0..<n)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        // The first hidden count of each relation (-1: none), uniting the others with it.
        var firstVariable = [Int](repeating: -1, count: iv.relations.count)
        let ns = iv.relations.nodes
        for ri in iv.relations.indices {
            var root = -1
            for k in iv.relations.range(ri) {
                let v = ns[k]
                guard !iv.fixed[v] else { continue }
                let r = find(v)
                if root < 0 { root = r; firstVariable[ri] = v } else if r != root { parent[r] = root }
            }
        }
        var partOfRoot = [Int](repeating: -1, count: n)
        var parts: [Part] = []
        for ri in iv.relations.indices where firstVariable[ri] >= 0 {
            let r = find(firstVariable[ri])
            if partOfRoot[r] < 0 { partOfRoot[r] = parts.count; parts.append(Part()) }
            parts[partOfRoot[r]].relations.append(ri)
        }
        var localOf = [Int](repeating: -1, count: n)
        for pi in parts.indices {
            var p = parts[pi]
            for ri in p.relations {
                // A linear relation's coefficients and constant say as much as its nodes do.
                iv.relations.spell(ri, into: &p.key) { g in
                    if localOf[g] < 0 { localOf[g] = p.nodes.count; p.nodes.append(g) }
                    return localOf[g]
                }
            }
            for g in p.nodes {
                p.key.append(iv.lo[g]); p.key.append(iv.hi[g]); p.key.append(iv.fixed[g] ? 1 : 0)
                localOf[g] = -1
            }
            parts[pi] = p
        }
        return parts
    }
}

extension Intervals.Relation {
    /// A number per kind of relation, for a part's description.
    var kindCode: Int {
        switch self {
        case .sum: return 0
        case .bounded: return 1
        case .atLeastSum: return 2
        case .linear: return 3
        }
    }

    /// Calls `body` on each of `nodes` in order, without making the array.
    func forEachNode(_ body: (Int) -> Void) {
        switch self {
        case let .sum(p, ms), let .bounded(p, ms):
            body(p)
            for m in ms { body(m) }
        case let .atLeastSum(w, ps):
            body(w)
            for p in ps { body(p) }
        case let .linear(ts, _):
            for t in ts { body(t.node) }
        }
    }
}

/// The node of each count of one audit phase, by table, row and column, in flat arrays (a
/// round looks a count up several times for every relation it is in).
struct AuditNodeIndex {
    private var base: [Int] = []
    private var width: [Int] = []
    private var cellColumns: [Int] = []
    private var slots: [Int32]
    /// Counts outside the tables' shapes (never expected), kept exactly all the same.
    private var other: [Audit.Ref: Int] = [:]

    init(work: SuppressionWork) {
        var offset = 0
        for t in work.tables {
            let cells = max(t.indicators.count, t.rows.map(\.cells.count).max() ?? 0)
            let unshown = max(t.unshownCounts.count, t.rows.map(\.unshown.count).max() ?? 0)
            base.append(offset); cellColumns.append(cells); width.append(cells + unshown)
            offset += (cells + unshown) * t.rows.count
        }
        slots = [Int32](repeating: -1, count: offset)
    }

    private func index(_ r: Audit.Ref) -> Int? {
        guard r.t >= 0, r.t < base.count, r.r >= 0 else { return nil }
        let c = r.column >= 1000 ? cellColumns[r.t] + r.column - 1000 : r.column
        guard c >= 0, c < width[r.t] else { return nil }
        let i = base[r.t] + r.r * width[r.t] + c
        return i < (r.t + 1 < base.count ? base[r.t + 1] : slots.count) ? i : nil
    }

    /// The nodes of row `r`'s counts in table `t`.
    func nodes(_ t: Int, _ r: Int) -> [Int] {
        var out: [Int] = []
        if t >= 0, t < base.count, r >= 0 {
            let start = base[t] + r * width[t], end = min(start + width[t], t + 1 < base.count ? base[t + 1] : slots.count)
            for i in start..<max(start, end) where slots[i] >= 0 { out.append(Int(slots[i])) }
        }
        for (ref, n) in other where ref.t == t && ref.r == r { out.append(n) }
        return out
    }

    subscript(ref: Audit.Ref) -> Int? {
        get {
            guard let i = index(ref) else { return other[ref] }
            return slots[i] < 0 ? nil : Int(slots[i])
        }
        set {
            guard let i = index(ref) else { other[ref] = newValue; return }
            slots[i] = Int32(newValue ?? -1)
        }
    }
}
