/// `attendance.csv`: one row per pupil per school day and session over the 12 months ending with
/// the last month. Most pupils have no episode (the all-pupils comparison); children with episodes
/// miss more school before the work starts and, mostly, less while it is open.
///
/// County scale writes millions of rows, so each line is copied together from precomputed bytes
/// (pupil prefix, date, session, mark) into one reusable buffer, never formatted as a `String`.
extension SampleModel {
    struct Pupil {
        /// `child_id,school_urn,`
        var prefix: [UInt8]
        /// Prefix at the alternative-provision school for dual-registered pupils (Fridays there).
        var altPrefix: [UInt8]?
        var school: Int
        var startIndex: Int
        var endIndex: Int
        /// Share of school days missed with no episode open (or before any episode).
        var absence: Double
        var poorMix: Bool
        var reception: Bool
        var workExperience: Bool
        var offSite: Bool
        /// Episodes of the child (allocation, closure, factor), oldest first.
        var episodes: [(Day, Day?, Double)]
    }

    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    static let normalMix: Weighted<[UInt8]> = Weighted([
        ("I", 52), ("M", 9), ("C", 4), ("E", 1.5), ("R", 3), ("S", 0.8), ("T", 0.8), ("J1", 0.8),
        ("C1", 0.8), ("C2", 0.5), ("O", 11), ("G", 7), ("N", 5), ("U", 1),
    ].map { (bytes($0.0), $0.1) })
    static let poorMix: Weighted<[UInt8]> = Weighted([
        ("I", 33), ("M", 4), ("C", 2), ("E", 3), ("R", 1), ("S", 2), ("T", 1), ("J1", 0.5), ("C2", 3),
        ("O", 26), ("G", 8), ("N", 13), ("U", 2),
    ].map { (bytes($0.0), $0.1) })
    static let rareNotPossible: [[UInt8]] = ["Y1", "Y1", "Y3", "Y4", "Y5", "Y6", "Y7", "Q"].map(bytes)

    enum DirtyAttendance: CaseIterable { case unknownMark, invalidDate, wrongFieldCount, duplicateKey }

    func makePupils(_ rng: inout SampleRNG, dayCount n: Int) -> [Pupil] {
        var pupils: [Pupil] = []
        var counter = self
        let altURNs = (0..<max(1, sizes.schools / 60)).map { String(149_101 + $0 * 7) }
        func add(id: String, school: Int, episodes: [(Day, Day?, Double)], age: Int) {
            let hasEpisode = !episodes.isEmpty
            let u = rng.unit(), v = rng.unit()
            var absence: Double
            var poor = false
            if hasEpisode {
                absence = u < 0.6 ? 0.02 + 0.07 * v : u < 0.9 ? 0.11 + 0.25 * v : 0.42 + 0.3 * v
            } else {
                absence = u < 0.88 ? 0.005 + 0.05 * v : u < 0.98 ? 0.10 + 0.25 * v : 0.45 + 0.3 * v
            }
            if absence >= 0.1 { poor = rng.chance(0.7) }
            var start = 0, end = n
            let e = rng.unit()
            if e < 0.04 { start = rng.int(10...(n - 40)) } else if e < 0.07 { end = rng.int(40...(n - 10)) }
            let dual = schools[school].secondary && rng.chance(absence > 0.2 ? 0.08 : 0.005)
            pupils.append(Pupil(
                prefix: Self.bytes(id + "," + schools[school].urn + ","),
                altPrefix: dual ? Self.bytes(id + "," + altURNs[rng.below(altURNs.count)] + ",") : nil,
                school: school, startIndex: start, endIndex: end, absence: min(absence, 0.68),
                poorMix: poor, reception: age == 4, workExperience: age == 14 && rng.chance(0.5),
                offSite: rng.chance(0.006), episodes: episodes))
        }
        // Children with episodes around the attendance year, up to 30% of the pupils.
        let cap = sizes.pupils * 30 / 100
        for c in children where c.school >= 0 && pupils.count < cap {
            let eps = c.episodes.map { episodes[$0] }
                .filter { ($0.closure ?? last) >= attendanceFirst - 365 }
                .map { ($0.allocation, $0.closure, $0.attendanceFactor) }
            guard !eps.isEmpty else { continue }
            add(id: c.id, school: c.school, episodes: eps, age: Self.age(c.birth, at: attendanceFirst))
        }
        while pupils.count < sizes.pupils {
            let age = rng.int(4...15)
            let school = counter.school(forAge: age, &rng)
            add(id: counter.newChildID(&rng), school: school, episodes: [], age: age)
        }
        return pupils
    }

