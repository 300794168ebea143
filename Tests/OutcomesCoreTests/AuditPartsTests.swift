import Testing
@testable import OutcomesCore

/// The audit's propagation by parts against the one queue over all relations it replaces
/// (`Intervals.propagate`), and the flat node index against a dictionary.
@Suite struct AuditPartsTests {
    /// A small deterministic generator (SplitMix64), so a failure is repeatable.
    struct Random {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(n))
        }
    }

    /// Random counts, about half hidden (bounds 0 or 1 up to T, a loose top or unbounded, always
    /// holding the count's true value) and random relations of every kind that the true values
    /// satisfy, each whole a new count over earlier ones, as tables' totals are. True relations
    /// keep bounds from creeping a step at a time to the guard (slow in a debug build).
    static func randomIntervals(seed: UInt64, base: Int = 60, relations: Int = 90) -> Intervals {
        var g = Random(state: seed)
        var iv = Intervals()
        var truth: [Int] = []
        func count(_ v: Int) -> Int {
            truth.append(v)
            if g.next(2) == 0 { return iv.add(lo: v, hi: v, fixed: true) }
            let hi = [max(v, 5), v + g.next(3), Intervals.infinity][g.next(3)]
            return iv.add(lo: min(v, g.next(2)), hi: hi, fixed: false)
        }
        for _ in 0..<base { _ = count(g.next(12)) }
        for _ in 0..<relations {
            let ms = (0...g.next(5)).map { _ in g.next(truth.count) }
            let sum = ms.reduce(0) { $0 + truth[$1] }, top = ms.map { truth[$0] }.max()!
            switch g.next(3) {
            case 0: iv.relations.append(.sum(parent: count(sum), members: ms))
            case 1: iv.relations.append(.bounded(parent: count(top + g.next(sum - top + 1)), members: ms))
            default: iv.relations.append(.atLeastSum(whole: count(sum + g.next(3)), parts: ms))
            }
        }
        return iv
    }

    /// Everything the audit reads after propagation: bounds, the relations that moved each
    /// node last, and the relation that pins it.
    static func same(_ a: Intervals, _ b: Intervals) -> Bool {
        a.lo == b.lo && a.hi == b.hi
            && a.lastLo.map { $0?.relation } == b.lastLo.map { $0?.relation }
            && a.lastHi.map { $0?.relation } == b.lastHi.map { $0?.relation }
            && a.lo.indices.map { a.pinning($0) } == b.lo.indices.map { b.pinning($0) }
    }

    @Test func partsGiveTheBoundsOfOneQueue() {
        var moved = 0
        for seed in UInt64(1)...200 {
            let start = Self.randomIntervals(seed: seed)
            var whole = start
            whole.propagate()
            for threads in [1, 2] {
                var parts = start
                var p = AuditPropagation(threads: threads)
                p.propagate(&parts)
                #expect(Self.same(whole, parts), "seed \(seed), \(threads) threads")
            }
            moved += whole.lastLo.compactMap { $0 }.count + whole.lastHi.compactMap { $0 }.count
        }
        // The random relations do tighten bounds (the comparison is not of untouched arrays).
        #expect(moved > 1000)
    }

    /// A second round through the same propagation reuses the parts it saw and propagates the
    /// changed ones: still exactly one queue's bounds.
    @Test func reusedPartsMatchAFreshRound() {
        for seed in UInt64(1)...100 {
            let first = Self.randomIntervals(seed: seed)
            var p = AuditPropagation(threads: 2)
            var a = first
            p.propagate(&a)
            // The next round: one count hidden more (a constant becomes a variable), as after a hide.
            var second = first
            if let n = second.fixed.firstIndex(of: true) {
                second.fixed[n] = false; second.lo[n] = 1; second.hi[n] = Intervals.infinity
            }
            var whole = second
            whole.propagate()
            var reused = second
            p.propagate(&reused)
            #expect(Self.same(whole, reused), "seed \(seed)")
        }
    }

    /// Parts: relations joined only through a shown count stay apart; a relation of constants
    /// alone is in none.
    @Test func partsSplitAtShownCounts() {
        var iv = Intervals()
        let shown = iv.add(lo: 10, hi: 10, fixed: true)
        let a = iv.add(lo: 1, hi: 5, fixed: false), b = iv.add(lo: 1, hi: 5, fixed: false)
        let c = iv.add(lo: 1, hi: 5, fixed: false)
        iv.relations = [.sum(parent: shown, members: [a, b]), .sum(parent: shown, members: [c, shown]),
                        .atLeastSum(whole: shown, parts: [shown]), .bounded(parent: b, members: [a])]
        let parts = AuditPropagation.parts(iv)
        #expect(parts.map(\.relations) == [[0, 3], [1]])
        #expect(parts.map(\.nodes) == [[shown, a, b], [shown, c]])
        // 10 = a + b with a, b ≤ 5 pins both at 5; 10 = c + 10 takes c's top to 0, below its floor
        // of 1, so it reads as pinned at 1.
        var whole = iv
        whole.propagate()
        var byParts = iv
        var p = AuditPropagation(threads: 1)
        p.propagate(&byParts)
        #expect(byParts.lo == [10, 5, 5, 1] && byParts.hi == [10, 5, 5, 1])
        #expect(Self.same(whole, byParts))
    }

    /// The row key appended piece by piece is the joined key it replaced (empty parts included).
    @Test func rowKeyIsTheJoinedKey() {
        let cases: [(String, String, [String], [String])] = [
            ("Reporting month", "service x locality", ["Early Help", "North", "Total", "Total", "Total", "Total"], ["Total"]),
            ("", "", [], []), ("2026-10", "Total", CohortAttributes.totals, ["a", "", "é\u{1F}"]),
        ]
        for (w, b, c, f) in cases {
            #expect(SuppressionWork.key(w, b, c, f) == ([w, b] + c + f).joined(separator: "\u{1F}"))
        }
    }

    @Test func nodeIndexMatchesADictionary() {
        let rows = (0..<7).map { i in
            OutputRow(window: "w", breakdown: "Total", cohort: CohortAttributes.totals, filters: [],
                      cells: [.int(i), .int(i + 1), .z], unshown: [i, i])
        }
        var t = OutputTable(name: "x", indicators: ["a", "b", "c"].map { ColumnSpec($0, "") }, rows: rows)
        t.unshownCounts = ["u", "v"]
        let u = OutputTable(name: "y", indicators: [ColumnSpec("a", "")], rows: Array(rows.prefix(3)).map {
            var r = $0; r.cells = [.int(1)]; r.unshown = []; return r
        })
        let work = SuppressionWork(tables: [t, u], threshold: 5, breakdowns: [.total], declarations: [:])
        var index = AuditNodeIndex(work: work)
        var dict: [Audit.Ref: Int] = [:]
        var refs: [Audit.Ref] = []
        var g = Random(state: 9)
        for k in 0..<300 {
            let tt = g.next(2)
            let ref = Audit.Ref(t: tt, r: g.next(tt == 0 ? 7 : 3), name: "n",
                                column: tt == 0 ? [0, 1, 2, 1000, 1001][g.next(5)] : 0)
            #expect(index[ref] == dict[ref])
            if dict[ref] == nil { dict[ref] = k; index[ref] = k; refs.append(ref) }
        }
        #expect(refs.allSatisfy { index[$0] == dict[$0] })
        // A row's nodes, as the audit reads them when the row changes.
        for (tt, rows) in [(0, 7), (1, 3)] {
            for r in 0..<rows {
                let expected = dict.filter { $0.key.t == tt && $0.key.r == r }.map(\.value).sorted()
                #expect(index.nodes(tt, r).sorted() == expected, "table \(tt) row \(r)")
            }
        }
        // A count outside the table's shape is still kept.
        let odd = Audit.Ref(t: 1, r: 2, name: "n", column: 1003)
        index[odd] = 5
        #expect(index[odd] == 5)
    }
}
