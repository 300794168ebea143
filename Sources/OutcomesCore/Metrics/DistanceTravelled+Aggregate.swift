/// The per-child work of distance travelled: baselines, latest scores and their aggregation.
extension DistanceTravelledMetric {
    /// One episode-domain counted in a window (METRICS.md 1).
    struct Observation: Equatable {
        var domain: String
        var rater: Rater
        var baseline: Int
        var latest: Int
    }

    /// The episode-domains of one episode's scores that count in `window`.
    ///
    /// Per domain and rater, using only scores dated on or before the window end: the baseline is
    /// the earliest `entry` (else the earliest score, ties to the earliest stage); the latest is the
    /// latest score dated strictly after the baseline, ties to `exit` > `review` > `entry`; it counts
    /// when the latest's date lies in the window (PRECISE.md 20).
    static func observations(_ scores: [OutcomeScore], in window: ReportWindow) -> [Observation] {
        let sorted = scores.filter { $0.assessmentDate <= window.end && (1...10).contains($0.score) }.sorted {
            if $0.domain != $1.domain { return $0.domain.utf8.lexicographicallyPrecedes($1.domain.utf8) }
            if $0.ratedBy != $1.ratedBy { return $0.ratedBy < $1.ratedBy }
            if $0.assessmentDate != $1.assessmentDate { return $0.assessmentDate < $1.assessmentDate }
            return $0.stage < $1.stage
        }
        var out: [Observation] = []
        var i = 0
        while i < sorted.count {
            var j = i + 1
            while j < sorted.count && sorted[j].domain == sorted[i].domain && sorted[j].ratedBy == sorted[i].ratedBy {
                j += 1
            }
            // sorted[i..<j]: one domain and rater, by date then stage.
            let group = sorted[i..<j]
            let baseline = group.first { $0.stage == .entry } ?? group[i]
            let latest = group[j - 1]
            if latest.assessmentDate > baseline.assessmentDate && window.contains(latest.assessmentDate) {
                out.append(Observation(domain: group[i].domain, rater: group[i].ratedBy,
                                       baseline: baseline.score, latest: latest.score))
            }
            i = j
        }
        return out
    }

    /// A valid score (1 to 10) as the aggregation reads it: the domain as its index in code-point
    /// order (0 is `Total`) and the rater as 0 (family) or 1 (practitioner), both in the order
    /// `observations` sorts them.
    struct RankedScore {
        var domain: Int32
        var rater: UInt8
        var stage: Stage
        var date: Day
        var score: Int
    }

    /// One episode's valid scores sorted as `observations` sorts them (domain, rater, date, stage),
    /// once for all windows.
    static func ranked(_ scores: [OutcomeScore], domainIndex: [String: Int]) -> [RankedScore] {
        var r: [RankedScore] = []
        r.reserveCapacity(scores.count)
        for s in scores where (1...10).contains(s.score) {
            r.append(RankedScore(domain: Int32(domainIndex[s.domain]!), rater: s.ratedBy == .family ? 0 : 1,
                                 stage: s.stage, date: s.assessmentDate, score: s.score))
        }
        r.sort {
            if $0.domain != $1.domain { return $0.domain < $1.domain }
            if $0.rater != $1.rater { return $0.rater < $1.rater }
            if $0.date != $1.date { return $0.date < $1.date }
            return $0.stage < $1.stage
        }
        return r
    }

    /// `observations(scores, in: window)` from the ranked scores, the domain as its index: the
    /// same rules, and within a domain and rater the scores dated on or before the window end
    /// are a leading run, so nothing is filtered or sorted per window.
    static func forEachObservation(_ ranked: [RankedScore], in window: ReportWindow,
                                   _ body: (_ domain: Int, _ rater: Rater, _ baseline: Int, _ latest: Int) -> Void) {
        var i = 0
        let n = ranked.count
        while i < n {
            let d = ranked[i].domain, r = ranked[i].rater
            var j = i + 1
            while j < n && ranked[j].domain == d && ranked[j].rater == r { j += 1 }
            // ranked[i..<j]: one domain and rater, by date then stage; the window's part ends at k.
            var k = i
            while k < j && ranked[k].date <= window.end { k += 1 }
            if k > i {
                var baseline = i
                while baseline < k && ranked[baseline].stage != .entry { baseline += 1 }
                if baseline == k { baseline = i }
                let latest = ranked[k - 1]
                if latest.date > ranked[baseline].date && window.contains(latest.date) {
                    body(Int(d), r == 0 ? .family : .practitioner, ranked[baseline].score, latest.score)
                }
            }
            i = j
        }
    }

    /// Running totals of one row; changes are kept as a histogram (−9…9), so medians and
    /// standard deviations come out exactly and merging is order-free integer addition.
    struct Totals {
        var n = 0
        var children = 0
        var sumBaseline = 0
        var sumLatest = 0
        /// Lanes 0…18 count changes −9…9 (lane = change + 9; the rest stay 0). Held inline rather
        /// than in an array, so a new row allocates nothing and adding to one is no
        /// retain/release or uniqueness check (a county report adds to rows millions of times).
        var lanes = SIMD32<Int32>()