    func writeAttendance(to sink: LineSink, seed: UInt64) throws -> Int {
        var rng = SampleRNG(seed: seed, stream: 30)
        let days = SampleCalendar.schoolDays(from: attendanceFirst, through: last)
        let n = days.count
        guard n > 60 else { throw SampleGenerator.Failure(detail: "too few school days before \(Days.iso(last))") }
        let pupils = makePupils(&rng, dayCount: n)
        let iso = days.map { Self.bytes(Days.iso($0) + ",") }
        let uk = days.map { Self.bytes(SampleDate.text($0, .uk) + ",") }
        let month = days.map { Days.civil($0).month }
        let weekday = days.map { Days.weekday($0) }

        // Whole-school days: planned closures (`#`, INSET) and one snow day (`Y2`) for some schools.
        let nSchools = schools.count
        var schoolDay = [UInt8](repeating: 0, count: nSchools * n)  // 0 open, 1 '#', 2 'Y2'
        let snow = days.firstIndex { Days.civil($0).month == 2 } ?? n / 2
        for s in 0..<nSchools {
            schoolDay[s * n + rng.below(n)] = 1
            schoolDay[s * n + rng.below(n)] = 1
            if let sep = month.firstIndex(of: 9), rng.chance(0.5) { schoolDay[s * n + sep] = 1 }
            if rng.chance(0.1) { schoolDay[s * n + snow] = 2 }
        }
        let workWeek = (days.firstIndex { Days.civil($0).month == 6 } ?? n / 2) + 10
        let ukSchool = Set((0..<nSchools).filter { $0 % 23 == 7 })
        let lowerSchool = Set((0..<nSchools).filter { $0 % 29 == 11 })

        let out = SampleCSV(sink: sink)
        try out.row(["child_id", "school_urn", "date", "session", "mark"])
        let buf = out.buffer
        let lf: UInt8 = 10
        let present: [UInt8] = [47], presentPM: [UInt8] = [92], late: [UInt8] = [76]
        let hash: [UInt8] = [35], y2: [UInt8] = [89, 50], xMark: [UInt8] = [88], dMark: [UInt8] = [68]
        let zMark: [UInt8] = [90], bMark: [UInt8] = [66], wMark: [UInt8] = [87], vMark: [UInt8] = [86]
        let pMark: [UInt8] = [80], kMark: [UInt8] = [75], uMark: [UInt8] = [85]
        let amU = Self.bytes("AM,"), pmU = Self.bytes("PM,"), amL = Self.bytes("am,"), pmL = Self.bytes("pm,")

        // Rejects, about one row in 10,000.
        let perKind = max(1, pupils.count * n * 2 / 40_000 / 4)
        var dirtyAt: [Int: [DirtyAttendance]] = [:]
        for k in DirtyAttendance.allCases {
            for _ in 0..<perKind { dirtyAt[rng.below(pupils.count), default: []].append(k) }
        }

        var rows = 1
        for (pi, p) in pupils.enumerated() {
            let dates = ukSchool.contains(p.school) ? uk : iso
            let (am, pm) = lowerSchool.contains(p.school) ? (amL, pmL) : (amU, pmU)
            @inline(__always) func line(_ prefix: [UInt8], _ di: Int, _ pmSession: Bool, _ mark: [UInt8]) {
                buf.bytes(prefix); buf.bytes(dates[di]); buf.bytes(pmSession ? pm : am); buf.bytes(mark)
                buf.byte(lf)
                rows += 1
            }
            var absentCode: [UInt8]? = nil
            var epIndex = 0
            var lastIndex = p.startIndex
            for di in max(0, p.startIndex - 5)..<p.endIndex {
                if di < p.startIndex {  // joining: not yet on roll
                    line(p.prefix, di, false, zMark); line(p.prefix, di, true, zMark)
                    continue
                }
                lastIndex = di
                let sd = schoolDay[p.school * n + di]
                if sd != 0 {
                    let m = sd == 1 ? hash : y2
                    line(p.prefix, di, false, m); line(p.prefix, di, true, m)
                    continue
                }
                if p.reception && month[di] == 9 && weekday[di] == 4 {
                    line(p.prefix, di, false, xMark); line(p.prefix, di, true, xMark)
                    continue
                }
                if p.workExperience && di >= workWeek && di < workWeek + 5 {
                    line(p.prefix, di, false, wMark); line(p.prefix, di, true, wMark)
                    continue
                }
                if let alt = p.altPrefix, weekday[di] == 4 {
                    line(p.prefix, di, false, dMark); line(p.prefix, di, true, dMark)
                    let away = rng.chance(p.absence)
                    line(alt, di, false, away ? [79] : present); line(alt, di, true, away ? [79] : presentPM)
                    continue
                }
                // Absence level today: before any episode, during one, or after the last closed.
                var pr = p.absence
                if !p.episodes.isEmpty {
                    let d = days[di]
                    while epIndex + 1 < p.episodes.count && p.episodes[epIndex + 1].0 <= d { epIndex += 1 }
                    let e = p.episodes[epIndex]
                    if d >= e.0 { pr = min(0.68, p.absence * e.2) }
                    // Things get worse in the months before a referral.
                    let next = d < e.0 ? e.0 : epIndex + 1 < p.episodes.count ? p.episodes[epIndex + 1].0 : Day.max
                    if next - d <= 120 { pr = min(0.68, max(pr, p.absence) * 1.35) }
                }
                // Two-state chain: absence comes in spells; stationary share pr with stickiness q.
                let q = 0.55
                let a = min(1, pr * (1 - q) / (1 - pr))
                let r = rng.unit()
                if absentCode != nil ? r < q : r < a {
                    var code = absentCode ?? (p.poorMix ? Self.poorMix : Self.normalMix).pick(&rng)
                    if absentCode != nil && rng.chance(0.3) {
                        code = (p.poorMix ? Self.poorMix : Self.normalMix).pick(&rng)
                    }
                    absentCode = code
                    let h = rng.unit()
                    if h < 0.08 {
                        line(p.prefix, di, false, code); line(p.prefix, di, true, presentPM)
                    } else if h < 0.14 {
                        line(p.prefix, di, false, present); line(p.prefix, di, true, code)
                    } else {
                        line(p.prefix, di, false, code); line(p.prefix, di, true, code)
                    }
                    continue
                }
                absentCode = nil
                let s = rng.unit()
                if s < 0.0006 {
                    let m = Self.rareNotPossible[rng.below(Self.rareNotPossible.count)]
                    line(p.prefix, di, false, m); line(p.prefix, di, true, m)
                } else if p.offSite && weekday[di] == 2 {
                    line(p.prefix, di, false, bMark); line(p.prefix, di, true, bMark)
                } else if s < 0.0021 {
                    line(p.prefix, di, false, vMark); line(p.prefix, di, true, vMark)
                } else if s < 0.0041 {
                    line(p.prefix, di, false, present); line(p.prefix, di, true, pMark)
                } else if s < 0.0046 {
                    line(p.prefix, di, false, kMark); line(p.prefix, di, true, kMark)
                } else if s < 0.0076 {
                    line(p.prefix, di, false, uMark); line(p.prefix, di, true, presentPM)
                } else if s < 0.0376 {
                    line(p.prefix, di, false, late); line(p.prefix, di, true, presentPM)
                } else {
                    line(p.prefix, di, false, present); line(p.prefix, di, true, presentPM)
                }
                try buf.flushIfFull(into: sink)
            }
            for kind in dirtyAt[pi] ?? [] {
                switch kind {
                case .unknownMark:
                    line(p.prefix, p.startIndex + rng.below(p.endIndex - p.startIndex), false,
                         Self.bytes(rng.pick(["A", "i", "?", "y1", "PP"])))
                case .duplicateKey:
                    line(p.prefix, lastIndex, true, Self.bytes("I"))
                case .invalidDate:
                    buf.bytes(p.prefix); buf.text(SampleDate.invalid(near: days[n / 2], &rng) + ",")
                    buf.bytes(am); buf.bytes(present); buf.byte(lf); rows += 1
                case .wrongFieldCount:
                    buf.bytes(p.prefix); buf.bytes(dates[lastIndex]); buf.text("PM"); buf.byte(lf); rows += 1
                }
            }
        }
        try out.finish()
        return rows
    }
}
