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

        mutating func add(_ o: Observation) {
            n += 1; sumBaseline += o.baseline; sumLatest += o.latest
            lanes[o.latest - o.baseline + 9] &+= 1
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
            for c in ranges[p] {
                var touched = Set<UInt64>()
                for e in children[c] where !scoresByEpisode[e].isEmpty {
                    let episode = data.episodes[e]
                    for (w, window) in windows.enumerated() where episode.allocationDate <= window.end {
                        for o in observations(scoresByEpisode[e], in: window) {
                            let own = domainIndex[o.domain]!
                            for d in 0...1 {
                                let d = d == 0 ? 0 : own
                                let bk = bandKey(window: w, domain: d, rater: o.rater)
                                agg.bands[bk, default: [Int](repeating: 0, count: 25)][(o.baseline - 1) / 2 * 5 + (o.latest - 1) / 2] += 1
                                for b in 0..<nBreakdowns {
                                    let k = rowKey(window: w, breakdown: b, cohort: cohortIDs[e][b], domain: d, rater: o.rater)
                                    agg.rows[k, default: Totals()].add(o)
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
