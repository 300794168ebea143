/// The sample's children and episodes, made once and then written out as four extracts that agree
/// with each other (outcomes and feedback refer to these episodes, attendance to these children).
struct SampleChild {
    var id: String
    var familyID: String
    var birth: Month
    /// As written: `YYYY-MM`, sometimes a full date, sometimes empty.
    var birthText: String
    var locality: String
    var gender: String
    var ethnicity: String
    var send: String
    /// Index into `SampleModel.schools`, or -1 when not of school age in the attendance year.
    var school: Int = -1
    var episodes: [Int] = []
}

struct SampleEpisode {
    var id: String
    var child: Int
    var service: String
    var level: String
    var referral: Day?
    var allocation: Day
    var firstContact: Day?
    var assessment: Day?
    var firstTaf: Day?
    var closure: Day?
    var closureReason: String = ""
    /// Absence while the work is open, relative to before it (below 1: the child attends better).
    var attendanceFactor: Double
}

struct SampleSchool {
    var urn: String
    var secondary: Bool
}

/// Sizes per scale (the brief's targets: episodes, pupils, schools).
struct SampleSizes {
    var episodes: Int
    var pupils: Int
    var schools: Int

    init(_ scale: SampleGenerator.Scale) {
        switch scale {
        case .small: self = SampleSizes(episodes: 300, pupils: 400, schools: 14)
        case .county: self = SampleSizes(episodes: 25_000, pupils: 22_000, schools: 320)
        }
    }
    init(episodes: Int, pupils: Int, schools: Int) {
        self.episodes = episodes; self.pupils = pupils; self.schools = schools
    }
}

struct SampleModel {
    let sizes: SampleSizes
    /// First and last day of the 24 months the episodes, outcomes and feedback cover.
    let first: Day
    let last: Day
    /// First day of the 12 months the attendance covers.
    let attendanceFirst: Day
    var children: [SampleChild] = []
    var episodes: [SampleEpisode] = []
    var schools: [SampleSchool] = []
    /// Next free number for child identifiers (pupils with no episode continue the sequence).
    var nextChildNumber = 200_001

    static let services: Weighted<String> = Weighted([
        ("CSC", 30), ("YIT", 12), ("BRIDGES", 10), ("LINKS", 12), ("FIT", 12), ("FGC", 8),
        ("YSMART", 6), ("YJS", 10),
    ])
    static let localities: Weighted<String> = Weighted([
        ("North", 24), ("South", 24), ("East", 20), ("Exeter", 26), ("", 6),
    ])
    static let genders: Weighted<String> = Weighted([
        ("F", 20), ("Female", 15), ("female", 3), ("Girl", 4), ("girl", 2), ("M", 20), ("Male", 15),
        ("Boy", 4), ("boy", 1), ("U", 3), ("", 5), ("Unknown", 2), ("Not stated", 1), ("Not known", 1),
        ("Non-binary", 0.6), ("Trans male", 0.3), ("X", 0.3),
    ])
    static let ethnicities: Weighted<String> = Weighted([
        ("WBRI", 70), ("wbri", 3), ("WOTH", 4), ("WIRI", 0.5), ("WROM", 0.5), ("WIRT", 0.3),
        ("MWBC", 2), ("MWBA", 1), ("MWAS", 1), ("MOTH", 1), ("AIND", 0.6), ("APKN", 0.4),
        ("ABAN", 0.3), ("AOTH", 0.4), ("CHNE", 0.4), ("BCRB", 0.4), ("BAFR", 0.8), ("BOTH", 0.3),
        ("OOTH", 0.6), ("REFU", 1.5), ("NOBT", 2), ("", 6), ("WHIT", 0.3), ("mwbc", 0.3),
    ])
    static let sends: Weighted<String> = Weighted([
        ("Y", 12), ("N", 50), ("Yes", 5), ("No", 5), ("0", 4), ("1", 2), ("true", 0.5), ("", 20),
    ])
    static let reasons: Weighted<String> = Weighted([
        ("Goals achieved", 30), ("Disengaged", 12), ("Stepped up to social care", 8),
        ("Stepped down to universal services", 12), ("Stepped down to early help", 8),
        ("Moved out of area", 6), ("Transferred to another team", 5), ("Consent withdrawn", 4),
        ("No further action", 5), ("", 6),
    ])
    /// Free-text reasons that need CSV quoting, and one that a spreadsheet would run as a formula.
    static let specialReasons = [
        "=Needs met (see notes)",
        "Moved to Cornwall, case transferred",
        "Family said \"we're fine now\", closed by agreement",
        "Goals achieved.\nFollow-up offered by school",
    ]

