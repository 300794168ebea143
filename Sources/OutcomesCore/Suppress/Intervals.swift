/// Integer interval bounds over linear relations between counts, propagated to a fixpoint
/// (PRECISE.md 41: "integer bounds propagated until they stop changing is enough").
///
/// This is the audit of statistical agencies' cell-suppression tools (τ-ARGUS computes the
/// exact feasibility interval of every suppressed cell by linear programming); here every
/// relation is propagated on its own, which gives intervals that contain the exact ones, and the
/// relations used are those an attacker combines with subtraction and bounds.
struct Intervals {
    static let infinity = 1 << 40

    enum Relation {
        /// `parent = Σ members`.
        case sum(parent: Int, members: [Int])
        /// `max(members) ≤ parent ≤ Σ members` (children: one child may sit in several rows).
        case bounded(parent: Int, members: [Int])
        /// `Σ parts ≤ whole`.
        case atLeastSum(whole: Int, parts: [Int])
        /// `Σ coefficient × node + constant ≤ 0`: a shown percentage against its numerator and
        /// base (`ratio` builds it).
        case linear(terms: [(coefficient: Int, node: Int)], constant: Int)

        var nodes: [Int] {
            switch self {
            case .sum(let p, let m), .bounded(let p, let m): return [p] + m
            case .atLeastSum(let w, let p): return [w] + p
            case .linear(let ts, _): return ts.map(\.node)
            }
        }

        /// A percentage shown as `tenths` / 10 (1 decimal place, rounded half away from zero,
        /// METRICS.md "Rounding and small numbers") of `numerator` over `base`: the exact value
        /// lies in [tenths − 0.5, tenths + 0.5) tenths, so (2·tenths − 1)·base ≤ 2000·numerator
        /// < (2·tenths + 1)·base. Non-negative percentages only.
        static func ratio(numerator: Int, base: Int, tenths: Int) -> [Relation] {
            ratio(numerator: numerator, base: [base], tenths: tenths)
        }

        /// The same over a base that is a sum of counts (a band's percentage of its baseline
        /// band); a node named twice has its coefficients merged.
        static func ratio(numerator: Int, base: [Int], tenths: Int) -> [Relation] {
            func merged(_ ts: [(Int, Int)]) -> [(coefficient: Int, node: Int)] {
                var order: [Int] = [], coef: [Int: Int] = [:]
                for (a, x) in ts { if coef[x] == nil { order.append(x) }; coef[x, default: 0] += a }
                return order.compactMap { coef[$0] == 0 ? nil : (coef[$0]!, $0) }
            }
            return [.linear(terms: merged(base.map { (2 * tenths - 1, $0) } + [(-2000, numerator)]), constant: 0),
                    .linear(terms: merged([(2000, numerator)] + base.map { (-(2 * tenths + 1), $0) }), constant: 1)]
        }
    }

    var lo: [Int] = []
    var hi: [Int] = []
    var fixed: [Bool] = []
    var relations = RelationList()
    /// The relation that last tightened a node's lower and upper bound, and when.
    var lastLo: [(relation: Int, step: Int)?] = []
    var lastHi: [(relation: Int, step: Int)?] = []
    private var step = 0

    init() {}

    /// Nodes with these starting bounds, no relations yet.
    init(lo: [Int], hi: [Int], fixed: [Bool]) {
        self.lo = lo; self.hi = hi; self.fixed = fixed
        lastLo = Array(repeating: nil, count: lo.count); lastHi = lastLo
    }

    mutating func add(lo: Int, hi: Int, fixed: Bool) -> Int {
        self.lo.append(lo); self.hi.append(hi); self.fixed.append(fixed)
        lastLo.append(nil); lastHi.append(nil)
        return self.lo.count - 1
    }

