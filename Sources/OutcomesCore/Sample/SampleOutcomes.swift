/// `outcomes.csv`: entry, review and exit scores per episode, domain and rater, in a column order
/// that differs from the contract's, mostly improving a little, with some same-day assessments.
extension SampleModel {
    static let outcomeHeader = ["episode_id", "assessment_date", "domain", "stage", "rated_by", "score"]

    static let youngDomains = ["early_years", "health", "family_relationships", "housing",
                               "financial_stability", "domestic_abuse", "substance_use"]
    static let schoolDomains = ["education", "health", "family_relationships", "exploitation", "crime",
                                "domestic_abuse", "housing", "financial_stability", "substance_use"]

    enum DirtyOutcome: CaseIterable { case invalidDate, scoreOutOfRange, unknownEpisode, wrongFieldCount }

    func writeOutcomes(to sink: LineSink, seed: UInt64) throws -> Int {
        var rng = SampleRNG(seed: seed, stream: 20)
        let out = SampleCSV(sink: sink)
        try out.row(Self.outcomeHeader)
        let perKind = max(1, episodes.count * 8 / 2500 / 4)
        var dirtyAt: [Int: [DirtyOutcome]] = [:]
        for k in DirtyOutcome.allCases {
            for _ in 0..<perKind { dirtyAt[rng.below(episodes.count), default: []].append(k) }
        }
        for i in episodes.indices {
            let rows = outcomeRows(episodes[i], &rng)
            for r in rows { try out.row(r) }
            for kind in dirtyAt[i] ?? [] {
                var f = rows.first ?? [episodes[i].id, Days.iso(episodes[i].allocation), "health", "entry",
                                       "practitioner", "5"]
                switch kind {
                case .invalidDate: f[1] = SampleDate.invalid(near: episodes[i].allocation, &rng)
                case .scoreOutOfRange: f[1] = Days.iso(episodes[i].allocation + 1); f[5] = rng.pick(["0", "11", "12"])
                case .unknownEpisode: f[0] = "EP0" + Days.pad(rng.below(100_000), 5)
                case .wrongFieldCount: f.removeLast()
                }
                try out.row(f)
            }
        }
        try out.finish()
        return out.rows
    }

    private func outcomeRows(_ e: SampleEpisode, _ rng: inout SampleRNG) -> [[String]] {
        let share: Double
        switch e.level {
        case "EH3", "EH4": share = 0.88
        case "CIN": share = 0.65
        case "CP": share = 0.5
        case "CIC": share = 0.4
        default: share = 0.3
        }
        guard rng.chance(share) else { return [] }
        let entry = max(e.allocation, e.assessment ?? e.allocation + Day(rng.int(0...21)))
        guard entry <= last else { return [] }
        let end = e.closure ?? last

        // The assessments: dates strictly increasing, except the designed same-day ones.
        var plan: [(Day, Stage)] = [(entry, .entry)]
        let shape = rng.unit()
        if shape < 0.03 {
            plan.append((entry, .exit))  // entry and exit on one day: no distance travelled (PRECISE 20)
        } else {
            if shape < 0.07 { plan[0].1 = .review }  // no entry stage: the baseline falls back
            if shape >= 0.07 && shape < 0.11 { plan.append((entry, .review)) }
            var next = entry + Day(rng.int(70...120))
            while next < end - 20 && plan.count < 4 {
                plan.append((next, .review))
                next += Day(rng.int(70...120))
            }
            if let c = e.closure, rng.chance(0.85) {
                plan.append((max(plan[plan.count - 1].0 + 1, c - Day(rng.int(0...10))), .exit))
            }
        }

        plan.removeAll { $0.0 > last }  // an exit the day after a same-day closure at the very end
        let age = Self.age(children[e.child].birth, at: e.allocation)
        var pool: [String]
        switch e.service {
        case "YJS": pool = ["crime", "exploitation", "education", "family_relationships"]
        case "YSMART": pool = ["substance_use", "health", "exploitation"]
        default: pool = age < 5 ? Self.youngDomains : Self.schoolDomains
        }
        let u = rng.unit()
        let nDomains = min(pool.count, u < 0.42 ? 2 : u < 0.82 ? 3 : 4)
        var domains: [String] = []
        while domains.count < nDomains {
            let d = pool.remove(at: rng.below(pool.count))
            domains.append(d)
        }
        let family = rng.chance(0.6)
        var rows: [[String]] = []
        for domain in domains {
            let practBase = Self.clampScore(Int((4.6 + 1.7 * rng.normal()).rounded()), 1, 9)
            let deltaU = rng.unit()
            let delta = deltaU < 0.55 ? rng.int(1...3) : deltaU < 0.8 ? 0 : deltaU < 0.95 ? -rng.int(1...2) : rng.int(4...5)
            for rater in family ? [Rater.practitioner, .family] : [.practitioner] {
                let base = rater == .family ? Self.clampScore(practBase + rng.int(-1...2), 1, 10) : practBase
                let d = rater == .family ? delta + rng.int(-1...1) : delta
                for (k, (date, stage)) in plan.enumerated() {
                    let frac = plan.count == 1 ? 0 : Double(k) / Double(plan.count - 1)
                    var score = base + Int((Double(d) * frac).rounded())
                    if stage == .review && rng.chance(0.15) { score += rng.chance(0.5) ? 1 : -1 }
                    score = Self.clampScore(score, 1, 10)
                    rows.append([
                        e.id, SampleDate.mixed(date, &rng, ukShare: 0.08, timeShare: 0.02),
                        rng.chance(0.02) ? domain.titleCased : domain,
                        rng.chance(0.03) ? stage.code.titleCased : stage.code,
                        Self.raterText(rater, &rng),
                        rng.chance(0.005) ? " \(score) " : String(score),
                    ])
                }
            }
        }
        return rows
    }

    static func clampScore(_ v: Int, _ lo: Int, _ hi: Int) -> Int { min(hi, max(lo, v)) }

    static func raterText(_ r: Rater, _ rng: inout SampleRNG) -> String {
        let u = rng.unit()
        switch r {
        case .family: return u < 0.95 ? "family" : "Family"
        case .practitioner: return u < 0.75 ? "practitioner" : u < 0.95 ? "" : "Practitioner"
        }
    }
}

private extension String {
    var titleCased: String { prefix(1).uppercased() + dropFirst() }
}