    init(seed: UInt64, sizes: SampleSizes, lastMonth: Month) {
        self.sizes = sizes
        first = lastMonth.adding(-23).firstDay
        last = lastMonth.lastDay
        attendanceFirst = lastMonth.adding(-11).firstDay
        var rng = SampleRNG(seed: seed, stream: 1)
        makeSchools(&rng)
        makeEpisodes(&rng)
        var rr = SampleRNG(seed: seed, stream: 2)
        addSpecialReasons(&rr)
    }

    mutating func newChildID(_ rng: inout SampleRNG) -> String {
        nextChildNumber += 1 + rng.below(3)
        return "C" + Days.pad(nextChildNumber, 6)
    }

    private mutating func makeSchools(_ rng: inout SampleRNG) {
        var urn = 110_000 + rng.below(2000)
        let secondary = max(2, sizes.schools / 5)
        for i in 0..<sizes.schools {
            urn += 1 + rng.below(120)
            schools.append(SampleSchool(urn: String(urn), secondary: i < secondary))
        }
    }

    /// A school for a child of `age` (years) at the start of the attendance year, or -1.
    func school(forAge age: Int, _ rng: inout SampleRNG) -> Int {
        guard age >= 4 && age <= 15 else { return -1 }
        let secondary = max(2, sizes.schools / 5)
        return age >= 11 ? rng.below(secondary) : secondary + rng.below(sizes.schools - secondary)
    }

    /// Completed years at `d` with the birth taken as the first day of `birth`.
    static func age(_ birth: Month, at d: Day) -> Int {
        let c = Days.civil(d)
        return (c.year * 12 + c.month - 1 - birth.index) / 12
    }

    static func ageRange(service: String, level: String) -> ClosedRange<Int> {
        if level == "CL" { return 17...19 }
        switch service {
        case "YIT": return 11...17
        case "BRIDGES": return 5...15
        case "LINKS": return 0...15
        case "YSMART": return 12...19
        case "YJS": return 10...17
        default: return 0...17
        }
    }

    static func level(service: String, _ rng: inout SampleRNG) -> String {
        let table: [(String, Double)]
        switch service {
        case "CSC": table = [("CIN", 45), ("CP", 25), ("CIC", 17), ("CL", 8), ("EH4", 5)]
        case "YJS": table = [("EH4", 55), ("CIN", 45)]
        case "FGC": table = [("EH4", 40), ("CIN", 40), ("CP", 20)]
        default: table = [("EH3", 55), ("EH4", 40), ("CIN", 5)]
        }
        return Weighted(table).pick(&rng)
    }

    static func duration(level: String, _ rng: inout SampleRNG) -> Int {
        let u = rng.unit()
        switch level {
        case "EH3": return u < 0.75 ? rng.int(40...200) : u < 0.95 ? rng.int(200...380) : rng.int(380...700)
        case "EH4": return u < 0.70 ? rng.int(60...260) : u < 0.92 ? rng.int(260...450) : rng.int(450...800)
        case "CIN": return u < 0.70 ? rng.int(60...300) : u < 0.90 ? rng.int(300...500) : rng.int(500...900)
        case "CP": return u < 0.70 ? rng.int(150...450) : rng.int(450...800)
        case "CIC": return u < 0.60 ? rng.int(200...700) : rng.int(700...1400)
        default: return rng.int(300...1500)
        }
    }