        /// The histogram as 19 counts, index = change + 9.
        var changes: [Int] {
            get { (0..<19).map { Int(lanes[$0]) } }
            set { for k in 0..<19 { lanes[k] = Int32(newValue[k]) } }
        }

        mutating func add(_ o: Observation) { add(baseline: o.baseline, latest: o.latest) }
        mutating func add(baseline: Int, latest: Int) {
            n += 1; sumBaseline += baseline; sumLatest += latest
            lanes[latest - baseline + 9] &+= 1
        }
        mutating func merge(_ t: Totals) {
            n += t.n; children += t.children; sumBaseline += t.sumBaseline; sumLatest += t.sumLatest
            lanes &+= t.lanes
        }
    }

    /// Everything the two tables need, keyed by packed row keys.
    struct Aggregate {
        /// Key: window, breakdown, cohort id, domain index (0 = Total), rater.
        var rows: [UInt64: Totals] = [:]
        /// Key: window, domain index, rater (Total breakdown); 25 counts, baseline band × 5 + latest band.
        var bands: [UInt64: [Int]] = [:]

        mutating func merge(_ a: Aggregate) {
            for (k, t) in a.rows { rows[k, default: Totals()].merge(t) }
            for (k, g) in a.bands {
                var cur = bands[k] ?? [Int](repeating: 0, count: 25)
                for i in 0..<25 { cur[i] += g[i] }
                bands[k] = cur
            }
        }
    }

    static func rowKey(window: Int, breakdown: Int, cohort: Int32, domain: Int, rater: Rater) -> UInt64 {
        UInt64(window) << 60 | UInt64(breakdown) << 52 | UInt64(UInt32(bitPattern: cohort)) << 20
            | UInt64(domain) << 1 | (rater == .family ? 0 : 1)
    }
    static func bandKey(window: Int, domain: Int, rater: Rater) -> UInt64 {
        UInt64(window) << 32 | UInt64(domain) << 1 | (rater == .family ? 0 : 1)
    }

    /// Aggregates every child's episode-domains through `Parallel.map`. Partitions hold whole
    /// children, so a child is counted once per row by summing per-partition child counts.
    static func aggregate(_ data: Dataset, _ ctx: ReportContext, keys: BreakdownKeyTable, cohortIDs: [[Int32]],
                          domainIndex: [String: Int]) -> Aggregate {
        var episodeIndex: [String: Int] = [:]
        for (i, e) in data.episodes.enumerated() { episodeIndex[e.episodeID] = i }
        var byEpisode = [[OutcomeScore]](repeating: [], count: data.episodes.count)
        for s in data.outcomes { if let i = episodeIndex[s.episodeID] { byEpisode[i].append(s) } }
        let scoresByEpisode = byEpisode

        // Children in code-point order of child_id, each with its episodes.
        var childOrder = Array(data.episodes.indices)
        childOrder.sort {
            let a = data.episodes[$0].childID, b = data.episodes[$1].childID
            return a == b ? $0 < $1 : a.utf8.lexicographicallyPrecedes(b.utf8)
        }
        var groups: [[Int]] = []
        for i in childOrder {
            if let last = groups.last?.last, data.episodes[last].childID == data.episodes[i].childID {
                groups[groups.count - 1].append(i)
            } else {
                groups.append([i])
            }
        }
        let children = groups

        let windows = ctx.windows
        let nBreakdowns = keys.breakdowns.count
        let ranges = Parallel.ranges(count: children.count, partitions: 64)
        let parts = Parallel.map(partitions: ranges.count, threads: ctx.threads) { p -> Aggregate in
            var agg = Aggregate()
            var touched = Set<UInt64>()
            for c in ranges[p] {
                touched.removeAll(keepingCapacity: true)
                for e in children[c] where !scoresByEpisode[e].isEmpty {
                    let episode = data.episodes[e]
                    let scores = ranked(scoresByEpisode[e], domainIndex: domainIndex)
                    for (w, window) in windows.enumerated() where episode.allocationDate <= window.end {
                        forEachObservation(scores, in: window) { own, rater, baseline, latest in
                            for d in 0...1 {
                                let d = d == 0 ? 0 : own
                                let bk = bandKey(window: w, domain: d, rater: rater)
                                agg.bands[bk, default: [Int](repeating: 0, count: 25)][(baseline - 1) / 2 * 5 + (latest - 1) / 2] += 1
                                for b in 0..<nBreakdowns {
                                    let k = rowKey(window: w, breakdown: b, cohort: cohortIDs[e][b], domain: d, rater: rater)
                                    agg.rows[k, default: Totals()].add(baseline: baseline, latest: latest)
                                    touched.insert(k)
                                }
                            }
                        }
                    }
                }
                for k in touched { agg.rows[k]!.children += 1 }
            }
            return agg
        }
        var total = Aggregate()
        for part in parts { total.merge(part) }
        return total
    }
}