    /// The relation that pins a node: the later of the two that last moved its bounds.
    func pinning(_ n: Int) -> Int? {
        switch (lastLo[n], lastHi[n]) {
        case let (a?, b?): return a.step >= b.step ? a.relation : b.relation
        case let (a?, nil): return a.relation
        case let (nil, b?): return b.relation
        default: return nil
        }
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// ⌈a / b⌉ for b < 0 (a·x ≤ room with a < 0 gives x ≥ room / a).
    static func ceilDiv(_ a: Int, _ b: Int) -> Int { -floorDiv(-a, b) }

    private static func add(_ a: Int, _ b: Int) -> Int { a >= infinity || b >= infinity ? infinity : min(infinity, a + b) }

    /// Σ hi over `ms` without `m`, in O(1) from the finite sum and the count of unbounded members.
    private func othersHi(_ m: Int, finite: Int, unbounded: Int) -> Int {
        if hi[m] >= Self.infinity { return unbounded > 1 ? Self.infinity : finite }
        return unbounded > 0 ? Self.infinity : finite - hi[m]
    }

    /// Σ hi over the nodes `ns[ms]`: the finite part and how many are unbounded.
    private func hiTotals(_ ns: [Int], _ ms: Range<Int>) -> (finite: Int, unbounded: Int) {
        var f = 0, u = 0
        for k in ms { let m = ns[k]; if hi[m] >= Self.infinity { u += 1 } else { f += hi[m] } }
        return (f, u)
    }

    /// Propagates every relation until no bound moves (or `maxSteps` tightenings, a guard against
    /// slow creeping on inconsistent data, which then reads as pinned).
    mutating func propagate(maxSteps: Int = 5_000_000) {
        // The relations of node n, ascending, each once: byNode[start[n]..<start[n + 1]].
        let ns = relations.nodes
        var start = [Int](repeating: 0, count: lo.count + 1)
        var seen = [Int](repeating: -1, count: lo.count)
        for i in relations.indices {
            for k in relations.range(i) { let n = ns[k]; if seen[n] != i { seen[n] = i; start[n + 1] += 1 } }
        }
        for n in 0..<lo.count { start[n + 1] += start[n] }
        var fill = start
        var byNode = [Int](repeating: 0, count: start[lo.count])
        seen = [Int](repeating: -1, count: lo.count)
        for i in relations.indices {
            for k in relations.range(i) {
                let n = ns[k]
                if seen[n] != i { seen[n] = i; byNode[fill[n]] = i; fill[n] += 1 }
            }
        }
        var queued = [Bool](repeating: true, count: relations.count)
        var queue = Array(relations.indices)
        var head = 0
        var changed: [Int] = []
        while head < queue.count, step < maxSteps {
            let ri = queue[head]; head += 1
            queued[ri] = false
            changed.removeAll(keepingCapacity: true)
            apply(ri, ns, &changed)
            for n in changed {
                for k in start[n]..<start[n + 1] {
                    let other = byNode[k]
                    if !queued[other] { queued[other] = true; queue.append(other) }
                }
            }
            if head > 1 << 20 { queue.removeFirst(head); head = 0 }
        }
    }

    private mutating func raise(_ n: Int, _ v: Int, _ ri: Int, _ changed: inout [Int]) {
        guard !fixed[n], v > lo[n], lo[n] < hi[n] else { return }
        // Bounds that cross read as pinned (and stop creeping): the relations meet at one value.
        lo[n] = min(v, hi[n]); step += 1; lastLo[n] = (ri, step); changed.append(n)
    }

    private mutating func lower(_ n: Int, _ v: Int, _ ri: Int, _ changed: inout [Int]) {
        guard !fixed[n], v < hi[n], hi[n] > lo[n] else { return }
        hi[n] = max(v, lo[n]); step += 1; lastHi[n] = (ri, step); changed.append(n)
    }

    /// Tightens the nodes of one relation (`ns` is `relations.nodes`); appends the nodes that
    /// moved to `changed`.
    private mutating func apply(_ ri: Int, _ ns: [Int], _ changed: inout [Int]) {
        let all = relations.range(ri)
        guard !all.isEmpty else { return }
        switch relations.kind(ri) {
        case 0:  // parent = Σ members
            let p = ns[all.lowerBound], ms = (all.lowerBound + 1)..<all.upperBound
            var sumLo = 0
            for k in ms { sumLo += lo[ns[k]] }
            var t = hiTotals(ns, ms)
            raise(p, sumLo, ri, &changed)
            lower(p, t.unbounded > 0 ? Self.infinity : t.finite, ri, &changed)
            for k in ms {
                let m = ns[k]
                let (oldLo, oldHi) = (lo[m], hi[m])
                if hi[p] < Self.infinity { lower(m, hi[p] - (sumLo - lo[m]), ri, &changed) }
                if hi[m] != oldHi { t = hiTotals(ns, ms) }
                let others = othersHi(m, finite: t.finite, unbounded: t.unbounded)
                if others < Self.infinity { raise(m, lo[p] - others, ri, &changed) }
                sumLo += lo[m] - oldLo
            }
        case 1:  // max(members) ≤ parent ≤ Σ members
            let p = ns[all.lowerBound], ms = (all.lowerBound + 1)..<all.upperBound
            var most = ms.isEmpty ? 0 : Int.min
            for k in ms where lo[ns[k]] > most { most = lo[ns[k]] }
            raise(p, most, ri, &changed)
            var t = hiTotals(ns, ms)
            lower(p, t.unbounded > 0 ? Self.infinity : t.finite, ri, &changed)
            for k in ms {
                let m = ns[k]
                let oldHi = hi[m]
                lower(m, hi[p], ri, &changed)
                if hi[m] != oldHi { t = hiTotals(ns, ms) }
                let others = othersHi(m, finite: t.finite, unbounded: t.unbounded)
                if others < Self.infinity { raise(m, lo[p] - others, ri, &changed) }
            }
        case 3:
            // Σ a·x + k ≤ 0: each term is at most −(k + the others' least sum).
            let cs = relations.coefficients
            var least = relations.constants[ri]
            var unboundedLeast = 0
            for j in all {
                let a = cs[j], x = ns[j]
                if a > 0 { least += a * lo[x] }
                else if hi[x] >= Self.infinity { unboundedLeast += 1 }
                else { least += a * hi[x] }
            }
            for j in all {
                let a = cs[j], x = ns[j]
                let own: Int
                if a > 0 { own = a * lo[x] } else if hi[x] >= Self.infinity { own = 0 } else { own = a * hi[x] }
                let otherUnbounded = unboundedLeast - (a < 0 && hi[x] >= Self.infinity ? 1 : 0)
                guard otherUnbounded == 0 else { continue }
                let room = -(least - own)  // a·x ≤ room
                if a > 0 {
                    lower(x, Self.floorDiv(room, a), ri, &changed)
                } else {
                    raise(x, Self.ceilDiv(room, a), ri, &changed)
                }
                // A term's own least value (lo for a > 0, hi for a < 0) is not what moved, so
                // `least` stays right for the terms after it; the queue brings the relation back.
            }
        default:  // Σ parts ≤ whole
            let w = ns[all.lowerBound], ps = (all.lowerBound + 1)..<all.upperBound
            var sumLo = 0
            for k in ps { sumLo += lo[ns[k]] }
            raise(w, sumLo, ri, &changed)
            if hi[w] < Self.infinity {
                for k in ps {
                    let p = ns[k]
                    let old = lo[p]
                    lower(p, hi[w] - (sumLo - lo[p]), ri, &changed)
                    sumLo += lo[p] - old
                }
            }
        }
    }
}