    private mutating func makeEpisodes(_ rng: inout SampleRNG) {
        let span = Int(last - first) + 1
        var allocations: [Day] = []
        for _ in 0..<sizes.episodes {
            var d: Day
            if rng.chance(0.04) {
                d = first - Day(rng.int(30...540))
            } else {
                var u = rng.unit()
                if rng.chance(0.3) { u = max(u, rng.unit()) }  // demand grows a little over time
                d = first + Day(Int(u * Double(span)))
            }
            let wd = Days.weekday(d)
            if wd >= 5 && rng.chance(0.9) { d += Day(7 - wd) }
            allocations.append(min(d, last))
        }
        allocations.sort()

        var familyOfLast = ""
        for (i, alloc) in allocations.enumerated() {
            var service = Self.services.pick(&rng)
            var level = Self.level(service: service, &rng)
            if alloc < first {  // still open when the 24 months start: long-running social care
                service = "CSC"
                level = rng.pick(["CP", "CIC", "CIC", "CL"])
            }
            var childIndex = -1
            if rng.chance(0.1) && !children.isEmpty && alloc >= first {
                // a second episode for a child already known (another referral, or two services)
                let c = rng.below(children.count)
                let age = Self.age(children[c].birth, at: alloc)
                for _ in 0..<4 where !Self.ageRange(service: service, level: level).contains(age) {
                    service = Self.services.pick(&rng)
                    level = Self.level(service: service, &rng)
                }
                if Self.ageRange(service: service, level: level).contains(age) { childIndex = c }
            }
            if childIndex < 0 {
                let r = Self.ageRange(service: service, level: level)
                let age = r.lowerBound == 0 && rng.chance(0.08) ? 0 : rng.int(r)
                let birth = Month(containing: alloc).adding(-(age * 12 + rng.below(12)))
                let family: String
                if !familyOfLast.isEmpty && rng.chance(0.2) { family = familyOfLast }
                else { family = "F" + Days.pad(300_000 + i * 2 + rng.below(2), 6) }
                familyOfLast = family
                var birthText = birth.text
                let bu = rng.unit()
                if bu < 0.04 { birthText = "" }
                else if bu < 0.07 {
                    birthText = Days.iso(birth.firstDay + Day(rng.below(28)))
                }
                var child = SampleChild(
                    id: newChildID(&rng), familyID: rng.chance(0.05) ? "" : family, birth: birth,
                    birthText: birthText, locality: Self.localities.pick(&rng),
                    gender: Self.genders.pick(&rng), ethnicity: Self.ethnicities.pick(&rng),
                    send: Self.sends.pick(&rng))
                child.school = school(forAge: Self.age(birth, at: attendanceFirst), &rng)
                children.append(child)
                childIndex = children.count - 1
            }
            var ep = makeEpisode(number: i, child: childIndex, service: service, level: level,
                                 allocation: alloc, &rng)
            if ep.closure != nil { ep.closureReason = Self.reasons.pick(&rng) }
            children[childIndex].episodes.append(episodes.count)
            episodes.append(ep)
        }
    }

    private func makeEpisode(number: Int, child: Int, service: String, level: String, allocation: Day,
                             _ rng: inout SampleRNG) -> SampleEpisode {
        var closure: Day? = allocation + Day(Self.duration(level: level, &rng))
        if allocation < first, let c = closure, c < first { closure = first + Day(rng.int(0...420)) }
        if let c = closure {
            let wd = Days.weekday(c)
            closure = wd >= 5 ? max(allocation, c - Day(wd - 4)) : c
            if closure! > last { closure = nil }
        }
        let end = closure ?? last
        var referral: Day? = nil
        if rng.chance(0.88) { referral = allocation - Day(rng.chance(0.9) ? rng.int(0...20) : rng.int(21...60)) }
        var contact: Day? = nil
        if rng.chance(0.93) {
            let u = rng.unit()
            let n = u < 0.8 ? rng.int(0...5) : u < 0.95 ? rng.int(6...12) : rng.int(13...25)
            let c = SampleCalendar.addWeekdays(allocation, n)
            if c <= last { contact = min(c, end) }
        }
        var assessment: Day? = nil
        let early = level.hasPrefix("EH") || level == "CIN"
        if rng.chance(early ? 0.88 : 0.6) {
            let a = allocation + Day(rng.chance(0.75) ? rng.int(7...45) : rng.int(46...100))
            if a <= end { assessment = a }
        }
        var taf: Day? = nil
        let tafShare = level.hasPrefix("EH") ? 0.8 : level == "CIN" ? 0.4 : 0.1
        if let c = contact, rng.chance(tafShare) {
            let t = c + Day(rng.chance(0.75) ? rng.int(5...28) : rng.int(29...70))
            if t <= end { taf = t }
        }
        let improves = rng.chance(0.75)
        let factor = improves ? 0.4 + 0.45 * rng.unit() : 1.0 + 0.3 * rng.unit()
        return SampleEpisode(
            id: "EP" + Days.pad(100_001 + number, 6), child: child, service: service, level: level,
            referral: referral, allocation: allocation, firstContact: contact, assessment: assessment,
            firstTaf: taf, closure: closure, attendanceFactor: factor)
    }

    /// Puts each special closure reason on at least one closed episode (more of the quoted ones at
    /// county scale), so every run exercises CSV quoting and the formula guard.
    private mutating func addSpecialReasons(_ rng: inout SampleRNG) {
        let closed = episodes.indices.filter { episodes[$0].closure != nil }
        guard closed.count > 10 else { return }
        let extra = closed.count / 400
        for (k, reason) in Self.specialReasons.enumerated().reversed() {  // the formula one last: never overwritten
            let copies = k == 0 ? 1 : 1 + extra
            for _ in 0..<copies { episodes[closed[rng.below(closed.count)]].closureReason = reason }
        }
    }
}
