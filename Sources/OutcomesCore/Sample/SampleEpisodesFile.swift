/// `episodes.csv`: the contract's columns plus an extra `team` column the tool must ignore, with a
/// byte-order mark as spreadsheet exports write it, and a few rows the loader must reject.
extension SampleModel {
    static let episodeHeader = [
        "episode_id", "child_id", "family_id", "service", "team", "locality", "level", "referral_date",
        "allocation_date", "first_contact_date", "assessment_date", "first_taf_date", "closure_date",
        "closure_reason", "birth_month", "gender", "ethnicity", "send", "school_urn",
    ]

    enum DirtyEpisode: CaseIterable { case closureBeforeAllocation, duplicateKey, invalidDate, wrongFieldCount }

    func writeEpisodes(to sink: LineSink, seed: UInt64) throws -> Int {
        var rng = SampleRNG(seed: seed, stream: 10)
        let out = SampleCSV(sink: sink, bom: true)
        try out.row(Self.episodeHeader)
        // Rejects, well under 1% of rows: two at small scale, about one in 600 at county scale.
        let kinds: [DirtyEpisode] = episodes.count >= 5000
            ? DirtyEpisode.allCases : [.closureBeforeAllocation, .duplicateKey]
        let perKind = max(1, episodes.count / 2500)
        var dirtyAt: [Int: [DirtyEpisode]] = [:]
        for k in kinds { for _ in 0..<perKind { dirtyAt[1 + rng.below(episodes.count - 1), default: []].append(k) } }
        for i in episodes.indices {
            try out.row(episodeFields(episodes[i], &rng))
            for kind in dirtyAt[i] ?? [] {
                try out.row(dirtyEpisode(kind, number: i, &rng))
            }
        }
        try out.finish()
        return out.rows
    }

    /// Spaces round a value now and then: the loader trims them.
    static func spaced(_ s: String, _ rng: inout SampleRNG, _ p: Double = 0.01) -> String {
        guard !s.isEmpty, rng.chance(p) else { return s }
        return rng.chance(0.5) ? " " + s : s + "  "
    }

    func episodeFields(_ e: SampleEpisode, _ rng: inout SampleRNG) -> [String] {
        let c = children[e.child]
        func date(_ d: Day?) -> String { d.map { SampleDate.mixed($0, &rng) } ?? "" }
        let u = rng.unit()
        let service = u < 0.02 ? e.service.lowercased() : u < 0.03 ? e.service + " " : e.service
        let level = rng.chance(0.02) ? e.level.lowercased() : e.level
        let team = (c.locality.isEmpty ? "County" : c.locality)
            + (e.level.hasPrefix("EH") ? " Early Help " : " Social Work ") + String(1 + rng.below(3))
        let school = c.school >= 0 && rng.chance(0.9) ? schools[c.school].urn : ""
        return [
            e.id, c.id, c.familyID, service, team, Self.spaced(c.locality, &rng), level, date(e.referral),
            date(e.allocation), date(e.firstContact), date(e.assessment), date(e.firstTaf), date(e.closure),
            Self.spaced(e.closureReason, &rng), c.birthText, Self.spaced(c.gender, &rng), c.ethnicity,
            c.send, school,
        ]
    }

    private func dirtyEpisode(_ kind: DirtyEpisode, number i: Int, _ rng: inout SampleRNG) -> [String] {
        var e = episodes[i]
        if kind != .duplicateKey { e.id = "EP9" + Days.pad(10_000 + rng.below(90_000), 5) }
        var f = episodeFields(e, &rng)
        switch kind {
        case .closureBeforeAllocation:
            f[12] = Days.iso(e.allocation - Day(rng.int(1...40)))  // closure_date
            f[13] = "Closed in error"
        case .duplicateKey:
            f[13] = "Duplicate export row"  // same episode_id again in one file
        case .invalidDate:
            f[8] = SampleDate.invalid(near: e.allocation, &rng)  // allocation_date
        case .wrongFieldCount:
            f.removeLast(2)
        }
        return f
    }
}
